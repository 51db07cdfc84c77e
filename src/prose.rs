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
}

impl Prose {
    pub fn new(
        share_digits: u32,
        data: &serde_json::Value,
        site: &serde_json::Value,
        figures: Arc<BTreeMap<String, (String, String)>>,
    ) -> Self {
        Self::with_values(share_digits, Value::from_serializable(data), Value::from_serializable(site), figures)
    }

    /// As [`Prose::new`], with values already converted (they are shared, not copied).
    pub fn with_values(
        share_digits: u32,
        data: Value,
        site: Value,
        figures: Arc<BTreeMap<String, (String, String)>>,
    ) -> Self {
        let mut tera = Tera::new();
        crate::format::register(&mut tera, share_digits);
        register_figures(&mut tera, figures);
        tera.global_context().insert_value("data", data.clone());
        tera.global_context().insert_value("stats", data);
        tera.global_context().insert_value("site", site);
        Prose { tera }
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
        let at = Origin { file, source, text, start: Start::At { line, col } };
        self.tera.render_str(text, ctx, true).map_err(|e| Error::one(locate(&e, at)))
    }
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
        Ok(Value::safe_string(&format!("\n\n{}\n\n", lookup(&f1, &kwargs, "figure")?.0)))
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

#[cfg(test)]
mod tests {
    use super::Prose;

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
