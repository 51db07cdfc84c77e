//! A cell's text as a number: exactly as shown, or a located reason why not.
//!
//! Read when unambiguous: `12873`, `63.0` (one decimal kept), `12,873` (thousands grouped in
//! threes), `12873人` (the unit of the column), `83.05%` (where a percentage belongs).
//! Refused with a reason: qualifiers (`约300`, `300多`), Chinese numerals (`六千二百八十`),
//! a comma that is not a thousands separator (`12,87`), a date (`2021-06-30`, also a cell
//! formatted as a date), another unit, any other text.

use crate::number::Dec;

/// Why a cell's text is not a number: the message and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotANumber {
    pub why: String,
    pub help: String,
}

/// What a number in this column may carry besides digits.
#[derive(Debug, Clone, Copy)]
pub struct Expect<'a> {
    /// The unit of the figures (`人`, `%`); a trailing copy of it is read.
    pub unit: &'a str,
    /// A trailing `%` is read (published shares, figures in `%`).
    pub percent: bool,
    /// The column holds single figures, whose qualifiers have their own columns.
    pub single: bool,
}

/// Qualifiers that make a figure approximate; they belong in `前缀`/`后缀`, not in the number.
const BEFORE: [&str; 9] = ["大约", "约", "将近", "近", "超过", "超", "逾", "不足", "不到"];
const AFTER: [&str; 5] = ["左右", "以上", "多", "余", "上下"];

/// Reads `shown` (trimmed, not empty) as a number.
pub fn number(shown: &str, expect: Expect) -> Result<Dec, NotANumber> {
    let t = shown.trim();
    if let Some(d) = Dec::parse(t) {
        return Ok(d);
    }
    if is_date(t) {
        return Err(NotANumber {
            why: format!("\"{t}\" is a date, not a number"),
            help: "write the figure (if the cell is formatted as a date, format it as a number); a date goes in the 时点 (as_of) column of a single figure or in `as_of:` of the metadata file".into(),
        });
    }
    if let Some(q) = qualifier(t) {
        return Err(qualified(t, q, expect));
    }
    if let Some(n) = chinese_numeral(t) {
        return Err(NotANumber {
            why: format!("\"{t}\" is written in Chinese numerals, not digits"),
            help: format!("write it in digits: {n}"),
        });
    }
    let (digits, tail) = split_tail(t);
    let tail = tail.trim();
    if !digits.contains(|c: char| c.is_ascii_digit()) {
        return Err(NotANumber {
            why: format!("\"{t}\" is not a number"),
            help: "write the figure in digits only, e.g. 6280 or 83.05".into(),
        });
    }
    let unit_ok = tail.is_empty() || tail == expect.unit || (tail == "%" && (expect.percent || expect.unit == "%"));
    if !unit_ok {
        return Err(other_unit(t, tail, expect));
    }
    match grouped(digits.trim()) {
        Ok(d) => Ok(d),
        Err(Some(e)) => Err(e),
        Err(None) => Err(NotANumber {
            why: format!("\"{t}\" is not a number"),
            help: "write the figure in digits only, e.g. 6280 or 83.05".into(),
        }),
    }
}

/// `2021-06-30`, `2021-06`, `2021/6/30`, `2021年6月30日`, `2021-06-30 14:30`: a date, as a
/// spreadsheet shows one or an editor types it.
fn is_date(t: &str) -> bool {
    let day = t.split_once(' ').map_or(t, |(d, time)| if time.contains(':') { d } else { t });
    let parts: Vec<&str> = day.trim_end_matches(['日', '月']).split(['-', '/', '年', '月']).collect();
    let digits =
        |s: &str, n: std::ops::RangeInclusive<usize>| n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    (2..=3).contains(&parts.len()) && digits(parts[0], 4..=4) && parts[1..].iter().all(|p| digits(p, 1..=2))
}

fn qualifier(t: &str) -> Option<&'static str> {
    let starts = BEFORE.iter().find(|q| t.starts_with(**q) && t[q.len()..].starts_with(|c: char| c.is_ascii_digit()));
    let ends =
        AFTER.iter().find(|q| t.ends_with(**q) && t[..t.len() - q.len()].ends_with(|c: char| c.is_ascii_digit()));
    starts.or(ends).copied()
}

fn qualified(t: &str, q: &str, expect: Expect) -> NotANumber {
    let bare = t.replace(q, "");
    let help = if expect.single {
        let col = if BEFORE.contains(&q) { "前缀 (prefix)" } else { "后缀 (suffix)" };
        format!("write {bare} here and `{q}` in the {col} column")
    } else {
        format!("a part's value must be exact: write {bare}, and say `{q}` in the label or the note if the source does")
    };
    NotANumber { why: format!("\"{t}\" is not an exact number: `{q}` qualifies it"), help }
}

fn other_unit(t: &str, tail: &str, expect: Expect) -> NotANumber {
    if tail == "%" {
        return NotANumber {
            why: format!("\"{t}\" is a percentage, but these figures are counted in {}", shown_unit(expect.unit)),
            help: "write the count, or put the percentage in the 公布占比 (published_share) column".into(),
        };
    }
    let help = if expect.unit.is_empty() {
        format!("write the number alone; the unit `{tail}` goes in `unit:` of the metadata file")
    } else {
        format!("write the number alone (the unit is `{}`)", expect.unit)
    };
    NotANumber {
        why: format!("\"{t}\" carries the unit `{tail}`, but the figures are in {}", shown_unit(expect.unit)),
        help,
    }
}

fn shown_unit(u: &str) -> String {
    if u.is_empty() { "no unit".into() } else { format!("`{u}`") }
}

/// The leading number-like part (digits, `,`, `.`, sign) and the rest.
fn split_tail(t: &str) -> (&str, &str) {
    let end = t.find(|c: char| !(c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '+' | ' '))).unwrap_or(t.len());
    (&t[..end], &t[end..])
}

/// `12,873` or `1,234.5`: digits grouped in threes. `Err(Some)` for a comma that is not.
fn grouped(t: &str) -> Result<Dec, Option<NotANumber>> {
    if let Some(d) = Dec::parse(t) {
        return Ok(d);
    }
    if !t.contains(',') {
        return Err(None);
    }
    let (sign, body) = t.strip_prefix('-').map_or(("", t), |b| ("-", b));
    let (int, frac) = body.split_once('.').map_or((body, None), |(i, f)| (i, Some(f)));
    let groups: Vec<&str> = int.split(',').collect();
    let ok = groups[0].len() <= 3
        && !groups[0].is_empty()
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    let joined = format!("{sign}{}{}", groups.concat(), frac.map(|f| format!(".{f}")).unwrap_or_default());
    match Dec::parse(&joined) {
        Some(d) if ok => Ok(d),
        _ => Err(Some(NotANumber {
            why: format!("\"{t}\" is ambiguous: its commas do not group the digits in threes"),
            help: "write the number without commas, with `.` for decimals (e.g. 12.87 or 1287)".into(),
        })),
    }
}

/// The value of a number written in Chinese numerals (`六千二百八十` → 6280), if it is one.
fn chinese_numeral(t: &str) -> Option<u64> {
    let digit = |c: char| "〇零一二两三四五六七八九".find(c).map(|_| ());
    if t.is_empty() || !t.chars().all(|c| digit(c).is_some() || "十百千万亿".contains(c)) {
        return None;
    }
    let (mut total, mut section, mut d) = (0u64, 0u64, 0u64);
    for c in t.chars() {
        let v = match c {
            '〇' | '零' => Some(0),
            '一' => Some(1),
            '二' | '两' => Some(2),
            '三' => Some(3),
            '四' => Some(4),
            '五' => Some(5),
            '六' => Some(6),
            '七' => Some(7),
            '八' => Some(8),
            '九' => Some(9),
            _ => None,
        };
        match (v, c) {
            (Some(n), _) => d = n,
            (None, '十') => (section, d) = (section + d.max(1) * 10, 0),
            (None, '百') => (section, d) = (section + d * 100, 0),
            (None, '千') => (section, d) = (section + d * 1000, 0),
            (None, '万') => (total, section, d) = ((total + section + d) * 10_000, 0, 0),
            _ => (total, section, d) = ((total + section + d) * 100_000_000, 0, 0),
        }
    }
    Some(total + section + d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEOPLE: Expect = Expect { unit: "人", percent: false, single: false };

    fn read(s: &str, e: Expect) -> String {
        match number(s, e) {
            Ok(d) => format!("{d} ({})", d.scale()),
            Err(e) => format!("{} / {}", e.why, e.help),
        }
    }

    #[test]
    fn unambiguous_text_is_read_as_written() {
        assert_eq!(read("63.0", PEOPLE), "63.0 (1)");
        assert_eq!(read("12,873", PEOPLE), "12873 (0)");
        assert_eq!(read("1,234.50", PEOPLE), "1234.50 (2)");
        assert_eq!(read("12873人", PEOPLE), "12873 (0)");
        assert_eq!(read("83.05%", Expect { unit: "人", percent: true, single: false }), "83.05 (2)");
    }

    #[test]
    fn the_rest_is_refused_with_a_reason() {
        assert_eq!(
            read("六千二百八十", PEOPLE),
            "\"六千二百八十\" is written in Chinese numerals, not digits / write it in digits: 6280"
        );
        assert!(read("约300", PEOPLE).starts_with("\"约300\" is not an exact number: `约` qualifies it"));
        assert!(
            read("300多", Expect { single: true, ..PEOPLE })
                .ends_with("write 300 here and `多` in the 后缀 (suffix) column")
        );
        assert!(read("12,87", PEOPLE).starts_with("\"12,87\" is ambiguous"));
        assert!(read("12873个", PEOPLE).starts_with("\"12873个\" carries the unit `个`, but the figures are in `人`"));
        assert!(read("83.05%", PEOPLE).starts_with("\"83.05%\" is a percentage"));
        assert!(read("n/a", PEOPLE).starts_with("\"n/a\" is not a number"));
        for date in ["2021-06-30", "2021-06", "2021/6/30", "2021年6月30日", "2021年6月", "2021-06-30 14:30"] {
            assert!(read(date, PEOPLE).starts_with(&format!("\"{date}\" is a date, not a number")), "{date}");
        }
        assert!(read("2021-6-30-1", PEOPLE).contains("not a number"));
        assert_eq!(chinese_numeral("一万二千八百七十三"), Some(12873));
        assert_eq!(chinese_numeral("十五"), Some(15));
    }
}
