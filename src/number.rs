//! Exact decimal numbers for published statistics.
//!
//! Counts and percentages are kept as `units / 10^scale` in an `i128`, so a
//! share is rounded half-up on the exact rational value: 83.045 rounds to
//! 83.05 even though the nearest `f64` prints as 83.04499…

use serde::de::{self, Deserialize, Deserializer, Visitor};
use std::cmp::Ordering;
use std::fmt;

/// Largest number of decimal places kept.
pub const MAX_SCALE: u32 = 12;
/// Largest magnitude accepted (well inside i128 after scaling for a share).
const MAX_UNITS: i128 = 10_i128.pow(30);

/// An exact decimal.
#[derive(Clone, Copy, Debug)]
pub struct Dec {
    units: i128,
    scale: u32,
}

impl PartialEq for Dec {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Dec {}
impl PartialOrd for Dec {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Dec {
    fn cmp(&self, other: &Self) -> Ordering {
        let s = self.scale.max(other.scale);
        self.rescaled(s).cmp(&other.rescaled(s))
    }
}

fn pow10(n: u32) -> i128 {
    10_i128.pow(n)
}

impl Dec {
    pub const ZERO: Dec = Dec { units: 0, scale: 0 };

    pub fn from_int(i: i64) -> Dec {
        Dec { units: i as i128, scale: 0 }
    }

    /// Parses `-12.340`, `7721`, `+3.5`. No exponents, no separators.
    pub fn parse(s: &str) -> Option<Dec> {
        let s = s.trim();
        let (neg, digits) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i, f),
            None => (digits, ""),
        };
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // At most 30 significant digits: far beyond any statistic, and safe in i128 after scaling.
        if frac.len() as u32 > MAX_SCALE || int.len() + frac.len() > 30 {
            return None;
        }
        let mut units: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            units = units * 10 + (b - b'0') as i128;
        }
        if neg {
            units = -units;
        }
        Some(Dec { units, scale: frac.len() as u32 })
    }

    /// The shortest decimal that round-trips `f` (what YAML wrote), if finite.
    pub fn from_f64(f: f64) -> Option<Dec> {
        if !f.is_finite() || f.abs() >= 1e27 {
            return None;
        }
        // A whole number (most cells of a sheet) needs no formatting.
        if f.fract() == 0.0 && f.abs() < 9e15 {
            return Some(Dec::from_int(f as i64));
        }
        Dec::parse(&format!("{f}"))
    }

    pub fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Number of decimal places as written (`83.05` → 2, `20` → 0).
    pub fn scale(self) -> u32 {
        self.scale
    }

    pub fn is_negative(self) -> bool {
        self.units < 0
    }

    pub fn is_zero(self) -> bool {
        self.units == 0
    }

    /// Whether the value is a whole number.
    pub fn is_integer(self) -> bool {
        self.units % pow10(self.scale) == 0
    }

    /// The value as i64 when it is a whole number in range.
    pub fn as_i64(self) -> Option<i64> {
        if self.is_integer() { i64::try_from(self.units / pow10(self.scale)).ok() } else { None }
    }

    fn rescaled(self, scale: u32) -> i128 {
        self.units.saturating_mul(pow10(scale - self.scale))
    }

    pub fn checked_add(self, o: Dec) -> Option<Dec> {
        let s = self.scale.max(o.scale);
        let u = self.rescaled(s).checked_add(o.rescaled(s))?;
        (u.abs() < MAX_UNITS).then_some(Dec { units: u, scale: s }.normalized())
    }

    pub fn checked_sub(self, o: Dec) -> Option<Dec> {
        self.checked_add(Dec { units: -o.units, scale: o.scale })
    }

    /// Drops trailing zeros of the fraction (`80.50` → `80.5`).
    pub fn normalized(mut self) -> Dec {
        while self.scale > 0 && self.units % 10 == 0 {
            self.units /= 10;
            self.scale -= 1;
        }
        self
    }

    /// Rounds half away from zero to `digits` places, keeping exactly `digits` places.
    pub fn round(self, digits: u32) -> Dec {
        if digits >= self.scale {
            return Dec { units: self.units * pow10(digits - self.scale), scale: digits };
        }
        let d = pow10(self.scale - digits);
        Dec { units: div_round_half_up(self.units, d), scale: digits }
    }

    /// `self / of × 100`, rounded half-up to `digits` places on the exact value.
    /// `None` when `of` is zero or the numbers are out of range.
    pub fn percent_of(self, of: Dec, digits: u32) -> Option<Dec> {
        self.ratio_scaled(of, 100, digits)
    }

    /// `(self − old) / old × 100`, rounded like [`Dec::percent_of`].
    pub fn growth_from(self, old: Dec, digits: u32) -> Option<Dec> {
        self.checked_sub(old)?.ratio_scaled(old, 100, digits)
    }

    /// `self / of × factor`, rounded to `digits` places.
    pub fn ratio_scaled(self, of: Dec, factor: i128, digits: u32) -> Option<Dec> {
        if of.units == 0 || digits > MAX_SCALE {
            return None;
        }
        // self.units/10^a ÷ of.units/10^b × factor × 10^digits
        //   = self.units × 10^b × factor × 10^digits ÷ (of.units × 10^a)
        let num = self.units.checked_mul(pow10(of.scale))?.checked_mul(factor)?.checked_mul(pow10(digits))?;
        let den = of.units.checked_mul(pow10(self.scale))?;
        Some(Dec { units: div_round_half_up(num, den), scale: digits })
    }

    /// Formats with exactly `digits` decimals (rounding half-up).
    pub fn fixed(self, digits: u32) -> String {
        let r = self.round(digits);
        r.to_string_raw()
    }

    fn to_string_raw(self) -> String {
        let neg = self.units < 0;
        let digits = self.units.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let mut out = String::new();
        if neg {
            out.push('-');
        }
        if scale == 0 {
            out.push_str(&digits);
        } else if digits.len() > scale {
            out.push_str(&digits[..digits.len() - scale]);
            out.push('.');
            out.push_str(&digits[digits.len() - scale..]);
        } else {
            out.push_str("0.");
            out.push_str(&"0".repeat(scale - digits.len()));
            out.push_str(&digits);
        }
        out
    }
}

/// Average growth per year, in percent: the rate `r` with `first × (1 + r)^years = last`, where
/// `years = periods / per_year` (2018 → 2021 is 3 periods of 1 a year; 2021Q1 → 2022Q1 is 4 of 4).
/// Rounded half away from zero to `digits` places on the exact value, which is irrational in
/// general: the result is the one whole number of `10^-digits` percent whose interval
/// `[x − ½, x + ½)` holds the rate, decided with exact integer powers, never with a float.
/// `None` when `first` is not positive, `last` is negative or `periods` is zero, and beyond
/// [`MAX_GROWTH_PERIODS`] (after reducing `periods / per_year`), where the exact powers grow too large.
pub fn average_growth(first: Dec, last: Dec, periods: u32, per_year: u32, digits: u32) -> Option<Dec> {
    if first.units <= 0 || last.units < 0 || periods == 0 || per_year == 0 || digits > 6 {
        return None;
    }
    // 24 months are 2 years: (1 + r)^2 = ratio, not (1 + r)^24 = ratio^12.
    let g = gcd(periods, per_year);
    let (periods, per_year) = (periods / g, per_year / g);
    if periods > MAX_GROWTH_PERIODS {
        return None;
    }
    let scale = first.scale.max(last.scale);
    let (f, l) = (big::Big::scaled(first.units, scale - first.scale), big::Big::scaled(last.units, scale - last.scale));
    // x / s is the rate as a fraction, s = 100 × 10^digits.
    let s = 100 * pow10(digits);
    if last.units == 0 {
        return Some(Dec { units: -s, scale: digits });
    }
    // (1 + r)^periods = (last / first)^per_year, so with x = r·s:
    // x − ½ ≤ r·s  ⟺  (2s + 2x − 1)^periods · first^per_year ≤ last^per_year · (2s)^periods.
    let rhs = l.pow(per_year).mul(&big::Big::scaled(2 * s, 0).pow(periods));
    let lhs_f = f.pow(per_year);
    let side = |x: i128| -> Option<std::cmp::Ordering> {
        let base = 2 * s + 2 * x - 1;
        if base < 0 {
            return Some(std::cmp::Ordering::Less);
        }
        Some(big::Big::scaled(base, 0).pow(periods).mul(&lhs_f).cmp(&rhs))
    };
    let at_least = |x: i128| side(x).is_some_and(|o| o != std::cmp::Ordering::Greater);
    let ratio = last.to_f64() / first.to_f64();
    let estimate = (ratio.powf(f64::from(per_year) / f64::from(periods)) - 1.0) * s as f64;
    if !estimate.is_finite() || estimate.abs() > 1e30 {
        return None;
    }
    let mut x = estimate.round() as i128;
    while !at_least(x) {
        x -= 1;
    }
    while at_least(x + 1) {
        x += 1;
    }
    // An exact tie below zero rounds away from zero, as `round` does.
    if last < first && side(x) == Some(std::cmp::Ordering::Equal) {
        x -= 1;
    }
    Some(Dec { units: x, scale: digits })
}

/// Longest span, in periods of its frequency (after reduction), whose average growth is computed:
/// a century of months. The exact powers have about `periods × 28` bits.
pub const MAX_GROWTH_PERIODS: u32 = 1200;

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Just enough of unsigned big integers for [`average_growth`]: products, powers, comparison.
mod big {
    use std::cmp::Ordering;

    /// Little-endian base-2³² digits, no trailing zeros.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Big(Vec<u32>);

    impl Big {
        /// `n × 10^zeros` for `n ≥ 0`.
        pub fn scaled(n: i128, zeros: u32) -> Big {
            let mut v = Vec::new();
            let mut u = n.unsigned_abs();
            while u > 0 {
                v.push(u as u32);
                u >>= 32;
            }
            let mut b = Big(v);
            for _ in 0..zeros {
                b = b.mul(&Big(vec![10]));
            }
            b
        }

        pub fn mul(&self, o: &Big) -> Big {
            if self.0.is_empty() || o.0.is_empty() {
                return Big(Vec::new());
            }
            let mut out = vec![0u64; self.0.len() + o.0.len()];
            for (i, &a) in self.0.iter().enumerate() {
                let mut carry = 0u64;
                for (j, &b) in o.0.iter().enumerate() {
                    let t = out[i + j] + u64::from(a) * u64::from(b) + carry;
                    out[i + j] = t & 0xffff_ffff;
                    carry = t >> 32;
                }
                let mut k = i + o.0.len();
                while carry > 0 {
                    let t = out[k] + carry;
                    out[k] = t & 0xffff_ffff;
                    carry = t >> 32;
                    k += 1;
                }
            }
            while out.last() == Some(&0) {
                out.pop();
            }
            Big(out.into_iter().map(|d| d as u32).collect())
        }

        pub fn pow(&self, mut e: u32) -> Big {
            let (mut acc, mut base) = (Big(vec![1]), self.clone());
            while e > 0 {
                if e & 1 == 1 {
                    acc = acc.mul(&base);
                }
                e >>= 1;
                if e > 0 {
                    base = base.mul(&base);
                }
            }
            acc
        }
    }

    impl Ord for Big {
        fn cmp(&self, o: &Big) -> Ordering {
            self.0.len().cmp(&o.0.len()).then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
        }
    }

    impl PartialOrd for Big {
        fn partial_cmp(&self, o: &Big) -> Option<Ordering> {
            Some(self.cmp(o))
        }
    }
}

/// Integer division rounding half away from zero.
fn div_round_half_up(num: i128, den: i128) -> i128 {
    let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
    let q = num / den;
    let r = num % den;
    if r.abs() * 2 >= den { if num < 0 { q - 1 } else { q + 1 } } else { q }
}

/// Prints as written, with trailing fraction zeros kept (`83.05`, `29.9`, `12873`).
impl fmt::Display for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_raw())
    }
}

impl serde::Serialize for Dec {
    /// Whole numbers as integers, everything else as the nearest float.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_i64() {
            Some(i) => s.serialize_i64(i),
            None => s.serialize_f64(self.to_f64()),
        }
    }
}

impl<'de> Deserialize<'de> for Dec {
    /// Read from the number's text as written, never through a binary float, so `63.0` keeps
    /// its one decimal and `9007199254740993` its last digit. (Asked for a string, the YAML
    /// reader hands over a plain scalar's text; other formats may still give numbers.)
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dec, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Dec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a finite number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dec, E> {
                Ok(Dec::from_int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dec, E> {
                Ok(Dec { units: v as i128, scale: 0 })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Dec, E> {
                if !v.is_finite() {
                    return Err(E::custom(format!("`{v}` is not a finite number: NaN and infinity are refused")));
                }
                Dec::from_f64(v).ok_or_else(|| E::custom(out_of_range()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Dec, E> {
                Dec::from_text(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

fn out_of_range() -> String {
    format!("number out of range: at most 30 significant digits and {MAX_SCALE} decimal places")
}

impl Dec {
    /// A number as an editor typed it: exact, with the decimals written. The error says why
    /// a text is not one, in words for the editor.
    pub fn from_text(text: &str) -> Result<Dec, String> {
        let t = text.trim();
        let bare = t.trim_start_matches(['+', '-']);
        if matches!(bare, ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF") {
            return Err(format!("`{t}` is not a finite number: NaN and infinity are refused"));
        }
        if let Some(d) = Dec::parse(t) {
            return Ok(d);
        }
        let digits = bare.split_once('.').map_or(bare, |(i, _)| i);
        let looks_numeric = !bare.is_empty() && bare.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        if looks_numeric && bare.matches('.').count() <= 1 && !digits.is_empty() {
            return Err(out_of_range());
        }
        if bare.contains(['e', 'E']) && bare.bytes().all(|b| b.is_ascii_digit() || b".eE+-".contains(&b)) {
            return Err(format!(
                "expected a number written out in digits, found {t:?} (no exponent: write 1200, not 1.2e3)"
            ));
        }
        Err(format!("expected a number, found {t:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap()
    }

    #[test]
    fn published_shares_of_the_seed() {
        let cases = [
            ("779", "938", "83.05"),
            ("159", "938", "16.95"),
            ("11591", "12873", "90.04"),
            ("1282", "12873", "9.96"),
            ("10237", "12873", "79.52"),
            ("7721", "12873", "59.98"),
            ("2648", "12873", "20.57"),
        ];
        for (p, t, want) in cases {
            assert_eq!(d(p).percent_of(d(t), 2).unwrap().to_string(), want, "{p}/{t}");
        }
    }

    #[test]
    fn half_up_on_exact_value() {
        // 83.045 exactly: a float would print 83.04499999…
        assert_eq!(d("83.045").round(2).to_string(), "83.05");
        assert_eq!(d("0.125").round(2).to_string(), "0.13");
        assert_eq!(d("-0.125").round(2).to_string(), "-0.13");
        // 1/8 = 12.5 % exactly → 12.50, and 1/800 = 0.125 % → 0.13
        assert_eq!(d("1").percent_of(d("8"), 2).unwrap().to_string(), "12.50");
        assert_eq!(d("1").percent_of(d("800"), 2).unwrap().to_string(), "0.13");
    }

    #[test]
    fn near_zero_and_hundred() {
        assert_eq!(d("1").percent_of(d("1000000"), 2).unwrap().to_string(), "0.00");
        assert_eq!(d("999999").percent_of(d("1000000"), 2).unwrap().to_string(), "100.00");
        assert_eq!(d("999949").percent_of(d("1000000"), 2).unwrap().to_string(), "99.99");
        assert_eq!(d("0").percent_of(d("5"), 2).unwrap().to_string(), "0.00");
    }

    #[test]
    fn zero_total_is_none() {
        assert!(d("5").percent_of(Dec::ZERO, 2).is_none());
        assert!(d("5").growth_from(Dec::ZERO, 2).is_none());
    }

    #[test]
    fn growth_and_arithmetic() {
        assert_eq!(d("120").growth_from(d("100"), 2).unwrap().to_string(), "20.00");
        assert_eq!(d("12873").checked_sub(d("7721")).unwrap().checked_sub(d("2648")).unwrap().to_string(), "2504");
        assert_eq!(d("29.9").checked_add(d("67.03")).unwrap().to_string(), "96.93");
        assert!(d("80.50") == d("80.5"));
        assert_eq!(Dec::from_f64(83.05).unwrap().to_string(), "83.05");
        assert!(Dec::from_f64(f64::NAN).is_none());
        assert!(Dec::parse("1e5").is_none());
        assert!(Dec::parse("").is_none());
        assert!(Dec::parse("-").is_none());
        assert!(Dec::parse(&"9".repeat(31)).is_none());
        assert!(Dec::parse(&format!("{}.{}", "9".repeat(20), "9".repeat(12))).is_none());
        assert!(Dec::parse(&"9".repeat(30)).is_some());
    }

    #[test]
    fn fixed_formatting() {
        assert_eq!(d("29.9").fixed(2), "29.90");
        assert_eq!(d("0.05").fixed(0), "0");
        assert_eq!(d("0.5").fixed(0), "1");
        assert_eq!(d("-0.05").to_string(), "-0.05");
    }
    #[test]
    fn average_annual_growth_is_exact() {
        // 800 → 1200 over 3 years: (1.5)^(1/3) − 1 = 14.4714…%
        assert_eq!(average_growth(d("800"), d("1200"), 3, 1, 2).unwrap().to_string(), "14.47");
        // Doubling in one year, and in four quarters of one year.
        assert_eq!(average_growth(d("100"), d("200"), 1, 1, 2).unwrap().to_string(), "100.00");
        assert_eq!(average_growth(d("100"), d("200"), 4, 4, 1).unwrap().to_string(), "100.0");
        // 12 months from 100 to 112: 12% a year; over 6 months: 25.44% a year (1.12² − 1).
        assert_eq!(average_growth(d("100"), d("112"), 12, 12, 2).unwrap().to_string(), "12.00");
        assert_eq!(average_growth(d("100"), d("112"), 6, 12, 2).unwrap().to_string(), "25.44");
        // 100 → 121 over 2 years is exactly 10%; decimals as written are kept exact.
        assert_eq!(average_growth(d("1.00"), d("1.21"), 2, 1, 3).unwrap().to_string(), "10.000");
        // A fall, no change, to zero.
        assert_eq!(average_growth(d("1000"), d("810"), 2, 1, 2).unwrap().to_string(), "-10.00");
        assert_eq!(average_growth(d("5"), d("5"), 7, 1, 2).unwrap().to_string(), "0.00");
        assert_eq!(average_growth(d("5"), d("0"), 3, 1, 2).unwrap().to_string(), "-100.00");
        assert!(average_growth(d("0"), d("5"), 3, 1, 2).is_none());
        assert!(average_growth(d("5"), d("6"), 0, 1, 2).is_none());
        // Half-way cases round away from zero: 1 → 1.0025 in one year is 0.25% → 0.3 to 1 place.
        assert_eq!(average_growth(d("1"), d("1.0025"), 1, 1, 1).unwrap().to_string(), "0.3");
        assert_eq!(average_growth(d("1"), d("0.9975"), 1, 1, 1).unwrap().to_string(), "-0.3");
        // Where a float would sit on the wrong side of the half: 1 → 1.44 over 2 years = 20% exactly.
        assert_eq!(average_growth(d("1"), d("1.44"), 2, 1, 0).unwrap().to_string(), "20");
        // Large values and long spans stay exact and quick.
        let long = average_growth(d("123456789012345678.5"), d("987654321098765432.25"), 600, 12, 6).unwrap();
        assert_eq!(long.to_string(), "4.246576");
        // The longest span is computed, at the most digits; a longer one is not.
        let one = d("1");
        assert_eq!(average_growth(one, d("2"), MAX_GROWTH_PERIODS, 1, 6).unwrap().to_string(), "0.057779");
        assert!(average_growth(one, d("2"), MAX_GROWTH_PERIODS + 1, 1, 2).is_none());
        // Reduced first: 2,400 months are 200 years.
        assert_eq!(average_growth(one, d("1"), 2400, 12, 2).unwrap().to_string(), "0.00");
    }
}
