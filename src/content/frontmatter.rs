//! A fast path for the common shape of chapter front matter.
//!
//! serde-saphyr parses a full YAML document with budgets and exact locations, and costs
//! about 10 µs for eight lines of front matter: at 10,000 chapters that is a large part of a
//! build. Most front matter is a few `key: value` lines and a `data:` block of numbers.
//! [`parse`] reads exactly that shape and nothing else — anything it is not sure of (comments,
//! lists, flow collections, escapes, tags, words YAML may read as null or a boolean, numbers
//! in any form but plain decimal, unknown or repeated keys) makes it return `None`, and the
//! caller parses with serde-saphyr, which also reports every error. The tests check that the
//! two agree wherever the fast path answers: on the front matter of every chapter in the
//! repository (the paper and the test fixtures) and on thousands of generated ones.

use crate::content::FrontMatter;
use serde_json::{Map, Number, Value};

/// Parses `yaml` when it has the simple shape; `None` means “use the YAML parser”.
pub fn parse(yaml: &str) -> Option<FrontMatter> {
    let mut title = None;
    let mut weight = None;
    let mut summary = None;
    let mut slug = None;
    let mut template = None;
    let mut draft = None;
    let mut data: Option<Map<String, Value>> = None;
    let mut in_data = false;
    let mut indent = 0;
    for line in yaml.split('\n') {
        if line.bytes().all(|b| b == b' ') {
            continue;
        }
        if line.starts_with(' ') {
            // An entry of the `data:` block, all at the same indentation.
            let map = data.as_mut().filter(|_| in_data)?;
            let n = line.len() - line.trim_start_matches(' ').len();
            if indent == 0 {
                indent = n;
            }
            if n != indent {
                return None;
            }
            let (key, value) = key_value(&line[n..])?;
            if map.insert(key.to_string(), data_value(value)?).is_some() {
                return None;
            }
            continue;
        }
        in_data = false;
        let (key, value) = key_value(line)?;
        let fresh = match key {
            "title" => title.replace(string(value)?).is_none(),
            "summary" => summary.replace(string(value)?).is_none(),
            "slug" => slug.replace(string(value)?).is_none(),
            "template" => template.replace(string(value)?).is_none(),
            "weight" => weight.replace(integer(value)?).is_none(),
            "draft" => draft
                .replace(match value {
                    "true" => true,
                    "false" => false,
                    _ => return None,
                })
                .is_none(),
            "data" if value.is_empty() && data.is_none() => {
                in_data = true;
                data = Some(Map::new());
                true
            }
            _ => return None,
        };
        if !fresh {
            return None;
        }
    }
    if data.as_ref().is_some_and(Map::is_empty) {
        return None;
    }
    Some(FrontMatter {
        title: title?,
        weight: weight.unwrap_or_default(),
        summary: summary.unwrap_or_default(),
        slug,
        template,
        draft: draft.unwrap_or_default(),
        appendix: false,
        data,
        free_numbers: Vec::new(),
        charts: Vec::new(),
        key_figures: Vec::new(),
    })
}

/// `key: value` (or `key:` with nothing after it), with a simple key.
fn key_value(line: &str) -> Option<(&str, &str)> {
    let (key, rest) = line.split_once(':')?;
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let value = rest.trim_end_matches(' ');
    if value.is_empty() {
        return Some((key, ""));
    }
    Some((key, value.strip_prefix(' ')?.trim_start_matches(' ')))
}

/// A string: `"…"` or `'…'` without escapes or inner quotes, or a plain scalar that YAML
/// can only read as a string.
fn string(v: &str) -> Option<String> {
    if let Some(inner) = v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        return (!inner.contains(['"', '\\'])).then(|| inner.to_string());
    }
    if let Some(inner) = v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return (!inner.contains('\'')).then(|| inner.to_string());
    }
    plain_string(v).map(str::to_string)
}

/// A plain scalar that is surely a string: it starts with no indicator, digit, sign or dot,
/// holds no `: ` or ` #`, and is no word that YAML reads as null, a boolean or a float.
fn plain_string(v: &str) -> Option<&str> {
    let first = v.chars().next()?;
    if "-?:,[]{}#&*!|>'\"%@`+.~".contains(first) || first.is_ascii_digit() {
        return None;
    }
    if v.contains(": ") || v.contains(" #") || v.ends_with(':') || v.contains('\t') {
        return None;
    }
    const WORDS: &[&str] = &["null", "true", "false", "yes", "no", "on", "off", "y", "n", "inf", "nan"];
    if WORDS.iter().any(|w| v.eq_ignore_ascii_case(w)) {
        return None;
    }
    Some(v)
}

/// A plain decimal integer: optional `-`, no leading zero, at most 18 digits.
fn integer(v: &str) -> Option<i64> {
    let digits = v.strip_prefix('-').unwrap_or(v);
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return None;
    }
    v.parse().ok()
}

/// A value of the `data:` block: an integer, a plain decimal (`-12.5`), or a string.
fn data_value(v: &str) -> Option<Value> {
    if let Some(i) = integer(v) {
        return Some(Value::Number(i.into()));
    }
    let digits = v.strip_prefix('-').unwrap_or(v);
    if let Some((int, frac)) = digits.split_once('.') {
        let ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if ok(int) && ok(frac) && (int.len() == 1 || !int.starts_with('0')) && int.len() + frac.len() <= 17 {
            return exact_number(v).ok();
        }
        return None;
    }
    string(v).map(Value::String)
}

/// A number of `data:` as typed. A binary float would turn `63.0` into 63 and
/// `9007199254740993.0` into …992, so a number that a float does not print back exactly as
/// typed keeps its text: filters (`num`, `pct`, `fact` …) read the text as an exact decimal,
/// and `{{ page.data.x }}` prints it as typed. Integers that fit stay integers.
pub fn exact_number(text: &str) -> Result<Value, String> {
    let d = crate::number::Dec::from_text(text)?;
    if let Some(i) = d.as_i64().filter(|_| !text.contains('.')) {
        return Ok(Value::Number(i.into()));
    }
    // What templates see of a float is its shortest text (`63` for 63.0).
    match text.parse::<f64>() {
        Ok(f) if f.to_string() == text => {
            Ok(Number::from_f64(f).map_or_else(|| Value::String(text.into()), Value::Number))
        }
        _ => Ok(Value::String(text.to_string())),
    }
}

/// The numbers at the top of `data:`, read again from their text (see [`exact_number`]) after
/// the YAML parser read them as binary floats. An error is the line and column in `yaml` and
/// the message.
pub fn exact_data(yaml: &str, data: &mut Map<String, Value>) -> Result<(), (usize, usize, String)> {
    // Plain integers that fit are exact already.
    let inexact = |v: &Value| matches!(v, Value::Number(n) if n.as_i64().is_none());
    if !data.values().any(inexact) {
        return Ok(());
    }
    #[derive(serde::Deserialize)]
    struct Spans {
        #[serde(default)]
        data: std::collections::BTreeMap<String, serde_saphyr::Spanned<serde::de::IgnoredAny>>,
    }
    let Ok(spans) = crate::source::yaml::parse_yaml::<Spans>(yaml) else { return Ok(()) };
    for (key, value) in data.iter_mut().filter(|(_, v)| inexact(v)) {
        let Some(at) = spans.data.get(key).map(|s| s.referenced) else { continue };
        let (line, col) = (at.line() as usize, at.column() as usize);
        let Some(text) = plain_token(yaml, line, col) else { continue };
        *value = exact_number(text).map_err(|m| (line, col, format!("field `data.{key}`: {m}")))?;
    }
    Ok(())
}

/// The plain scalar that starts at `line`:`col` (1-based, the column in characters).
fn plain_token(yaml: &str, line: usize, col: usize) -> Option<&str> {
    let text = yaml.split('\n').nth(line.checked_sub(1)?)?;
    let start = text.char_indices().nth(col.checked_sub(1)?)?.0;
    let rest = &text[start..];
    let end = rest.find([',', '}', ']', ' ', '#', '\t', '\r']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path agrees with serde-saphyr wherever it answers.
    #[test]
    fn numbers_keep_the_digits_typed() {
        for yaml in ["title: t\ndata:\n  a: 63.0\n", "title: t\ndata: {a: 63.0}\n", "title: t # c\ndata:\n  a: 63.0\n"]
        {
            let mut f = parse(yaml).unwrap_or_else(|| crate::source::yaml::parse_yaml(yaml).unwrap());
            if let Some(d) = f.data.as_mut() {
                exact_data(yaml, d).unwrap();
            }
            assert_eq!(f.data.unwrap()["a"], Value::String("63.0".into()), "{yaml}");
        }
        assert_eq!(exact_number("29.9").unwrap(), serde_json::json!(29.9));
        assert_eq!(exact_number("-12").unwrap(), serde_json::json!(-12));
        assert_eq!(exact_number("9007199254740993.0").unwrap(), Value::String("9007199254740993.0".into()));
        assert!(exact_number("1.2e3").unwrap_err().contains("no exponent"));
        assert!(exact_number(&"9".repeat(40)).unwrap_err().contains("out of range"));
    }

    fn same(yaml: &str) -> bool {
        let fast = parse(yaml);
        let mut slow: Option<FrontMatter> = crate::source::yaml::parse_yaml(yaml).ok();
        if let Some(data) = slow.as_mut().and_then(|s| s.data.as_mut())
            && exact_data(yaml, data).is_err()
        {
            // A number baipi refuses (`1e5`): an error, never the fast path's answer.
            slow = None;
        }
        match (&fast, &slow) {
            (Some(f), Some(s)) => {
                assert_eq!(format!("{f:?}"), format!("{s:?}"), "{yaml}");
                true
            }
            (Some(f), None) => panic!("fast path accepted what YAML rejects: {yaml}\n{f:?}"),
            (None, _) => false,
        }
    }

    #[test]
    fn simple_front_matter_takes_the_fast_path() {
        for y in [
            "title: 概况\nweight: 2\n",
            "title: \"第1章 国民经济核算统计（山东省）\"\nweight: 1\ndata:\n  gdp: 8525.0\n  population: 56645\n  growth_rate: -2.5\n  cpi: 99.7\n  unemployment: 5.9\n",
            "title: '单引号'\nsummary: 一两句话的摘要，显示在目录中。\nslug: directions\ntemplate: sources.html\ndraft: false\n",
            "title: t\ndata:\n    local: 42\n    name: 天河区\n    zero: 0\n    neg: -7\n",
            "title: t   \nweight: 10\n\n",
        ] {
            assert!(same(y), "not on the fast path: {y}");
        }
    }

    #[test]
    fn anything_unusual_goes_to_the_yaml_parser() {
        for y in [
            "title: t\nweight: 6            # 章节顺序\n",
            "# comment\ntitle: t\n",
            "title: t\ncharts:\n  - id: a\n",
            "title: t\nfree_numbers: [\"3\"]\n",
            "title: t\ntitel: x\n",
            "title: t\ntitle: u\n",
            "title: \"a \\\" b\"\n",
            "title: yes\n",
            "title: 2021\n",
            "title: null\n",
            "title: ~\n",
            "weight: 1\n",
            "title: t\nweight: 007\n",
            "title: t\nweight: 0x1F\n",
            "title: t\nweight: 1_000\n",
            "title: t\ndraft: yes\n",
            "title: t\ndata:\n  a: 1e5\n",
            "title: t\ndata:\n  a: .5\n",
            "title: t\ndata:\n  a: true\n",
            "title: t\ndata:\n  a: [1, 2]\n",
            "title: t\ndata:\n  a: 1\n   b: 2\n",
            "title: t\ndata:\n  a: 1\n  a: 2\n",
            "title: t\ndata:\n",
            "title: t\n  a: 1\n",
            "title: t\ndata: {a: 1}\n",
            "title: a: b\n",
            "title: t\tx\n",
            "title: &x t\n",
            "title: !!str 3\n",
            "title: |\n  text\n",
        ] {
            assert!(!same(y), "took the fast path: {y}");
        }
    }

    /// The front matter of every chapter in the repository: the bundled paper and every
    /// fixture, valid or not.
    #[test]
    fn every_front_matter_in_the_repository_agrees() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut files, mut fast) = (0, 0);
        for dir in ["content", "tests/fixtures"] {
            for e in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name().into_iter().flatten() {
                if e.path().extension().is_none_or(|x| x != "md") {
                    continue;
                }
                let Ok(text) = String::from_utf8(std::fs::read(e.path()).unwrap()) else { continue };
                let text = text.strip_prefix('\u{feff}').unwrap_or(&text).replace("\r\n", "\n");
                let Ok((yaml, _, _)) = crate::content::split_front_matter("x.md", &text) else { continue };
                files += 1;
                fast += usize::from(same(yaml));
            }
        }
        assert!(files > 40 && fast > 15, "{files} files, {fast} on the fast path");
    }

    /// A small xorshift generator: the same inputs on every run.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }

        /// Mostly one of the first `usual` entries of `list` (the values the fast path takes,
        /// so that it answers often), else any.
        fn pick(&mut self, list: &[&'static str], usual: usize) -> &'static str {
            let n = if self.below(4) > 0 { usual } else { list.len() };
            list[self.below(n)]
        }
    }

    /// Front matter put together from lines that are each valid, unusual or wrong: wherever the
    /// fast path answers, it answers as serde-saphyr does.
    #[test]
    fn generated_front_matter_agrees() {
        #[rustfmt::skip]
        const STRINGS: &[&str] = &[
            "概况", "t", "\"第1章 国民经济\"", "'单引号'", "\"\"", "''", "yes", "No", "null", "~", "2021", "-1", ".5",
            "a: b", "a #b", "#c", "t\tx", "\"a \\\" b\"", "'it''s'", "&x t", "*x", "!!str 3", "|", ">", "[1]",
            "{a: 1}", "- x", "? x", "% x", "@x", "`x`", "+1", "1e5", "0x1F", "inf", ".nan", "x:", "a:b",
            "中文：冒号", "100%", "1,000", "true", "FALSE", "on", "Off", "y", "N", "=", "<<", "t   ", "a  b", "Ａ全角",
            "\"tab\tin\"", "'#'", "\"#\"", "a'b", "a\"b", "-", "--", "---", "...", "ok!",
        ];
        #[rustfmt::skip]
        const INTEGERS: &[&str] = &[
            "0", "7", "-3", "007", "1_000", "+5", "123456789012345678", "1234567890123456789", "-0", "1.0",
            "0o7", "1e3", "", "x", "9223372036854775807", "-9223372036854775808", "٣",
        ];
        #[rustfmt::skip]
        const NUMBERS: &[&str] = &[
            "1", "-2.5", "0.0", "00.5", "1.", ".5", "12345678901234567.8", "1.23456789012345678", "0.1",
            "-0.0", "3.14159", "1e5", "NaN", "天河区", "\"5\"", "'x'", "true", "null", "", "[1]",
        ];
        const KEYS: &[&str] = &["title", "summary", "slug", "template", "weight", "draft", "data", "titel", "x_1"];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut fast = 0;
        for _ in 0..6000 {
            let mut yaml = String::new();
            if rng.below(4) > 0 {
                yaml.push_str(&format!("title: {}\n", rng.pick(STRINGS, 4)));
            }
            for _ in 0..rng.below(6) {
                match rng.pick(KEYS, 7) {
                    "weight" => yaml.push_str(&format!("weight: {}\n", rng.pick(INTEGERS, 3))),
                    "draft" => yaml.push_str(&format!("draft: {}\n", rng.pick(&["true", "false", "yes", "True"], 2))),
                    "data" => {
                        yaml.push_str(rng.pick(&["data:\n", "data: \n"], 1));
                        let indent = [2, 4, 1][rng.below(3)];
                        for k in 0..rng.below(5) {
                            let pad = if rng.below(10) == 0 { indent + 1 } else { indent };
                            let name = rng.pick(&["gdp", "n", "growth_rate", "天河", "a b"], 3);
                            let value = rng.pick(NUMBERS, 4);
                            yaml.push_str(&format!("{:pad$}{name}{k}: {value}\n", ""));
                        }
                    }
                    key => yaml.push_str(&format!("{key}: {}\n", rng.pick(STRINGS, 4))),
                }
                if rng.below(10) == 0 {
                    yaml.push_str(rng.pick(&["\n", "  \n", "# note\n", "title: again\n"], 4));
                }
            }
            fast += usize::from(same(&yaml));
        }
        assert!(fast > 1200, "only {fast} of 6000 on the fast path");
    }
}
