//! YAML, read the same way for every file (datasets, front matter, chart specs): the budgets
//! that bound what a file can expand to, duplicate keys refused, and serde-saphyr's errors
//! turned into located diagnostics in an editor's words.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;
use std::marker::PhantomData;

use crate::diag::{Diagnostic, suggest};

pub(crate) mod syntax;

/// A source position (1-based line and column) inside a YAML text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub fn of<T>(s: &Spanned<T>) -> Pos {
        Pos { line: s.referenced.line() as usize, col: s.referenced.column() as usize }
    }
}

/// A YAML mapping that keeps its keys in file order and rejects duplicates.
#[derive(Debug, Clone)]
pub struct Ordered<T>(pub Vec<(Spanned<String>, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<T> Ordered<T> {
    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<Ordered<T>, A::Error> {
                let mut out: Vec<(Spanned<String>, T)> = Vec::new();
                while let Some(k) = m.next_key::<Spanned<String>>()? {
                    if out.iter().any(|(o, _)| o.value == k.value) {
                        return Err(de::Error::custom(format!("duplicate key `{}`", k.value)));
                    }
                    let v = m.next_value()?;
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// Deepest nesting of YAML mappings and lists (front matter and datasets).
pub const YAML_MAX_DEPTH: usize = 64;
/// Most YAML values (mappings, lists and scalars, counting those an alias repeats) in one file.
pub const YAML_MAX_NODES: usize = 250_000;
/// Most aliases (`*name`) in one YAML file.
pub const YAML_MAX_ALIASES: usize = 10_000;
/// Most values that aliases may replay in one YAML file (what stops “billion laughs”).
pub const YAML_MAX_REPLAYED: usize = 250_000;

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: YAML_MAX_DEPTH,
            flow_nesting_limit: YAML_MAX_DEPTH,
            max_nodes: YAML_MAX_NODES,
            max_aliases: YAML_MAX_ALIASES,
        },
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
        alias_limits: serde_saphyr::alias_limits! { max_total_replayed_events: YAML_MAX_REPLAYED },
    }
}

/// Parses YAML text with the limits every baipi YAML file gets: the depth, node, alias and
/// replay budgets above, duplicate keys refused, NaN and infinity refused. Each limit is
/// reported at the line where it was crossed (see `crate::source::yaml::located`).
///
/// serde-saphyr reads and converts in one pass, so a type error can be reported before the
/// reader reaches a line that breaks the YAML further on: a key indented less than its
/// siblings ends their mapping early, and the struct being filled reports a “missing field”
/// that is in fact present (and `key: true` followed by an over-indented `other:` line is read
/// as the text `true other` and reported as “not true or false”). On an error the text is
/// therefore read once more without converting; a syntax error found that way is the cause.
pub fn parse_yaml<'a, T: Deserialize<'a>>(src: &'a str) -> std::result::Result<T, serde_saphyr::Error> {
    serde_saphyr::from_str_with_options(src, options())
        .map_err(|e| serde_saphyr::from_str_with_options::<serde::de::IgnoredAny>(src, options()).err().unwrap_or(e))
}

/// Converts a serde-saphyr error into a located diagnostic. `line_offset` is
/// the number of lines in the file before the YAML text starts (front matter).
pub fn located(file: &str, full_source: &str, line_offset: usize, e: &serde_saphyr::Error) -> Diagnostic {
    let inner = e.without_snippet();
    let (line, col) = match inner.location().or_else(|| e.location()) {
        Some(l) if l.line() > 0 => (l.line() as usize + line_offset, l.column() as usize),
        _ => (0, 0),
    };
    let raw = raw_message(inner);
    let lines: Vec<&str> = full_source.lines().collect();
    if let Some(s) = syntax::explain(&raw, inner, &lines, line, col) {
        let found = lines.get(s.line.wrapping_sub(1)).copied().unwrap_or("");
        let d = Diagnostic::error(file, s.line, s.col, s.message).with_line(found);
        return match s.help {
            Some(h) => d.with_help(h),
            None => d,
        };
    }
    let msg = match yaml_limit_message(inner) {
        Some(m) => m,
        None => friendly_yaml_message(&raw),
    };
    let found = (line > 0).then(|| lines.get(line - 1).copied()).flatten().unwrap_or("");
    let help = suggest(&msg);
    let msg = match field_at(found, col) {
        Some((field, value)) if !msg.contains(&format!("`{field}`")) => {
            if value.is_empty() || msg.contains("found") || msg.contains(value.as_str()) {
                format!("field `{field}`: {msg}")
            } else {
                format!("field `{field}`: {msg}, found `{value}`")
            }
        }
        _ => msg,
    };
    let d = Diagnostic::error(file, line, col, msg).with_line(found);
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// The error's own text without serde-saphyr's trailing “ at line X, column Y”.
fn raw_message(e: &serde_saphyr::Error) -> String {
    let mut msg = e.to_string();
    if let Some(i) = msg.find(" at line ") {
        msg.truncate(i);
    }
    msg.trim().trim_end_matches('.').to_string()
}

/// Clear words for YAML errors that are baipi's limits or rules rather than typing slips.
fn yaml_limit_message(e: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::budget::BudgetBreach as B;
    let expand = "aliases (`*name`) repeat what their anchor (`&name`) holds, so a few lines can expand enormously";
    let mut e = e;
    while let serde_saphyr::Error::AliasError { error, .. } | serde_saphyr::Error::WithSnippet { error, .. } = e {
        e = error;
    }
    Some(match e {
        serde_saphyr::Error::Budget { breach, .. } => match breach {
            B::Depth { .. } => {
                format!("YAML nested more than {YAML_MAX_DEPTH} levels deep; the limit is {YAML_MAX_DEPTH}")
            }
            B::Nodes { .. } | B::Events { .. } => format!(
                "YAML has more than {YAML_MAX_NODES} values (counting every value an alias repeats); \
                 the limit is {YAML_MAX_NODES}: {expand}"
            ),
            B::Aliases { .. } => {
                format!("YAML uses more than {YAML_MAX_ALIASES} aliases (`*name`); the limit is {YAML_MAX_ALIASES}")
            }
            B::AliasAnchorRatio { aliases, anchors } => format!(
                "YAML uses {aliases} aliases for {anchors} anchors: more than 10 aliases per anchor are refused, \
                 because {expand}"
            ),
            B::ScalarBytes { .. } | B::RecordedAnchorBytes { .. } | B::RecordedAnchorEvents { .. } => {
                format!("YAML text expands beyond baipi's limits: {expand}")
            }
            other => format!("YAML exceeds baipi's limits ({other:?})"),
        },
        serde_saphyr::Error::AliasReplayLimitExceeded { .. }
        | serde_saphyr::Error::AliasExpansionLimitExceeded { .. } => {
            format!(
                "aliases expand to more than {YAML_MAX_REPLAYED} values; the limit is {YAML_MAX_REPLAYED}: {expand}"
            )
        }
        serde_saphyr::Error::AliasReplayStackDepthExceeded { .. } => {
            format!("aliases nest more than {YAML_MAX_DEPTH} levels deep; the limit is {YAML_MAX_DEPTH}")
        }
        serde_saphyr::Error::DuplicateMappingKey { key, .. } => match key {
            Some(k) => format!("duplicate key `{k}`: each key may appear only once"),
            None => "duplicate key: each key may appear only once".into(),
        },
        serde_saphyr::Error::NonFiniteFloat { value, .. } => {
            format!("`{value}` is not a finite number: NaN and infinity are refused")
        }
        _ => return None,
    })
}

fn friendly_yaml_message(m: &str) -> String {
    match m {
        "invalid i64" | "invalid u64" | "invalid i32" | "invalid u32" => "expected a whole number".into(),
        "invalid f64" => "expected a number".into(),
        "invalid bool" | "invalid boolean" => "expected true or false".into(),
        "expected sequence start" => "expected a list (`- …` lines, or `[…]`)".into(),
        "recursion limit exceeded" => {
            format!("YAML nested too deeply; the limit is {} levels", YAML_MAX_DEPTH)
        }
        "expected mapping start" => "expected `key: value` lines (a mapping) here".into(),
        "unexpected end of input" => "unexpected end of the YAML text".into(),
        _ => syntax::plain_words(m),
    }
}

/// The YAML key whose value starts at 1-based `col` of `line`, and that value's text.
fn field_at(line: &str, col: usize) -> Option<(String, String)> {
    if col == 0 {
        return None;
    }
    let before: String = line.chars().take(col - 1).collect();
    let after: String = line.chars().skip(col - 1).collect();
    let key_part = before.trim_end().strip_suffix(':')?;
    let key: String = key_part
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if key.is_empty() {
        return None;
    }
    let value: String = after.split([',', '}', '#']).next().unwrap_or("").trim().chars().take(40).collect();
    Some((key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_written() {
        #[derive(serde::Deserialize)]
        struct W {
            a: crate::number::Dec,
            b: crate::number::Dec,
            c: crate::number::Dec,
            d: crate::number::Dec,
        }
        let yaml = "a: 63.0\nb: 9007199254740993\nc: 123456789012.123456\nd: \"33.30\"\n";
        let w: W = parse_yaml(yaml).unwrap();
        assert_eq!((w.a.to_string(), w.a.scale()), ("63.0".to_string(), 1));
        assert_eq!(w.b.to_string(), "9007199254740993");
        assert_eq!(w.c.to_string(), "123456789012.123456");
        assert_eq!((w.d.to_string(), w.d.scale()), ("33.30".to_string(), 2));
        for (text, why) in [
            (".nan", "not a finite number"),
            ("-.inf", "not a finite number"),
            ("1234567890123456789012345678901", "at most 30 significant digits"),
            ("1.0000000000001", "12 decimal places"),
            ("1.2e3", "no exponent"),
            ("约300", "expected a number, found \"约300\""),
        ] {
            let e = crate::number::Dec::from_text(text).unwrap_err();
            assert!(e.contains(why), "{text}: {e}");
        }
    }
}
