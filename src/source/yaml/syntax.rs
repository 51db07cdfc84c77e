//! YAML syntax errors in an editor's words. The reader's own texts (“while parsing a block
//! mapping, did not find expected key”, “use Option<String>”) name its parsing states and Rust
//! types; here each becomes what is wrong with the line, and where indentation is the cause,
//! the column the line should start in, found by comparing it with the lines above.

/// A syntax error explained: where (1-based line and column), what, and how to fix it.
#[derive(Debug, PartialEq)]
pub struct Explained {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub help: Option<String>,
}

/// Explains the reader's error `raw` (its text without the location) found at `line`:`col`
/// of `lines` (the whole file), or `None` when the ordinary wording is already plain.
pub fn explain(raw: &str, e: &serde_saphyr::Error, lines: &[&str], line: usize, col: usize) -> Option<Explained> {
    // The YAML reader counts a lone carriage return as a line break and `str::lines` does not:
    // a line past the text has nothing to explain (the reader's own message stands).
    if line > lines.len() + 1 {
        return None;
    }
    let at = |message: String, help: Option<String>| Explained { line, col, message, help };
    let text = lines.get(line.checked_sub(1)?).copied().unwrap_or("");
    let mut e = e;
    while let serde_saphyr::Error::WithSnippet { error, .. } = e {
        e = error;
    }
    match e {
        serde_saphyr::Error::MultipleDocuments { .. } => return Some(stray_end(lines, line, col)),
        serde_saphyr::Error::NullIntoString { .. } | serde_saphyr::Error::InvalidCharNull { .. } => {
            let key = block_key(text.trim_start().trim_start_matches("- ")).unwrap_or("this value");
            return Some(at(
                format!("`{key}` has no value: `~`, `null` or nothing after the colon means “empty”"),
                Some("write the text after the colon".into()),
            ));
        }
        _ => {}
    }
    let structural =
        ["did not find expected", "mapping values are not allowed", "illegal placement", "while parsing a flow"];
    if let Some((n, c, open)) = structural.iter().any(|w| raw.contains(w)).then(|| unclosed_flow(lines, line)).flatten()
    {
        return Some(unclosed(lines[n - 1], n, c, open));
    }
    if raw.contains("did not find expected key") || raw.contains("did not find expected '-' indicator") {
        let fallback = if raw.contains("'-'") {
            "expected a list item (`- …`) here, in the column of the items above"
        } else {
            "this line does not continue the mapping above it: check its indentation"
        };
        return Some(indentation(lines, line).unwrap_or_else(|| at(fallback.into(), None)));
    }
    if raw.contains("mapping values are not allowed") {
        return Some(indentation(lines, line).unwrap_or_else(|| colon_in_value(text, line, col)));
    }
    if raw.contains("tabs disallowed") || raw.contains("tab character") {
        let help = match levels(lines, line).first() {
            Some(l) => format!("replace the tab with spaces; the line above starts in column {}", l.col),
            None => "replace the tab with spaces".into(),
        };
        return Some(at("a tab in the indentation: YAML indents with spaces only".into(), Some(help)));
    }
    if raw.starts_with("unclosed quote") {
        let quote = text.chars().skip(col.saturating_sub(1)).find(|c| matches!(c, '"' | '\'')).unwrap_or('"');
        let key = block_key(text.trim_start().trim_start_matches("- "));
        let message = match key {
            Some(k) => format!("field `{k}`: unclosed quote, found `{}`", tail(text, col)),
            None => "unclosed quote".into(),
        };
        return Some(at(message, Some(format!("add the closing `{quote}` at the end of the value"))));
    }
    if let Some(open) = raw.strip_prefix("unclosed bracket '").and_then(|r| r.chars().next()) {
        return Some(unclosed(text, line, col, open));
    }
    None
}

/// `[` or `{` at `line`:`col` of `text` is never closed.
fn unclosed(text: &str, line: usize, col: usize, open: char) -> Explained {
    let close = if open == '[' { ']' } else { '}' };
    let field = match block_key(text.trim_start().trim_start_matches("- ")) {
        Some(k) if text.find(open).is_some_and(|i| i > text.find(k).unwrap_or(0)) => format!("field `{k}`: "),
        _ => String::new(),
    };
    Explained {
        line,
        col,
        message: format!("{field}`{open}` is never closed"),
        help: Some(format!("add the matching `{close}` at the end of the item")),
    }
}

/// The first `[` or `{` (line, 1-based column) still open before `line`, outside quotes and
/// comments, in the YAML text that ends there (from the top or the front matter's `---`).
fn unclosed_flow(lines: &[&str], line: usize) -> Option<(usize, usize, char)> {
    let start = (1..line).rev().find(|&n| lines[n - 1].trim_end() == "---").map_or(1, |n| n + 1);
    let mut open: Vec<(usize, usize, char)> = Vec::new();
    for n in start..line {
        let mut quote = None;
        for (i, c) in lines[n - 1].chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if !open.is_empty() => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => open.push((n, i + 1, c)),
                (None, ']' | '}') => {
                    open.pop();
                }
                _ => {}
            }
        }
    }
    open.first().copied()
}

/// Up to 40 characters of `text` from 1-based `col`, to the end of the value.
fn tail(text: &str, col: usize) -> String {
    let after: String = text.chars().skip(col.saturating_sub(1)).collect();
    after.split([',', '}', '#']).next().unwrap_or("").trim().chars().take(40).collect()
}

/// A `...` (or a second `---`) before the end: the reader stops there and refuses the rest.
fn stray_end(lines: &[&str], line: usize, col: usize) -> Explained {
    let end = (1..line).rev().find(|&n| matches!(lines[n - 1].trim_end(), "..." | "---"));
    match end {
        Some(n) => Explained {
            line: n,
            col: 1,
            message: format!("`{}` ends the YAML text here, but more lines follow", lines[n - 1].trim_end()),
            help: Some("remove this line: a file holds one YAML text".into()),
        },
        None => Explained {
            line,
            col,
            message: "a second YAML text starts here: a file holds one".into(),
            help: Some("remove the `---` or `...` line above".into()),
        },
    }
}

/// `key: a: b` — a colon and a space inside a value start a second key on the same line.
fn colon_in_value(text: &str, line: usize, col: usize) -> Explained {
    let body = text.trim_start().trim_start_matches("- ");
    let key = block_key(body);
    let value = key.and_then(|k| value_after(body, k));
    match (key, value) {
        (Some(k), Some(v)) if v.contains(": ") && !v.starts_with(['"', '\'', '{', '[']) => Explained {
            line,
            col,
            message: format!("the value of `{k}` contains `: ` (a colon and a space), which starts a new key"),
            help: Some(format!("put the value in quotes: `{k}: \"{}\"`", v.replace('"', "\\\""))),
        },
        _ => Explained {
            line,
            col,
            message: "unexpected `:` here: a value with a colon in it must be in quotes".into(),
            help: None,
        },
    }
}

/// A column that keys or list items start in, open at the line being explained.
#[derive(Debug, Clone, PartialEq)]
struct Level {
    /// 1-based column.
    col: usize,
    /// 1-based line that opened it.
    line: usize,
    /// The key there, or `None` for a list item (`- …`).
    key: Option<String>,
    /// The line's value is already given (`key: value`), so nothing may be nested under it.
    has_value: bool,
}

/// The columns still open at `line`, innermost first: the line above's key (and its `- `), then
/// each less indented key or item further up, back to column 1 or the front matter's `---`.
fn levels(lines: &[&str], line: usize) -> Vec<Level> {
    let mut out: Vec<Level> = Vec::new();
    for n in (1..line).rev() {
        let text = lines[n - 1];
        let body = text.trim_start_matches(' ');
        if body.trim_end() == "---" {
            break;
        }
        if body.trim().is_empty() || body.starts_with('#') {
            continue;
        }
        for level in line_levels(text, n) {
            if out.last().is_none_or(|l| level.col < l.col) {
                out.push(level);
            }
        }
        if out.last().is_some_and(|l| l.col == 1) {
            break;
        }
    }
    out
}

/// The key and list-item columns one line opens, innermost (rightmost) first.
fn line_levels(text: &str, n: usize) -> Vec<Level> {
    let mut col = text.len() - text.trim_start_matches(' ').len() + 1;
    let mut body = &text[col - 1..];
    let mut dashes = Vec::new();
    while let Some(rest) = body.strip_prefix("- ").or_else(|| (body.trim_end() == "-").then_some("")) {
        dashes.push(Level { col, line: n, key: None, has_value: !rest.trim().is_empty() });
        let skipped = rest.len() - rest.trim_start_matches(' ').len();
        col += 2 + skipped;
        body = rest.trim_start_matches(' ');
    }
    let mut out = Vec::new();
    if let Some(key) = block_key(body) {
        let value = value_after(body, key).unwrap_or("");
        let has_value = !value.is_empty() && !value.starts_with('#') && !value.starts_with(['|', '>', '&']);
        out.push(Level { col, line: n, key: Some(key.to_string()), has_value });
    }
    out.extend(dashes.into_iter().rev());
    out
}

/// What follows `key` (a prefix of `body`, as [`block_key`] gives it) and its colon, trimmed. The
/// key may be followed by whitespace of several bytes (U+0085) before the colon, so the value is
/// found after it, never at `key.len() + 1`.
fn value_after<'a>(body: &'a str, key: &str) -> Option<&'a str> {
    body.get(key.len()..)?.trim_start().strip_prefix(':').map(str::trim)
}

/// The key of a `key: value` or `key:` line (not of flow `{…}` or quoted text).
fn block_key(body: &str) -> Option<&str> {
    if body.starts_with(['{', '[', '"', '\'', '#', '-']) {
        return None;
    }
    let end = body.find(": ").or_else(|| body.trim_end().strip_suffix(':').map(str::len))?;
    let key = body[..end].trim_end();
    (!key.is_empty() && !key.contains(['{', '[', '#'])).then_some(key)
}

fn describe(l: &Level) -> String {
    match &l.key {
        Some(k) => format!("`{k}` (line {})", l.line),
        None => format!("the list item on line {}", l.line),
    }
}

/// The indentation mistake at `line`, if its first column matches no open level: indented
/// more than a line whose value is given, or between two levels.
fn indentation(lines: &[&str], line: usize) -> Option<Explained> {
    let text = *lines.get(line - 1)?;
    let col = text.len() - text.trim_start_matches(' ').len() + 1;
    let body = text[col - 1..].trim_end();
    let what = match block_key(body) {
        Some(k) => format!("`{k}`"),
        None if body.starts_with('-') => "this list item".to_string(),
        None => "this line".to_string(),
    };
    let levels = levels(lines, line);
    let inner = levels.first()?;
    if col > inner.col {
        if !inner.has_value {
            return None;
        }
        return Some(Explained {
            line,
            col,
            message: format!(
                "{what} is indented more than {} above it (column {col}, not {}), and that line already has its value",
                describe(inner),
                inner.col
            ),
            help: Some(format!("start it in column {}, like {}", inner.col, describe(inner))),
        });
    }
    if let Some(aligned) = levels.iter().find(|l| l.col == col) {
        return list_column(&levels, aligned, &what, body, line, col);
    }
    let deeper = levels.iter().rev().find(|l| l.col > col)?;
    let outer = levels.iter().find(|l| l.col < col);
    let help = match outer {
        Some(o) => format!(
            "lines of one mapping or list start in the same column: start it in column {} to continue beside {}, \
             or in column {} to go beside {}",
            deeper.col,
            describe(deeper),
            o.col,
            describe(o)
        ),
        None => format!("start it in column {}, like {}", deeper.col, describe(deeper)),
    };
    Some(Explained {
        line,
        col,
        message: format!("{what} starts in column {col}, which matches none of the lines above it"),
        help: Some(help),
    })
}

/// A key starting in the column of the list items above (`- …`): it is neither an item nor,
/// at that column, a key of the mapping that holds the list.
fn list_column(
    levels: &[Level],
    aligned: &Level,
    what: &str,
    body: &str,
    line: usize,
    col: usize,
) -> Option<Explained> {
    if aligned.key.is_some() || body.starts_with('-') {
        return None;
    }
    let owner = levels.iter().find(|l| l.col < col && l.key.is_some());
    Some(Explained {
        line,
        col,
        message: format!(
            "{what} starts in column {col}, where the list items (`- …`) above start ({})",
            describe(aligned)
        ),
        help: Some(match owner {
            Some(o) => format!(
                "to add a list item, start the line with `- `; to go beside {}, start it in column {}",
                describe(o),
                o.col
            ),
            None => "to add a list item, start the line with `- `".into(),
        }),
    })
}

/// Rust and library words in a message the reader wrote, in plain words.
pub fn plain_words(m: &str) -> String {
    let m = m.split("; use ").next().unwrap_or(m);
    if let Some(field) = m.strip_prefix("missing field `").and_then(|r| r.strip_suffix('`')) {
        return format!("`{field}` is missing: it is required here");
    }
    if let Some((found, expected)) = m
        .strip_prefix("invalid type: ")
        .or_else(|| m.strip_prefix("invalid value: "))
        .and_then(|rest| rest.split_once(", expected "))
    {
        return format!("expected {}, found {}", kind(expected), kind(found));
    }
    if m.contains("unknown escape character") {
        return "unknown escape after `\\` in double quotes: write `\\\\` for a backslash, or put the text in single quotes"
            .into();
    }
    if m.contains("unknown anchor") {
        return "`*name` repeats an anchor `&name` that is not defined above it".into();
    }
    // “while parsing a block mapping, …”: the reader's state, not the editor's mistake.
    let m = match m.strip_prefix("while parsing ").and_then(|r| r.split_once(", ")) {
        Some((_, rest)) => rest,
        None => m,
    };
    if let Some(expected) = m.strip_prefix("expected ") {
        return format!("expected {}", kind(expected));
    }
    m.replace("deserialize", "read").replace("mapping key", "key").replace("scalar", "value")
}

/// A serde type description (`a string`, `u64`, `struct Part`, `sequence`) in plain words.
fn kind(k: &str) -> String {
    let k = k.trim();
    let word = k.split([' ', '`']).next().unwrap_or(k);
    let plain = match word {
        "a" | "an" => {
            let rest = k[word.len()..].trim();
            let plain = kind(rest);
            return if plain == rest { k.to_string() } else { plain };
        }
        "string" | "str" | "char" => match k[word.len()..].trim() {
            v if v.starts_with('"') => return format!("the text {v}"),
            _ => "text",
        },
        "sequence" | "seq" | "tuple" => "a list (`- …` lines, or `[…]`)",
        "map" | "struct" | "mapping" => "`key: value` lines (a mapping)",
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" | "integer" => {
            return match k.split_once('`') {
                Some((_, v)) if word == "integer" => format!("the number `{v}"),
                _ => "a whole number".into(),
            };
        }
        "f32" | "f64" | "floating" => "a number",
        "boolean" | "bool" => "true or false",
        "unit" | "null" => "an empty value",
        _ => return k.to_string(),
    };
    match k.split_once('`') {
        Some((_, v)) if word == "string" || word == "boolean" || word == "floating" => format!("`{v}"),
        _ => plain.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `dataset_stats` fuzz target: a key followed by U+0085 (whitespace of two
    /// bytes) before its colon was sliced inside that character.
    #[test]
    fn wide_whitespace_after_a_key_does_not_panic() {
        let data = "3_ \t \t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t \t (_Q (=Q\u{85}: \t\t\t\t)\t\t\t\t\t\t\t\t\t\t(_Q (=Q\u{85}+ \t\t\t\t)\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t \t (_Q (=Q\u{85}+ \t\t\t\t)\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t'c:\t";
        if let Err(e) = crate::source::yaml::parse_yaml::<serde::de::IgnoredAny>(data) {
            let d = crate::source::yaml::located("data/a.yaml", data, 0, &e);
            assert_eq!(d.file, "data/a.yaml");
        }
        assert!(colon_in_value("k\u{85}: a: b", 1, 1).message.contains("`k`"));
        // The same in the indentation explanation (`line_levels`).
        let data = "phhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh\u{85}:\nV:\t\u{85}\u{b4}hhhhhhghhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhecto \\'0:\r\"Ar: `\\\r:\n=#\n\n\n:";
        if let Err(e) = crate::source::yaml::parse_yaml::<serde::de::IgnoredAny>(data) {
            assert_eq!(crate::source::yaml::located("data/a.yaml", data, 0, &e).file, "data/a.yaml");
        }
        assert_eq!(line_levels("k\u{85}: v", 1)[0].key.as_deref(), Some("k"));
    }

    /// Found by the `front_matter` and `dataset_stats` fuzz targets: lone carriage returns are
    /// line breaks to the YAML reader, so its line was past the end of `str::lines` (a panic).
    #[test]
    fn lone_carriage_returns_do_not_panic() {
        let front = "---\n--y\r\r\r#0[#\n#3-##\n\n#\n-#\n---\n";
        let yaml = &front[4..front.len() - 4];
        let e = crate::source::yaml::parse_yaml::<serde::de::IgnoredAny>(yaml).expect_err("not YAML");
        assert_eq!(crate::source::yaml::located("content/a.md", front, 1, &e).file, "content/a.md");
        let data = "2&\r)\r:";
        let r = crate::source::yaml::parse_yaml::<serde::de::IgnoredAny>(data);
        if let Err(e) = r {
            let d = crate::source::yaml::located("data/a.yaml", data, 0, &e);
            assert_eq!(d.file, "data/a.yaml");
        }
    }

    fn parse(src: &str) -> Explained {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Inner {
            title: String,
            complete: Option<bool>,
            parts: Vec<String>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Outer {
            by_type: Inner,
        }
        let e = crate::source::yaml::parse_yaml::<Outer>(src).expect_err("invalid");
        let d = crate::source::yaml::located("f.yaml", src, 0, &e);
        Explained { line: d.line, col: d.col, message: d.message, help: d.help }
    }

    /// The minimal reproduction of the wrong cause: serde-saphyr alone reports ``missing field
    /// `parts` `` at line 2 for this text, in which `parts` is present (the under-indented
    /// `complete` ends the mapping, and the struct is filled before the reader reaches the
    /// line that YAML forbids).
    #[test]
    fn under_indented_key_is_an_indentation_error_not_a_missing_field() {
        let src = "by_type:\n    title: t\n   complete: true\n    parts: [a]\n";
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct Inner {
            title: String,
            parts: Vec<String>,
        }
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            by_type: Inner,
        }
        let alone = serde_saphyr::from_str::<Outer>(src).err().expect("invalid").to_string();
        assert!(alone.contains("missing field `parts`"), "{alone}");
        let d = parse(src);
        assert_eq!((d.line, d.col), (3, 4));
        assert_eq!(d.message, "`complete` starts in column 4, which matches none of the lines above it");
        let help = d.help.expect("help");
        assert!(help.contains("column 5 to continue beside `title` (line 2)"), "{help}");
        assert!(help.contains("column 1 to go beside `by_type` (line 1)"), "{help}");
    }

    #[test]
    fn over_indented_key_after_a_value_names_the_column() {
        let d = parse("by_type:\n  title: t\n  complete: true\n    parts: [a]\n");
        assert_eq!((d.line, d.col), (4, 5));
        assert!(d.message.starts_with("`parts` is indented more than `complete` (line 3)"), "{}", d.message);
        assert_eq!(d.help.as_deref(), Some("start it in column 3, like `complete` (line 3)"));
    }

    #[test]
    fn colon_in_a_value_suggests_quotes() {
        let d = parse("by_type:\n  title: 党组织: 二\n  parts: [a]\n");
        assert_eq!(d.line, 2);
        assert_eq!(d.help.as_deref(), Some("put the value in quotes: `title: \"党组织: 二\"`"));
    }

    #[test]
    fn plain_words_replace_type_names() {
        assert_eq!(
            plain_words("invalid type: sequence, expected a string"),
            "expected text, found a list (`- …` lines, or `[…]`)"
        );
        assert_eq!(
            plain_words("invalid type: integer `5`, expected a sequence"),
            "expected a list (`- …` lines, or `[…]`), found the number `5`"
        );
        assert_eq!(
            plain_words("cannot deserialize null into string; use Option<String>"),
            "cannot read null into string"
        );
    }
}
