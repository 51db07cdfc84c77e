//! Number and date formatting for Chinese publications, and the tera
//! filters that expose it to prose and templates.
//!
//! | filter | example | output |
//! |---|---|---|
//! | `num` | `12873 \| num` | `12,873` |
//! | `pct` | `83.05 \| pct` | `83.05%` (`digits=2` fixes the places) |
//! | `share(of=…)` | `779 \| share(of=938)` | `83.05` (a number, exact half-up) |
//! | `growth(from=…)` | `120 \| growth(from=100)` | `20` (percent change) |
//! | `pp` | `3.2 \| pp` | `3.2个百分点` |
//!
//! and the function `table(data="dataset.breakdown")`, a breakdown as an HTML table ([`table`]).
//! | `wan` | `240000 \| wan` | `24万` (`亿` from 10⁸) |
//! | `fact` | a dataset value | `超过24万平方米` |
//! | `date_zh` | `"2021-06" \| date_zh` | `2021年6月` |
//! | `cn_num` | `4 \| cn_num` | `四` |
//! | `ordinal` | `1 \| ordinal(unit="章")` | `第一章` |
//!
//! and one function, `table(data="dataset.breakdown")`: a breakdown as an accessible HTML table
//! ([`table`] module).

pub mod table;

use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::number::Dec;

/// How the site prints numbers: one setting (`[numbers]` in site.toml) for prose filters,
/// chart value labels and axes, figure summaries and data tables, tables from data and the
/// sources page. Machine-readable open data (CSV, JSON) is never grouped.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NumberFormat {
    /// The mark between groups of three digits of the integer part.
    pub grouping: Grouping,
    /// Integers with fewer digits are not grouped: 4 groups `1,000`; 5 leaves four-digit
    /// numbers as they are (`6800`, `12,873`), which GB/T 15835 allows.
    pub group_min_digits: u32,
    /// Decimal places of computed percentages.
    pub share_digits: u32,
    /// The `wan` filter writes numbers from this size on in 万 …
    pub wan_from: i64,
    /// … and from this size on in 亿.
    pub yi_from: i64,
}

/// The grouping mark of [`NumberFormat`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grouping {
    /// `12,873` (千分撇, the default).
    Comma,
    /// `12 873` with a narrow no-break space (千分空, GB/T 15835), never broken across lines.
    ThinSpace,
    /// `12873`.
    None,
}

impl Grouping {
    /// The names site.toml accepts, in the order the README lists them.
    pub const NAMES: &'static [&'static str] = &["comma", "thin-space", "none"];

    pub fn from_name(s: &str) -> Option<Grouping> {
        match s {
            "comma" => Some(Grouping::Comma),
            "thin-space" => Some(Grouping::ThinSpace),
            "none" => Some(Grouping::None),
            _ => None,
        }
    }

    fn mark(self) -> &'static str {
        match self {
            Grouping::Comma => ",",
            Grouping::ThinSpace => "\u{202F}",
            Grouping::None => "",
        }
    }
}

impl Default for NumberFormat {
    fn default() -> Self {
        NumberFormat {
            grouping: Grouping::Comma,
            group_min_digits: 4,
            share_digits: 2,
            wan_from: 10_000,
            yi_from: 100_000_000,
        }
    }
}

impl NumberFormat {
    /// `12873` → `12,873` (as set); decimals keep their digits (`12873.5` → `12,873.5`) and
    /// are never grouped.
    pub fn num(&self, d: Dec) -> String {
        let s = d.to_string();
        self.group(&s)
    }

    /// Groups the integer part of a number's text (`-1234.5` → `-1,234.5`).
    pub fn group(&self, s: &str) -> String {
        let (sign, s) = s.strip_prefix('-').map(|r| ("-", r)).unwrap_or(("", s));
        let (int, frac) = s.split_once('.').map(|(i, f)| (i, Some(f))).unwrap_or((s, None));
        let mark = self.grouping.mark();
        let mut out = String::from(sign);
        let grouped = !mark.is_empty() && int.len() >= self.group_min_digits as usize;
        for (i, c) in int.chars().enumerate() {
            if grouped && i > 0 && (int.len() - i) % 3 == 0 {
                out.push_str(mark);
            }
            out.push(c);
        }
        if let Some(f) = frac {
            out.push('.');
            out.push_str(f);
        }
        out
    }

    /// The text of a published figure: prefix, number, suffix, unit (`超过24万平方米`).
    pub fn fact_text(&self, prefix: &str, value: Dec, suffix: &str, unit: &str) -> String {
        format!("{prefix}{}{suffix}{unit}", self.num(value))
    }

    /// `240000` → `24万`, `123456789` → `1.23亿` (two decimals at most, trailing zeros
    /// dropped); below `wan_from` the number as [`NumberFormat::num`] prints it.
    pub fn wan(&self, d: Dec) -> String {
        let abs = if d.is_negative() { Dec::from_int(0).checked_sub(d).unwrap_or(d) } else { d };
        let (div, unit) = if abs >= Dec::from_int(self.yi_from) {
            (Dec::from_int(100_000_000), "亿")
        } else if abs >= Dec::from_int(self.wan_from) {
            (Dec::from_int(10_000), "万")
        } else {
            return self.num(d);
        };
        let q = d.ratio_scaled(div, 1, 2).map(Dec::normalized).unwrap_or(d);
        format!("{}{unit}", self.num(q))
    }

    /// A share as printed: `83.05%`.
    pub fn pct(&self, d: Dec) -> String {
        format!("{d}%")
    }

    /// 100% at the site's share precision (`100.00%`), for totals rows.
    pub fn whole(&self) -> String {
        format!("{}%", Dec::from_int(100).fixed(self.share_digits))
    }
}

/// Parses `2021`, `2021-06`, `2021-06-30` into (year, month, day).
pub fn parse_date(s: &str) -> Option<(u32, Option<u32>, Option<u32>)> {
    let mut it = s.trim().split('-');
    let y: u32 = it.next()?.parse().ok().filter(|y| (1000..=9999).contains(y))?;
    let m = match it.next() {
        Some(m) => Some(m.parse::<u32>().ok().filter(|m| (1..=12).contains(m))?),
        None => None,
    };
    let d = match it.next() {
        Some(d) => Some(d.parse::<u32>().ok().filter(|d| (1..=31).contains(d))?),
        None => None,
    };
    if it.next().is_some() {
        return None;
    }
    // A day the month does not have (2021-02-30, 2021-04-31) is no date.
    if let (Some(m), Some(d)) = (m, d) {
        let leap = y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
        let days = match m {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if d > days {
            return None;
        }
    }
    Some((y, m, d))
}

/// The `as_of` of figures whose source gives no date; [`date_zh`] writes it `未注明`.
pub const UNDATED: &str = "undated";

/// `2021-06` → `2021年6月`; `2021-08-15` → `2021年8月15日`.
pub fn date_zh(s: &str) -> Option<String> {
    if s == UNDATED {
        return Some("未注明".into());
    }
    let (y, m, d) = parse_date(s)?;
    let mut out = format!("{y}年");
    if let Some(m) = m {
        out.push_str(&format!("{m}月"));
    }
    if let Some(d) = d {
        out.push_str(&format!("{d}日"));
    }
    Some(out)
}

/// Chinese numerals for 0–9999 (`4` → `四`, `12` → `十二`, `105` → `一百零五`).
pub fn cn_num(n: i64) -> Option<String> {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if !(0..10000).contains(&n) {
        return None;
    }
    if n < 10 {
        return Some(D[n as usize].to_string());
    }
    if n < 20 {
        return Some(format!("十{}", if n % 10 == 0 { "" } else { D[(n % 10) as usize] }));
    }
    let units = [(1000, "千"), (100, "百"), (10, "十"), (1, "")];
    let mut out = String::new();
    let mut zero = false;
    for (u, name) in units {
        let digit = (n / u) % 10;
        if digit == 0 {
            if !out.is_empty() {
                zero = true;
            }
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        out.push_str(D[digit as usize]);
        out.push_str(name);
    }
    Some(out)
}

/// The filters baipi adds to tera (see the table above).
pub const FILTERS: &[&str] = &["num", "pct", "pp", "share", "growth", "wan", "fact", "date_zh", "cn_num", "ordinal"];

/// tera's own filters, for suggestions.
pub const TERA_FILTERS: &[&str] = &[
    "safe",
    "default",
    "upper",
    "lower",
    "wordcount",
    "escape",
    "newlines_to_br",
    "trim",
    "replace",
    "capitalize",
    "title",
    "truncate",
    "str",
    "int",
    "float",
    "length",
    "reverse",
    "split",
    "abs",
    "round",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "get",
    "values",
    "keys",
];

/// A tera value as an exact decimal (numbers, numeric strings, or a value map's `value`).
pub fn dec_of(v: &Value) -> Option<Dec> {
    if let Some(i) = v.as_i64() {
        return Some(Dec::from_int(i));
    }
    if v.is_map() {
        return v.get_from_path("value").and_then(dec_of);
    }
    if let Some(s) = v.as_str() {
        return Dec::parse(s);
    }
    v.as_f64().and_then(Dec::from_f64)
}

/// How a filter's message ends when the name before it is not defined (prose then names the
/// missing field: `prose::Prose::eval`).
pub const UNDEFINED_INPUT: &str = "but the name before it is not defined";

fn need_num(v: &Value, filter: &str) -> TeraResult<Dec> {
    dec_of(v).ok_or_else(|| {
        tera::Error::message(match v.is_undefined() {
            true => format!("filter `{filter}` expects a number, {UNDEFINED_INPUT}"),
            false => format!("filter `{filter}` expects a number, found {} `{}`", v.name(), short(v)),
        })
    })
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 { format!("{}…", s.chars().take(40).collect::<String>()) } else { s }
}

fn kw_dec(kwargs: &Kwargs, key: &str, filter: &str) -> TeraResult<Dec> {
    let v: &Value =
        kwargs.get::<&Value>(key)?.ok_or_else(|| tera::Error::message(format!("filter `{filter}` needs `{key}=…`")))?;
    need_num(v, filter)
}

fn digits_kw(kwargs: &Kwargs, default: u32) -> TeraResult<u32> {
    Ok(kwargs.get::<i64>("digits")?.map(|d| d.clamp(0, 6) as u32).unwrap_or(default))
}

/// Registers baipi's filters on a tera instance.
pub fn register(tera: &mut Tera, fmt: &NumberFormat) {
    let share_digits = fmt.share_digits;
    let f = fmt.clone();
    tera.register_function("table", move |kw: Kwargs, st: &State| table::table(kw, st, &f));
    let f = fmt.clone();
    tera.register_filter("num", move |v: &Value, kw: Kwargs, _: &State| -> TeraResult<String> {
        let d = need_num(v, "num")?;
        Ok(match kw.get::<i64>("digits")? {
            Some(n) => f.group(&d.fixed(n.clamp(0, 6) as u32)),
            None => f.num(d),
        })
    });
    tera.register_filter("pct", |v: &Value, kw: Kwargs, _: &State| -> TeraResult<String> {
        let d = need_num(v, "pct")?;
        Ok(match kw.get::<i64>("digits")? {
            Some(n) => format!("{}%", d.fixed(n.clamp(0, 6) as u32)),
            None => format!("{d}%"),
        })
    });
    tera.register_filter("pp", |v: &Value, kw: Kwargs, _: &State| -> TeraResult<String> {
        let d = need_num(v, "pp")?;
        let s = match kw.get::<i64>("digits")? {
            Some(n) => d.fixed(n.clamp(0, 6) as u32),
            None => d.to_string(),
        };
        // The sign is kept: a fall of 3.2 points is -3.2个百分点 unless the prose says 下降.
        Ok(format!("{s}个百分点"))
    });
    tera.register_filter("share", move |v: &Value, kw: Kwargs, _: &State| -> TeraResult<Value> {
        let d = need_num(v, "share")?;
        let of = kw_dec(&kw, "of", "share")?;
        let digits = digits_kw(&kw, share_digits)?;
        let s = d
            .percent_of(of, digits)
            .ok_or_else(|| tera::Error::message(format!("filter `share`: cannot take a share of a total of {of}")))?;
        Ok(dec_value(s))
    });
    tera.register_filter("growth", move |v: &Value, kw: Kwargs, _: &State| -> TeraResult<Value> {
        let d = need_num(v, "growth")?;
        let from = kw_dec(&kw, "from", "growth")?;
        let digits = digits_kw(&kw, share_digits)?;
        let s = d
            .growth_from(from, digits)
            .ok_or_else(|| tera::Error::message(format!("filter `growth`: cannot grow from {from}")))?;
        Ok(dec_value(s))
    });
    let f = fmt.clone();
    tera.register_filter("wan", move |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        Ok(f.wan(need_num(v, "wan")?))
    });
    let f = fmt.clone();
    tera.register_filter("fact", move |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        if let Some(t) = v.get_from_path("text").and_then(|t| t.as_str()) {
            return Ok(t.to_string());
        }
        Ok(f.num(need_num(v, "fact")?))
    });
    tera.register_filter("date_zh", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        let s = match v.as_str() {
            Some(s) => s.to_string(),
            None => v.to_string(),
        };
        date_zh(&s).ok_or_else(|| {
            tera::Error::message(format!("filter `date_zh` expects a date such as 2021-06, found `{s}`"))
        })
    });
    tera.register_filter("cn_num", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        let d = need_num(v, "cn_num")?;
        d.as_i64()
            .and_then(cn_num)
            .ok_or_else(|| tera::Error::message(format!("filter `cn_num` expects a whole number 0–9999, found {d}")))
    });
    tera.register_filter("ordinal", |v: &Value, kw: Kwargs, _: &State| -> TeraResult<String> {
        let d = need_num(v, "ordinal")?;
        let unit: String = kw.get::<String>("unit")?.unwrap_or_default();
        let n = d
            .as_i64()
            .and_then(cn_num)
            .ok_or_else(|| tera::Error::message(format!("filter `ordinal` expects a whole number, found {d}")))?;
        Ok(format!("第{n}{unit}"))
    });
}

/// An exact decimal as a tera number.
pub fn dec_value(d: Dec) -> Value {
    match d.as_i64() {
        Some(i) => Value::from(i),
        None => Value::from(d.to_f64()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let f = NumberFormat::default();
        assert_eq!(f.num(Dec::from_int(12873)), "12,873");
        assert_eq!(f.num(Dec::from_int(-1234567)), "-1,234,567");
        assert_eq!(f.num(Dec::parse("938").unwrap()), "938");
        assert_eq!(f.num(Dec::parse("12873.125").unwrap()), "12,873.125");
        assert_eq!(f.wan(Dec::from_int(240000)), "24万");
        assert_eq!(f.wan(Dec::from_int(123456789)), "1.23亿");
        assert_eq!(f.wan(Dec::from_int(-240000)), "-24万");
        assert_eq!(f.wan(Dec::from_int(6800)), "6,800");
        assert_eq!(date_zh("2021-06").unwrap(), "2021年6月");
        assert_eq!(date_zh("2021-08-15").unwrap(), "2021年8月15日");
        assert!(date_zh("2021-13").is_none());
        assert!(date_zh("2021-02-30").is_none() && date_zh("2021-04-31").is_none() && date_zh("2023-02-29").is_none());
        assert_eq!(date_zh("2024-02-29").unwrap(), "2024年2月29日");
        assert_eq!(date_zh(UNDATED).unwrap(), "未注明");
        assert_eq!(cn_num(4).unwrap(), "四");
        assert_eq!(cn_num(12).unwrap(), "十二");
        assert_eq!(cn_num(105).unwrap(), "一百零五");
        assert_eq!(cn_num(2021).unwrap(), "二千零二十一");
        assert_eq!(f.fact_text("超过", Dec::from_int(24), "", "万平方米"), "超过24万平方米");
        assert_eq!(f.fact_text("", Dec::from_int(6800), "多", "场"), "6,800多场");
    }

    #[test]
    fn the_site_setting_is_followed() {
        let gb = NumberFormat { grouping: Grouping::ThinSpace, group_min_digits: 5, ..NumberFormat::default() };
        assert_eq!(gb.num(Dec::from_int(6800)), "6800");
        assert_eq!(gb.num(Dec::from_int(12873)), "12\u{202F}873");
        assert_eq!(gb.num(Dec::parse("-1234567.125").unwrap()), "-1\u{202F}234\u{202F}567.125");
        let none = NumberFormat { grouping: Grouping::None, ..NumberFormat::default() };
        assert_eq!(none.num(Dec::from_int(1234567)), "1234567");
        let late = NumberFormat { wan_from: 100_000, yi_from: 1_000_000_000, ..NumberFormat::default() };
        assert_eq!(late.wan(Dec::from_int(24_000)), "24,000");
        assert_eq!(late.wan(Dec::from_int(240_000)), "24万");
        assert_eq!(late.wan(Dec::from_int(123_456_789)), "12,345.68万");
        assert_eq!(NumberFormat { share_digits: 1, ..gb }.whole(), "100.0%");
        let mut t = Tera::new();
        register(&mut t, &none);
        let out = t.render_str("{{ 12873 | num }} {{ 12873.5 | num(digits=2) }}", &tera::Context::new(), false);
        assert_eq!(out.unwrap(), "12873 12873.50");
    }

    fn render(src: &str) -> String {
        let mut t = Tera::new();
        register(&mut t, &NumberFormat::default());
        t.render_str(src, &tera::Context::new(), false).unwrap()
    }

    #[test]
    fn filters_in_templates() {
        assert_eq!(render("{{ 12873 | num }}"), "12,873");
        assert_eq!(render("{{ 779 | share(of=938) | pct }}"), "83.05%");
        assert_eq!(render("{{ 1 | share(of=8) | pct(digits=2) }}"), "12.50%");
        assert_eq!(render("{{ 29.9 | pct }}"), "29.9%");
        assert_eq!(render("{{ 120 | growth(from=100) | pct }}"), "20%");
        assert_eq!(render("{{ 1 | ordinal(unit='章') }}"), "第一章");
        assert_eq!(render("{{ '2021-06' | date_zh }}"), "2021年6月");
        assert_eq!(render("{{ 3.2 | pp }}"), "3.2个百分点");
        assert_eq!(render("{{ -3.2 | pp }}"), "-3.2个百分点");
    }
}
