//! Diagnostics: every problem baipi reports, located in a file when it can be.
//!
//! Owns [`Diagnostic`] (one problem, with file, line, column and a source
//! snippet) and [`Error`] (what a pipeline stage returns when it fails).
//! Lower layers attach the location because only they know the file and the
//! line; the printer here is shared by `build`, `check` and (later) `serve`.

use std::fmt;
use std::path::Path;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One located problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators; empty if unknown.
    pub file: String,
    /// 1-based line; 0 when unknown.
    pub line: usize,
    /// 1-based column counted in characters; 0 when unknown.
    pub col: usize,
    pub message: String,
    /// The offending source line, when known; a long line is cut to a window around the
    /// column (with `…` at the cut ends), so a diagnostic stays small whatever the input.
    pub source_line: Option<String>,
    /// 1-based character column of the caret within `source_line` (differs from `col` when cut).
    pub caret: usize,
    /// A hint shown after the snippet.
    pub help: Option<String>,
}

/// Longest source line shown in full; longer lines are shown as a window around the column.
pub const SNIPPET_MAX_CHARS: usize = 160;
/// Bytes kept on each side of the column when a long line is cut.
const SNIPPET_SIDE_BYTES: usize = 180;

impl Diagnostic {
    pub fn error(file: impl Into<String>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line,
            col,
            message: message.into(),
            source_line: None,
            caret: col,
            help: None,
        }
    }

    pub fn warning(file: impl Into<String>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, line, col, message) }
    }

    /// Attaches the source line `self.line` of `source` for the snippet.
    pub fn with_source(self, source: &str) -> Self {
        if self.line == 0 {
            return self;
        }
        match source.lines().nth(self.line - 1) {
            Some(l) => self.with_line(l),
            None => self,
        }
    }

    /// Attaches `line_text`, the whole line `self.line`, with the caret at column `self.col`.
    pub fn with_line(self, line_text: &str) -> Self {
        let byte = line_text.char_indices().nth(self.col.saturating_sub(1)).map_or(line_text.len(), |(b, _)| b);
        self.with_snippet(line_text, byte)
    }

    /// Attaches `line_text` (the whole line `self.line`) with the caret at byte `byte_in_line`.
    /// Costs O(window), not O(line): fast for many diagnostics on one huge line.
    pub fn with_snippet(mut self, line_text: &str, byte_in_line: usize) -> Self {
        let l = line_text.trim_end_matches('\r');
        let at = floor_char_boundary(l, byte_in_line.min(l.len()));
        if l.len() <= SNIPPET_MAX_CHARS || l.len() <= 2 * SNIPPET_SIDE_BYTES {
            self.caret = if self.col == 0 { 0 } else { l[..at].chars().count() + 1 };
            self.source_line = Some(l.to_string());
            return self;
        }
        let from = floor_char_boundary(l, at.saturating_sub(SNIPPET_SIDE_BYTES));
        let to = floor_char_boundary(l, (at + SNIPPET_SIDE_BYTES).min(l.len()));
        let (pre, post) = (if from > 0 { "…" } else { "" }, if to < l.len() { "…" } else { "" });
        self.caret = if self.col == 0 { 0 } else { pre.chars().count() + l[from..at].chars().count() + 1 };
        self.source_line = Some(format!("{pre}{}{post}", &l[from..to]));
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:col` as printed at the start of the message.
    pub fn location(&self) -> String {
        match (self.file.is_empty(), self.line, self.col) {
            (true, _, _) => String::new(),
            (false, 0, _) => self.file.clone(),
            (false, l, 0) => format!("{}:{}", self.file, l),
            (false, l, c) => format!("{}:{}:{}", self.file, l, c),
        }
    }
}

/// Display width of a string in a terminal: CJK and other wide characters take two columns.
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let u = c as u32;
    let wide = matches!(u,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let loc = self.location();
        if loc.is_empty() {
            write!(f, "{kind}: {}", self.message)?;
        } else {
            write!(f, "{loc}: {kind}: {}", self.message)?;
        }
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            write!(f, "\n{pad} |\n{gutter} | {src}")?;
            if self.caret > 0 {
                let before: String = src.chars().take(self.caret - 1).collect();
                let indent: String = before.chars().map(|c| if c == '\t' { '\t' } else { ' ' }).collect::<String>();
                let spaces = if indent.contains('\t') { indent } else { " ".repeat(display_width(&before)) };
                write!(f, "\n{pad} | {spaces}^")?;
            }
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// What a failed stage returns.
#[derive(Debug)]
pub enum Error {
    /// Bad input: one or more located problems (exit code 1).
    Input(Vec<Diagnostic>),
    /// Usage or I/O trouble (exit code 2).
    Io(String),
}

impl Error {
    pub fn one(d: Diagnostic) -> Self {
        Error::Input(vec![d])
    }

    pub fn io(path: &Path, e: impl fmt::Display) -> Self {
        Error::Io(format!("{}: {}", path.display(), e))
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) => 1,
            Error::Io(_) => 2,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(ds) => {
                for (i, d) in ds.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{d}")?;
                }
                Ok(())
            }
            Error::Io(m) => write!(f, "error: {m}"),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Collects problems across a stage so that `check` can report all of them at once.
#[derive(Debug, Default)]
pub struct Sink {
    pub items: Vec<Diagnostic>,
}

impl Sink {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Runs `f`; input problems are collected, I/O errors passed on.
    pub fn take<T>(&mut self, r: Result<T>) -> Result<Option<T>> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(Error::Input(ds)) => {
                self.items.extend(ds);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Fails with every collected error (warnings stay in the sink).
    pub fn finish(&self) -> Result<()> {
        if self.has_errors() {
            Err(Error::Input(self.items.iter().filter(|d| d.severity == Severity::Error).cloned().collect()))
        } else {
            Ok(())
        }
    }
}

/// Parses the first report in a tera error's text (`error: msg` … ` --> name:line:col`).
/// Returns (message, template name, line, 1-based column).
pub fn tera_report(text: &str) -> Option<(String, String, usize, usize)> {
    let at = text.find(" --> ")?;
    let loc = text[at + 5..].lines().next().unwrap_or("");
    let mut it = loc.rsplitn(3, ':');
    let (c, l, name) = (it.next()?, it.next()?, it.next()?);
    let (l, c) = (l.trim().parse::<usize>().ok()?, c.trim().parse::<usize>().ok()?);
    let msg = text[..at].lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    let msg = msg.trim().trim_start_matches("error: ").trim_end_matches('.').to_string();
    Some((msg, name.to_string(), l, c))
}

/// A “did you mean …?” for messages that name a wrong key and list the right ones:
/// serde's ``unknown field `x`, expected one of `a`, `b` `` and tera's
/// ``Field `x` is not defined. Available fields: a, b``.
pub fn suggest(message: &str) -> Option<String> {
    let (head, list) = message.split_once(", expected one of ").or_else(|| message.split_once("Available fields: "))?;
    let wrong = head.split('`').nth(1)?;
    let options: Vec<&str> = list.split(',').map(|o| o.trim().trim_matches('`').trim_end_matches('.')).collect();
    crate::format::nearest(wrong, options.iter().copied()).map(|n| format!("did you mean `{n}`?"))
}

/// Line starts of a text, for locating many byte offsets in it: a line is found by binary
/// search, and columns of increasing offsets on one line are counted on from the last one,
/// so locating every number or asterisk of a huge one-line file stays linear.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// (byte offset, 1-based column) of the last lookup.
    last: std::cell::Cell<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { text, starts, last: std::cell::Cell::new((0, 1)) }
    }

    /// 1-based line, 1-based character column, the line's text and the byte offset in that line.
    pub fn locate(&self, offset: usize) -> (usize, usize, &'a str, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let i = self.starts.partition_point(|s| *s <= offset).saturating_sub(1);
        let start = self.starts[i];
        let end = self.starts.get(i + 1).map_or(self.text.len(), |e| e - 1);
        let (last_off, last_col) = self.last.get();
        let col = if last_off >= start && last_off <= offset {
            last_col + self.text[last_off..offset].chars().count()
        } else {
            self.text[start..offset].chars().count() + 1
        };
        self.last.set((offset, col));
        (i + 1, col, &self.text[start..end.max(start)], offset - start)
    }

    /// The text of 1-based line `n` (empty if there is no such line).
    pub fn line(&self, n: usize) -> &'a str {
        match self.starts.get(n.wrapping_sub(1)) {
            Some(&s) => {
                let e = self.starts.get(n).map_or(self.text.len(), |e| e - 1);
                &self.text[s..e.max(s)]
            }
            None => "",
        }
    }
}

/// Line and 1-based character column of a byte offset in `src`.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..floor_char_boundary(src, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Converts a serde-saphyr error into a located diagnostic. `line_offset` is
/// the number of lines in the file before the YAML text starts (front matter).
pub fn from_yaml(file: &str, full_source: &str, line_offset: usize, e: &serde_saphyr::Error) -> Diagnostic {
    let inner = e.without_snippet();
    let (line, col) = match inner.location().or_else(|| e.location()) {
        Some(l) if l.line() > 0 => (l.line() as usize + line_offset, l.column() as usize),
        _ => (0, 0),
    };
    let msg = match yaml_limit_message(inner) {
        Some(m) => m,
        None => {
            let mut msg = inner.to_string();
            // serde-saphyr appends its own " at line X, column Y"; ours is in front.
            if let Some(i) = msg.find(" at line ") {
                msg.truncate(i);
            }
            friendly_yaml_message(msg.trim().trim_end_matches('.'))
        }
    };
    let found = (line > 0).then(|| full_source.lines().nth(line - 1)).flatten().unwrap_or("");
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

/// Clear words for YAML errors that are baipi's limits or rules rather than typing slips.
fn yaml_limit_message(e: &serde_saphyr::Error) -> Option<String> {
    use crate::data::{YAML_MAX_ALIASES, YAML_MAX_DEPTH, YAML_MAX_NODES, YAML_MAX_REPLAYED};
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
            format!("YAML nested too deeply; the limit is {} levels", crate::data::YAML_MAX_DEPTH)
        }
        "expected mapping start" => "expected `key: value` lines (a mapping) here".into(),
        "unexpected end of input" => "unexpected end of the YAML text".into(),
        _ => m.to_string(),
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
    fn caret_aligns_under_chinese_text() {
        let d = Diagnostic::error("a.md", 1, 4, "x").with_source("共计：**粗");
        let text = d.to_string();
        let lines: Vec<&str> = text.lines().collect();
        // 共计： are three wide characters: six columns before the caret.
        assert_eq!(lines[2], "1 | 共计：**粗");
        assert_eq!(lines[3], "  |       ^");
        assert_eq!(display_width(&lines[2][4..lines[2].find("**").unwrap()]), 6);
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}错{}", "甲".repeat(5000), "乙".repeat(5000));
        let d = Diagnostic::error("a.md", 1, 5001, "x").with_source(&line);
        let shown = d.source_line.clone().unwrap_or_default();
        assert!(shown.len() < 500 && shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert_eq!(shown.chars().nth(d.caret - 1), Some('错'));
        assert_eq!((d.line, d.col), (1, 5001), "the location itself is not changed");
        let short = Diagnostic::error("a.md", 1, 2, "x").with_source("ab");
        assert_eq!((short.source_line.as_deref(), short.caret), (Some("ab"), 2));
    }

    #[test]
    fn line_index_agrees_with_line_col() {
        let text = "一二\nabc\n\n共938个，其中\n";
        let idx = LineIndex::new(text);
        for off in (0..=text.len()).filter(|o| text.is_char_boundary(*o)) {
            let (l, c, line, byte) = idx.locate(off);
            assert_eq!((l, c), line_col(text, off), "offset {off}");
            assert_eq!(line, text.lines().nth(l - 1).unwrap_or(""));
            assert!(byte <= line.len());
        }
        assert_eq!(idx.line(4), "共938个，其中");
        assert_eq!(idx.line(9), "");
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("unknown field `sumary`, expected one of title, summary").as_deref(),
            Some("did you mean `summary`?")
        );
        assert_eq!(
            suggest("Field `vlaue` is not defined. Available fields: share, value").as_deref(),
            Some("did you mean `value`?")
        );
        assert_eq!(suggest("something else"), None);
    }
}
