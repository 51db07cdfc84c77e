//! A fast path for the common shape of chapter front matter.
//!
//! serde-saphyr parses a full YAML document with budgets and exact locations, and costs
//! about 10 µs for eight lines of front matter: at 10,000 chapters that is a large part of a
//! build. Most front matter is a few `key: value` lines and a `data:` block of numbers.
//! [`parse`] reads exactly that shape and nothing else — anything it is not sure of (comments,
//! lists, flow collections, escapes, tags, words YAML may read as null or a boolean, numbers
//! in any form but plain decimal, unknown or repeated keys) makes it return `None`, and the
//! caller parses with serde-saphyr, which also reports every error. Debug builds check each
//! result of the fast path against serde-saphyr.

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
            return v.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number);
        }
        return None;
    }
    string(v).map(Value::String)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path agrees with serde-saphyr wherever it answers.
    fn same(yaml: &str) -> bool {
        let fast = parse(yaml);
        let slow: Option<FrontMatter> = crate::source::yaml::parse_yaml(yaml).ok();
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
}
