//! The period of a time series: a year (`2018`), a quarter (`2021Q2`) or a month (`2021-06`).
//!
//! Owns how a period is written, ordered and named in Chinese. A series holds periods of one
//! frequency; their [`Period::ordinal`] orders them and measures the span between two.

use serde::de::{self, Deserialize, Deserializer, Visitor};
use std::fmt;

/// How often a series is observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Year,
    Quarter,
    Month,
}

impl Frequency {
    /// The name templates read (`data.x.series.k.frequency`).
    pub fn name(self) -> &'static str {
        match self {
            Frequency::Year => "year",
            Frequency::Quarter => "quarter",
            Frequency::Month => "month",
        }
    }

    /// Periods in a year.
    pub fn per_year(self) -> i64 {
        match self {
            Frequency::Year => 1,
            Frequency::Quarter => 4,
            Frequency::Month => 12,
        }
    }

    /// In words, for messages: `a year such as 2018`.
    pub fn example(self) -> &'static str {
        match self {
            Frequency::Year => "years such as 2018",
            Frequency::Quarter => "quarters such as 2021Q2",
            Frequency::Month => "months such as 2021-06",
        }
    }
}

/// One period, as written and as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// As written: `2018`, `2021Q2`, `2021-06`.
    pub text: String,
    pub year: i64,
    /// The quarter (1–4) or month (1–12); 0 for a year.
    pub sub: i64,
    pub frequency: Frequency,
}

impl Period {
    /// Parses `2018`, `2021Q2` (or `2021q2`, `2021-Q2`) and `2021-06` (or `2021-6`).
    pub fn parse(s: &str) -> Result<Period, String> {
        let t = s.trim();
        let bad = || {
            format!(
                "expected a period: a year such as 2018, a quarter such as 2021Q2 or a month such as 2021-06, found {t:?}"
            )
        };
        let year = |y: &str| -> Option<i64> {
            (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit())).then(|| y.parse().ok()).flatten()
        };
        let make = |y: i64, sub: i64, frequency| Period { text: t.to_string(), year: y, sub, frequency };
        if let Some(y) = year(t) {
            return Ok(make(y, 0, Frequency::Year));
        }
        let upper = t.to_ascii_uppercase();
        if let Some((y, q)) = upper.split_once('Q') {
            let y = year(y.trim_end_matches('-')).ok_or_else(bad)?;
            return match q.as_bytes() {
                [d @ b'1'..=b'4'] => Ok(make(y, i64::from(d - b'0'), Frequency::Quarter)),
                _ => Err(format!("{t:?} is not a quarter: a quarter is Q1 to Q4, as in 2021Q2")),
            };
        }
        if let Some((y, m)) = t.split_once('-') {
            let y = year(y).ok_or_else(bad)?;
            let digits = !m.is_empty() && m.len() <= 2 && m.bytes().all(|b| b.is_ascii_digit());
            return match m.parse::<i64>() {
                Ok(m @ 1..=12) if digits => Ok(make(y, m, Frequency::Month)),
                _ if digits => Err(format!("{t:?} is not a month: a month is 01 to 12, as in 2021-06")),
                _ => Err(bad()),
            };
        }
        Err(bad())
    }

    /// Position on the time line in periods of its frequency: consecutive periods differ by 1.
    pub fn ordinal(&self) -> i64 {
        match self.frequency {
            Frequency::Year => self.year,
            Frequency::Quarter | Frequency::Month => self.year * self.frequency.per_year() + self.sub - 1,
        }
    }

    /// As a Chinese publication names it: `2018年`, `2021年第二季度`, `2021年6月`.
    pub fn label(&self) -> String {
        match self.frequency {
            Frequency::Year => format!("{}年", self.year),
            Frequency::Quarter => {
                let q = ["一", "二", "三", "四"][(self.sub - 1).clamp(0, 3) as usize];
                format!("{}年第{q}季度", self.year)
            }
            Frequency::Month => format!("{}年{}月", self.year, self.sub),
        }
    }
}

impl<'de> Deserialize<'de> for Period {
    /// Read from the scalar's text (`2018` unquoted is a year, not a number).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Period;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a period such as 2018, 2021Q2 or 2021-06")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Period, E> {
                Period::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Period, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Period, E> {
                self.visit_str(&v.to_string())
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_quarters_and_months() {
        let y = Period::parse("2018").unwrap();
        assert_eq!((y.frequency, y.ordinal(), y.label()), (Frequency::Year, 2018, "2018年".to_string()));
        let q = Period::parse("2021Q2").unwrap();
        assert_eq!((q.frequency, q.label()), (Frequency::Quarter, "2021年第二季度".to_string()));
        assert_eq!(Period::parse("2021q3").unwrap().ordinal() - q.ordinal(), 1);
        assert_eq!(Period::parse("2022Q1").unwrap().ordinal() - Period::parse("2021-Q4").unwrap().ordinal(), 1);
        let m = Period::parse("2021-06").unwrap();
        assert_eq!((m.frequency, m.label()), (Frequency::Month, "2021年6月".to_string()));
        assert_eq!(Period::parse("2022-01").unwrap().ordinal() - Period::parse("2021-12").unwrap().ordinal(), 1);
        assert_eq!(m.text, "2021-06");
    }

    #[test]
    fn what_is_not_a_period() {
        assert!(Period::parse("2021Q5").unwrap_err().contains("Q1 to Q4"));
        assert!(Period::parse("2021-13").unwrap_err().contains("01 to 12"));
        assert!(Period::parse("2021-00").unwrap_err().contains("01 to 12"));
        for s in ["18", "二〇一八", "2021-06-30", "2021Q", "Q2", "", "20180"] {
            assert!(Period::parse(s).is_err(), "{s}");
        }
    }
}
