//! Chapter bodies with expressions → Markdown.
//!
//! A body may contain tera expressions (`{{ data.orgs.total | num }}`) and
//! tags (`{% for %}`), evaluated against `data` (datasets with their
//! statistics; `stats` is the same tree), `site` and `page`. Output of
//! expressions is HTML-escaped, so a dataset label can never inject markup.
//! Errors are reported at their line and column in the `.md` file.
//!
//! Owns [`Prose`], one tera instance with baipi's filters, `figure()` and `figref()`, and the
//! site-wide values. Takes the data and site trees (once) and each chapter's text with its
//! page context; produces the text with every expression evaluated, or a located diagnostic
//! (placed by the shared mapper of [`crate::diag::tera`], with a hint where one helps).

use std::collections::BTreeMap;
use std::sync::Arc;
use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

use crate::diag::tera::{Origin, Start, Wording};
use crate::diag::{Diagnostic, Error, Result};

/// Where a text to evaluate sits, for locating its errors: it starts at `line`:`col` (1-based)
/// of `file`, whose whole text is `source`.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub file: &'a str,
    pub source: &'a str,
    pub line: usize,
    pub col: usize,
}

/// The expression engine: one tera instance with baipi's filters and the
/// site-wide values in its global context, shared by all chapters.
pub struct Prose {
    tera: Tera,
    /// `data` and `site` as the tera context holds them (shared, not copied), to name a field
    /// that is missing.
    globals: [(&'static str, Value); 2],
}

impl Prose {
    pub fn new(
        fmt: &crate::format::NumberFormat,
        data: &serde_json::Value,
        site: &serde_json::Value,
        figures: Arc<BTreeMap<String, (String, String)>>,
    ) -> Self {
        Self::with_values(fmt, Value::from_serializable(data), Value::from_serializable(site), figures)
    }

    /// As [`Prose::new`], with values already converted (they are shared, not copied).
    pub fn with_values(
        fmt: &crate::format::NumberFormat,
        data: Value,
        site: Value,
        figures: Arc<BTreeMap<String, (String, String)>>,
    ) -> Self {
        let mut tera = Tera::new();
        crate::format::register(&mut tera, fmt);
        register_figures(&mut tera, figures);
        tera.register_function("range", budget::range);
        let data_for_names = data.clone();
        tera.global_context().insert_value("data", data.clone());
        tera.global_context().insert_value("stats", data);
        tera.global_context().insert_value("site", site.clone());
        Prose { tera, globals: [("data", data_for_names), ("site", site)] }
    }

    /// How many figures (`figure()` calls) the last [`Prose::eval`] on this thread placed, so
    /// that a chapter without any is not searched for them.
    pub fn figures_placed() -> usize {
        budget::figures_placed()
    }

    /// Whether `text` contains anything to evaluate.
    pub fn has_expressions(text: &str) -> bool {
        // One scan for `{` (a memchr; Chinese prose rarely has one), then a look at the next byte.
        let mut rest = text;
        while let Some(i) = rest.find('{') {
            if matches!(rest.as_bytes().get(i + 1), Some(b'{' | b'%' | b'#')) {
                return true;
            }
            rest = &rest[i + 1..];
        }
        false
    }

    /// Evaluates `text`, which starts at `line`:`col` of `file` (whose full text is `source`).
    pub fn eval(&self, text: &str, ctx: &Context, place: Place) -> Result<String> {
        if !Self::has_expressions(text) {
            return Ok(text.to_string());
        }
        let Place { file, source, line, col } = place;
        budget::reset();
        if let Some((off, message)) = budget::precheck(text) {
            let (l, c) = crate::diag::line_col(text, off);
            let c = if l == 1 { c + col - 1 } else { c };
            return Err(Error::one(
                Diagnostic::error(file, line + l - 1, c, message).with_source(source).with_help(budget::HELP),
            ));
        }
        let at = Origin { file, source, text, start: Start::At { line, col } };
        let mut out = budget::Capped::default();
        let result = self.tera.render_str_to(text, ctx, true, &mut out);
        if out.over {
            let message = format!(
                "the expressions of this chapter make more than {} MiB of text (the limit for prose)",
                budget::MAX_OUTPUT >> 20
            );
            return Err(Error::one(
                Diagnostic::error(file, line, col, message).with_source(source).with_help(budget::HELP),
            ));
        }
        result.map_err(|e| Error::one(self.name_the_undefined(locate(&e, at), ctx, source)))?;
        String::from_utf8(out.bytes).map_err(|e| Error::one(Diagnostic::error(file, line, col, e.to_string())))
    }
}

impl Prose {
    /// A filter given an undefined value (`{{ data.orgs.totl | num }}`) cannot tell which name
    /// is missing; the name is read back from the chapter at the filter's place and walked
    /// through the values, so the message names the field that is not there, with the nearest.
    fn name_the_undefined(&self, mut d: Diagnostic, ctx: &Context, source: &str) -> Diagnostic {
        if !d.message.ends_with(crate::format::UNDEFINED_INPUT) {
            return d;
        }
        let Some((path, name_col)) = name_before_filter(source, d.line, d.col) else { return d };
        let root = path.split('.').next().unwrap_or_default();
        let root = if root == "stats" { "data" } else { root };
        let global = self.globals.iter().find(|(name, _)| *name == root).map(|(_, v)| v);
        let Some(value) = ctx.get(root).or(global) else {
            d.message = format!("`{root}` is not defined (in `{path}`)");
            d.help = Some("the names are `data`, `page` and `site`".into());
            return d;
        };
        let Some((field, fields)) = missing_field(value, &path) else { return d };
        // The caret goes under the missing field.
        let (before, _) = path.split_at(path.find(&format!(".{field}")).map_or(0, |i| i + 1));
        let col = name_col + before.chars().count();
        let mut located = Diagnostic::error(&d.file, d.line, col, String::new()).with_source(source);
        if fields.is_empty() {
            let parent = before.trim_end_matches('.');
            located.message = format!("field `{field}` is not defined (in `{path}`): `{parent}` has no fields");
            located.help = (parent == "page.data")
                .then(|| "a chapter's own figures go under `data:` in its front matter".to_string());
        } else {
            let near = crate::util::text::nearest(&field, fields.iter().map(String::as_str));
            located.message =
                format!("field `{field}` is not defined (in `{path}`). Available fields: {}", fields.join(", "));
            located.help = near.map(|n| format!("did you mean `{n}`?"));
        }
        located
    }
}

/// The dotted name a filter at `line`:`col` of `source` is applied to: the text between the
/// `{{` (or `(`, `,`, `=`) and the `|` before the filter, when it is a plain name.
fn name_before_filter(source: &str, line: usize, col: usize) -> Option<(String, usize)> {
    let text = source.split('\n').nth(line.checked_sub(1)?)?;
    let at = text.char_indices().nth(col.checked_sub(1)?).map_or(text.len(), |(i, _)| i);
    let before = &text[..at];
    let bar = before.rfind('|')?;
    let start = before[..bar].rfind(['{', '(', ',', '=', '|']).map_or(0, |i| i + 1);
    let raw = &before[start..bar];
    let name = raw.trim();
    let plain = !name.is_empty()
        && name.split('.').all(|seg| !seg.is_empty() && seg.chars().all(|c| c.is_alphanumeric() || c == '_'));
    let name_col = before[..start + raw.len() - raw.trim_start().len()].chars().count() + 1;
    plain.then(|| (name.to_string(), name_col))
}

/// The first field of `path` (after its root) that `value` does not have, with the fields
/// that are there.
fn missing_field(value: &Value, path: &str) -> Option<(String, Vec<String>)> {
    let mut here = value;
    for seg in path.split('.').skip(1) {
        if here.is_none() {
            return Some((seg.to_string(), Vec::new()));
        }
        match here.as_map() {
            Some(map) => match map.iter().find(|(k, _)| k.to_string() == seg) {
                Some((_, v)) => here = v,
                None => {
                    let mut fields: Vec<String> = map.keys().map(|k| k.to_string()).collect();
                    fields.sort();
                    return Some((seg.to_string(), fields));
                }
            },
            None => return None,
        }
    }
    None
}

/// `figure(id="…")` places a figure (its HTML); `figref(id="…")` links to it (`图3`).
/// `figures` maps id → (figure HTML, link HTML).
fn register_figures(tera: &mut Tera, figures: Arc<BTreeMap<String, (String, String)>>) {
    fn lookup<'a>(
        figures: &'a BTreeMap<String, (String, String)>,
        kwargs: &Kwargs,
        f: &str,
    ) -> TeraResult<&'a (String, String)> {
        let id: String = kwargs.must_get::<String>("id")?;
        figures.get(&id).ok_or_else(|| {
            let hint = crate::util::text::nearest(&id, figures.keys().map(String::as_str))
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            tera::Error::message(format!("{f}: no chart with id `{id}` in any chapter's `charts:`{hint}"))
        })
    }
    let f1 = figures.clone();
    tera.register_function("figure", move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let html = &lookup(&f1, &kwargs, "figure")?.0;
        budget::placed_figure();
        Ok(Value::safe_string(&format!("\n\n{html}\n\n")))
    });
    tera.register_function("figref", move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        Ok(Value::safe_string(&lookup(&figures, &kwargs, "figref")?.1))
    });
}

/// How expression errors are worded: the one-off template is "this chapter", messages start in
/// lower case, and a hint names the filter or dataset meant.
const WORDING: Wording = Wording { spanned: clean_message, unspanned: |m| lowercase_first(&clean_message(m)), hint };

/// Maps a tera error in the snippet `at` to a located diagnostic (at the snippet's start when
/// tera gives no place).
fn locate(e: &tera::Error, at: Origin<'_>) -> Diagnostic {
    if let Some(d) = crate::diag::tera::locate(e, |_| Some(at), &WORDING) {
        return d;
    }
    let (line, col) = at.start.position(1, 1);
    Diagnostic::error(at.file, line, col, clean_message(&e.to_string())).with_source(at.source)
}

/// `Unknown filter` → `unknown filter` (our messages start in lower case).
fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if f.is_ascii_uppercase() && c.clone().next().is_some_and(|n| n.is_ascii_lowercase()) => {
            f.to_ascii_lowercase().to_string() + c.as_str()
        }
        _ => s.to_string(),
    }
}

fn clean_message(m: &str) -> String {
    m.replace("__tera_one_off", "this chapter").trim().trim_end_matches('.').to_string()
}

fn hint(m: &str) -> Option<String> {
    if let Some(h) = crate::diag::suggest(m) {
        return Some(h);
    }
    if let Some(name) = m.strip_prefix("Unknown filter `").and_then(|r| r.split('`').next()) {
        let all = crate::format::FILTERS.iter().chain(crate::format::TERA_FILTERS);
        return Some(match crate::util::text::nearest(name, all.copied()) {
            Some(n) => format!("did you mean `{n}`?"),
            None => format!("baipi's filters are {}", crate::format::FILTERS.join(", ")),
        });
    }
    if m.contains("is not defined") {
        Some(
            "datasets are `data.<file name>` (data/members.yaml → data.members); see the data page for every field"
                .into(),
        )
    } else {
        None
    }
}

/// Budgets that keep a chapter's expressions from running for ever or filling the memory:
/// loops of `range()`, text that `set` statements can grow, and the text produced.
mod budget {
    use std::cell::Cell;
    use tera::{Kwargs, State, TeraResult};

    /// Most numbers all the `range()` calls of one chapter may produce together: nested loops
    /// multiply, so `range(end=1000)` inside `range(end=1000)` already takes 1,001,000.
    pub const MAX_RANGE_TOTAL: u64 = 1_000_000;
    /// Most text one chapter's expressions may produce (a chapter file is at most 8 MiB).
    pub const MAX_OUTPUT: usize = 32 << 20;
    /// How many times larger `set` statements may make a text (`{% set b = a ~ a %}` doubles).
    pub const MAX_GROWTH: u64 = 1024;

    pub const HELP: &str = "prose expressions are for quoting numbers from the data; \
        build long or repeated text in the data file or the template instead";

    thread_local! {
        /// What this thread's current evaluation has taken of [`MAX_RANGE_TOTAL`].
        static RANGE_TAKEN: Cell<u64> = const { Cell::new(0) };
        /// How many figures this thread's current evaluation has placed.
        static FIGURES: Cell<usize> = const { Cell::new(0) };
    }

    /// Counts a call of `figure()`.
    pub fn placed_figure() {
        FIGURES.with(|f| f.set(f.get() + 1));
    }

    /// How many figures the last evaluation on this thread placed.
    pub fn figures_placed() -> usize {
        FIGURES.with(Cell::get)
    }

    /// Starts a new evaluation on this thread (a chapter is evaluated on one thread).
    pub fn reset() {
        RANGE_TAKEN.with(|t| t.set(0));
        FIGURES.with(|f| f.set(0));
    }

    /// tera's `range(start=0, end=…, step_by=1)`, charged to the chapter's budget.
    pub fn range(kwargs: Kwargs, _: &State) -> TeraResult<Vec<i64>> {
        let start = kwargs.get::<i64>("start")?.unwrap_or_default();
        let end = kwargs.must_get::<i64>("end")?;
        let step = kwargs.get::<i64>("step_by")?.unwrap_or(1);
        if step == 0 {
            return Err(tera::Error::message("range(): `step_by` must not be 0"));
        }
        let span = if step > 0 { i128::from(end) - i128::from(start) } else { i128::from(start) - i128::from(end) };
        let len =
            if span <= 0 { 0 } else { (span + i128::from(step.unsigned_abs()) - 1) / i128::from(step.unsigned_abs()) };
        let taken = RANGE_TAKEN.with(|t| t.get()).saturating_add(u64::try_from(len).unwrap_or(u64::MAX));
        if taken > MAX_RANGE_TOTAL {
            return Err(tera::Error::message(format!(
                "range(): the loops of this chapter would run more than {MAX_RANGE_TOTAL} times in all (the limit for prose)"
            )));
        }
        RANGE_TAKEN.with(|t| t.set(taken));
        Ok((0..len as i64).map(|i| start + i * step).collect())
    }

    /// The evaluated text, refused past [`MAX_OUTPUT`] (tera stops at the failed write).
    #[derive(Default)]
    pub struct Capped {
        pub bytes: Vec<u8>,
        pub over: bool,
    }

    impl std::io::Write for Capped {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.bytes.len() + buf.len() > MAX_OUTPUT {
                self.over = true;
                return Err(std::io::Error::other("prose output limit"));
            }
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The tags `{% … %}` of `text`: (offset of `{%`, the words inside).
    fn tags(text: &str) -> impl Iterator<Item = (usize, &str)> {
        text.match_indices("{%").filter_map(move |(i, _)| {
            let inner = &text[i + 2..];
            let end = inner.find("%}")?;
            Some((i, inner[..end].trim_matches(|c: char| c == '-' || c.is_whitespace())))
        })
    }

    /// The names an expression mentions (outside string literals), in order.
    fn names(expr: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let (b, mut i) = (expr.as_bytes(), 0);
        while i < b.len() {
            let c = b[i];
            if c == b'"' || c == b'\'' || c == b'`' {
                i += 1 + b[i + 1..].iter().position(|x| *x == c).unwrap_or(b.len());
            } else if c.is_ascii_alphabetic() || c == b'_' {
                let n = b[i..].iter().take_while(|x| x.is_ascii_alphanumeric() || **x == b'_').count();
                let before = expr[..i].trim_end().as_bytes().last().copied();
                let after = expr[i + n..].trim_start().as_bytes().first().copied();
                // Not a field (`.x`), a filter (`| x`), a function or an argument's name.
                let value = !matches!(before, Some(b'.' | b'|')) && !matches!(after, Some(b'(' | b'='));
                let word = &expr[i..i + n];
                if value && !["and", "or", "not", "in", "is", "true", "false", "none"].contains(&word) {
                    out.push(word);
                }
                i += n;
            } else {
                i += 1;
            }
        }
        out
    }

    /// A first look at the tags, before anything runs: a `set_global` that grows its own text on
    /// every pass of a loop, or `set`s that together can make a text more than [`MAX_GROWTH`]
    /// times larger (each joining text, with `~` or a filter such as `join`, at most multiplies
    /// it by the number of names it mentions). Returns the offending tag's offset and why.
    pub fn precheck(text: &str) -> Option<(usize, String)> {
        if !text.contains("set") {
            return None;
        }
        let (mut depth, mut growth) = (0usize, 1u64);
        for (at, tag) in tags(text) {
            let word = tag.split_whitespace().next().unwrap_or("");
            match word {
                "for" => depth += 1,
                "endfor" => depth = depth.saturating_sub(1),
                "set" | "set_global" => {
                    let Some((name, expr)) = tag[word.len()..].split_once('=') else { continue };
                    let name = name.trim();
                    let joins = expr.contains('~') || ["join", "replace", "indent"].iter().any(|f| expr.contains(f));
                    if !joins {
                        continue;
                    }
                    let mentioned = names(expr);
                    if depth > 0 && word == "set_global" && mentioned.contains(&name) {
                        return Some((
                            at,
                            format!(
                                "`{{% set_global {name} = … %}}` makes `{name}` longer on every pass of a loop (not allowed in prose)"
                            ),
                        ));
                    }
                    growth = growth.saturating_mul(mentioned.len().max(1) as u64);
                    if growth > MAX_GROWTH {
                        return Some((
                            at,
                            format!(
                                "these `set` statements can make a text more than {MAX_GROWTH} times longer (the limit for prose)"
                            ),
                        ));
                    }
                }
                _ => {}
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{Prose, Value, missing_field, name_before_filter};

    #[test]
    fn the_name_before_a_filter_is_read_back() {
        let src = "a\n共{{ data.orgs.totl | num }}个，{{ 3 | share(of=x.y | num) }}";
        assert_eq!(name_before_filter(src, 2, 22), Some(("data.orgs.totl".into(), 5)));
        assert_eq!(name_before_filter(src, 1, 1), None);
        let values = Value::from_serializable(&serde_json::json!({"orgs": {"total": 938, "title": "t"}}));
        let (field, fields) = missing_field(&values, "data.orgs.totl").unwrap();
        assert_eq!((field.as_str(), fields), ("totl", vec!["title".to_string(), "total".to_string()]));
        assert!(missing_field(&values, "data.orgs.total").is_none());
    }

    #[test]
    fn budget_precheck_lets_ordinary_prose_through() {
        for ok in [
            "{% set t = data.orgs.total %}{{ t }}",
            "{% for p in data.orgs.parts %}{% set_global n = n + 1 %}{% set l = p.label ~ \"个\" %}{% endfor %}",
            "{% set a = x ~ x %}{% set s = a | join(sep=\",\") %}",
        ] {
            assert_eq!(super::budget::precheck(ok), None, "{ok}");
        }
        let grow = "{% for p in xs %}{%- set_global s = s ~ p -%}{% endfor %}";
        assert!(super::budget::precheck(grow).is_some_and(|(at, _)| at == 17));
    }

    #[test]
    fn finds_every_kind_of_expression_start() {
        for t in [
            "",
            "{",
            "尾{",
            "a{b}",
            "{ {",
            "{}",
            "集合 {a, b} 与 {c}",
            "{{",
            "x {{ y }}",
            "{%",
            "若 {% if %}",
            "{#",
            "{ {# c #}",
        ] {
            let want = t.contains("{{") || t.contains("{%") || t.contains("{#");
            assert_eq!(Prose::has_expressions(t), want, "{t:?}");
        }
    }
}
