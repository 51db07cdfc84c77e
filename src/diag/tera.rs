//! Tera errors → located [`Diagnostic`]s: the one mapper that theme templates and chapter
//! expressions share.
//!
//! A tera error places itself in one of two ways: a syntax or rendering error carries a span
//! (template name, line, 0-based character column); the others (unknown filter, function or
//! test) say ` --> name:line:col` only in their text. [`locate`] takes the error, an
//! [`Origin`] for each template name and the callers' [`Wording`], reads either kind of
//! place, and produces a diagnostic at the matching line and column of the file the template
//! came from: a theme's template is a whole file, a chapter's expressions a snippet that
//! starts somewhere in the `.md`. An error it cannot place is left to the caller.

use super::Diagnostic;

/// Where a template's text is.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The file reported.
    pub file: &'a str,
    /// That file's whole text, for the snippet under the message.
    pub source: &'a str,
    /// The template's text, in which tera counts its lines and columns.
    pub text: &'a str,
    /// Where `text` starts in the file.
    pub start: Start,
}

/// Where a template's text starts in its file.
#[derive(Debug, Clone, Copy)]
pub enum Start {
    /// The text is the whole file.
    File,
    /// At this 1-based line and column of the file (a snippet: only its first line is offset
    /// by `col`).
    At { line: usize, col: usize },
}

impl Start {
    /// The file's (line, column) of 1-based (`line`, `col`) in the text.
    pub fn position(self, line: usize, col: usize) -> (usize, usize) {
        match self {
            Start::File => (line, col),
            Start::At { line: l0, col: c0 } => {
                (l0 + line.saturating_sub(1), if line <= 1 { c0 + col - 1 } else { col })
            }
        }
    }
}

/// How the messages of one kind of template are worded.
pub struct Wording {
    /// The message of an error tera placed by a span, as tera wrote it.
    pub spanned: fn(&str) -> String,
    /// The message of an error placed only in its text, trimmed and without its final `.`.
    pub unspanned: fn(&str) -> String,
    /// A help line for tera's message (either kind), if any.
    pub hint: fn(&str) -> Option<String>,
}

/// The diagnostic of `e` at the place tera gives; `origin` finds a template by the name tera
/// knows it by. `None` when tera gives no place or names no template `origin` knows.
pub fn locate<'a>(
    e: &tera::Error,
    origin: impl Fn(&str) -> Option<Origin<'a>>,
    wording: &Wording,
) -> Option<Diagnostic> {
    let report = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    if let Some(r) = report
        && let Some(o) = origin(r.filename())
    {
        let sp = r.span();
        // tera columns are 0-based character offsets within the line.
        let line_text = o.text.lines().nth(sp.start_line.saturating_sub(1)).unwrap_or("");
        let col = line_text.chars().take(sp.start_col).count() + 1;
        let (l, c) = o.start.position(sp.start_line, col);
        return Some(diagnostic(o, l, c, (wording.spanned)(r.message()), (wording.hint)(r.message())));
    }
    let text = e.to_string();
    let (msg, name, l, c) = tera_report(&text)?;
    let o = origin(&name)?;
    let (l, c) = o.start.position(l, c);
    Some(diagnostic(o, l, c, (wording.unspanned)(&msg), (wording.hint)(&msg)))
}

fn diagnostic(o: Origin, line: usize, col: usize, message: String, help: Option<String>) -> Diagnostic {
    let d = Diagnostic::error(o.file, line, col, plain_types(&message)).with_source(o.source);
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// Rust's type names in tera's messages (``expected `&str` but got `u64` ``) in plain words.
fn plain_types(m: &str) -> String {
    const NAMES: &[(&str, &str)] = &[
        ("`&str`", "text"),
        ("`String`", "text"),
        ("`string`", "text"),
        ("`u64`", "a number"),
        ("`i64`", "a number"),
        ("`f64`", "a number"),
        ("`u32`", "a number"),
        ("`i32`", "a number"),
        ("`usize`", "a number"),
        ("`bool`", "true or false"),
    ];
    let mut out = m.replace("Invalid type for the value, expected", "expected").replace(" but got ", ", found ");
    for (rust, plain) in NAMES {
        out = out.replace(rust, plain);
    }
    out
}

/// Parses the first report in a tera error's text (`error: msg` … ` --> name:line:col`).
/// Returns (message, template name, line, 1-based column).
fn tera_report(text: &str) -> Option<(String, String, usize, usize)> {
    let at = text.find(" --> ")?;
    let loc = text[at + 5..].lines().next().unwrap_or("");
    let mut it = loc.rsplitn(3, ':');
    let (c, l, name) = (it.next()?, it.next()?, it.next()?);
    let (l, c) = (l.trim().parse::<usize>().ok()?, c.trim().parse::<usize>().ok()?);
    let msg = text[..at].lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    let msg = msg.trim().trim_start_matches("error: ").trim_end_matches('.').to_string();
    Some((msg, name.to_string(), l, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_type_names_are_plain_words() {
        assert_eq!(
            plain_types("Invalid type for the value, expected `&str` but got `u64`"),
            "expected text, found a number"
        );
    }

    #[test]
    fn snippet_positions_are_offset_on_their_first_line_only() {
        assert_eq!(Start::File.position(3, 4), (3, 4));
        let at = Start::At { line: 10, col: 5 };
        assert_eq!(at.position(1, 1), (10, 5));
        assert_eq!(at.position(1, 3), (10, 7));
        assert_eq!(at.position(0, 3), (10, 7));
        assert_eq!(at.position(2, 3), (11, 3));
    }

    #[test]
    fn reads_the_place_in_the_text() {
        let text = "error: Unknown filter `nmu`.\n --> __tera_one_off:2:7\n  |\n";
        assert_eq!(tera_report(text), Some(("Unknown filter `nmu`".to_string(), "__tera_one_off".to_string(), 2, 7)));
        assert_eq!(tera_report("no place"), None);
    }
}
