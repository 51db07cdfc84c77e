//! Diagnostics: every problem baipi reports, located in a file when it can be.
//!
//! Owns [`Diagnostic`] (one problem, with file, line, column and a source
//! snippet) and [`Error`] (what a pipeline stage returns when it fails).
//! Lower layers attach the location because only they know the file and the
//! line. Submodules: [`location`] (lines and columns of byte offsets, display width) and
//! [`tera`] (the one mapper from a tera error to a located diagnostic, for templates and prose).

use std::fmt;
use std::path::Path;

pub mod location;
pub mod tera;

pub use location::{LineIndex, display_width, line_col};

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
        let at = crate::util::text::floor_char_boundary(l, byte_in_line.min(l.len()));
        if l.len() <= SNIPPET_MAX_CHARS || l.len() <= 2 * SNIPPET_SIDE_BYTES {
            self.caret = if self.col == 0 { 0 } else { l[..at].chars().count() + 1 };
            self.source_line = Some(l.to_string());
            return self;
        }
        let from = crate::util::text::floor_char_boundary(l, at.saturating_sub(SNIPPET_SIDE_BYTES));
        let to = crate::util::text::floor_char_boundary(l, (at + SNIPPET_SIDE_BYTES).min(l.len()));
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

/// A “did you mean …?” for messages that name a wrong key and list the right ones:
/// serde's ``unknown field `x`, expected one of `a`, `b` `` and tera's
/// ``Field `x` is not defined. Available fields: a, b``.
pub fn suggest(message: &str) -> Option<String> {
    let (head, list) = message.split_once(", expected one of ").or_else(|| message.split_once("Available fields: "))?;
    let wrong = head.split('`').nth(1)?;
    let options: Vec<&str> = list.split(',').map(|o| o.trim().trim_matches('`').trim_end_matches('.')).collect();
    crate::util::text::nearest(wrong, options.iter().copied()).map(|n| format!("did you mean `{n}`?"))
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
