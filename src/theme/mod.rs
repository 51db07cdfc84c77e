//! Themes: loading them, compiling their templates, and the view types templates see.
//!
//! A theme is `themes/<name>/templates/*.html` (tera 2, autoescaped) plus
//! `themes/<name>/static/`, copied to the output root. A site may override
//! any template from its own `templates/` and add files in its own
//! `static/`. Templates get dedicated view structs ([`views`]), never internal types, so
//! renaming internals cannot break a theme.
//!
//! Takes the site root and the theme's name ([`load()`] reads the files into a [`Theme`]);
//! produces a compiled `tera::Tera` with baipi's filters and `asset()` ([`compile`]), and
//! located diagnostics for template errors ([`template_error`], through the shared mapper of
//! [`crate::diag::tera`]).

use std::collections::BTreeMap;

use crate::diag::tera::{Origin, Start, Wording};
use crate::diag::{Diagnostic, Error, Result};

mod load;
pub mod views;

pub use load::{load, read_tree};
pub use views::{ChapterLink, DatasetLink, FullChapter, KeyFigureView, PageView, SiteView};

/// Templates every theme must provide.
pub const REQUIRED: &[&str] = &["index.html", "chapter.html"];

/// One template: its name as templates refer to it (`chapter.html`), the file it came from
/// (the theme's, or the site's `templates/` override) and its text.
#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    pub file: String,
    pub text: String,
}

/// A loaded theme: template name → source, plus static files and chart style.
pub struct Theme {
    /// (template name, file as reported, text), sorted by name.
    pub templates: Vec<Template>,
    pub statics: BTreeMap<String, Vec<u8>>,
    pub dir: std::path::PathBuf,
    pub chart_style: crate::charts::Style,
    /// Static path → fingerprinted path (`css/site.css` → `css/site.3f2a9c1d.css`) for CSS and JS.
    pub fingerprints: BTreeMap<String, String>,
    /// The PDF edition's template, files and fonts.
    pub pdf: PdfTheme,
}

/// The PDF edition's part of a theme.
pub struct PdfTheme {
    /// The main template's name in `files` (`paper.typ`).
    pub main: String,
    /// `pdf/` of the theme with the site's `templates/pdf/` over it: name → (file as reported, bytes).
    pub files: BTreeMap<String, (String, Vec<u8>)>,
    /// Font files (as reported, where they are), read when the PDF is made.
    pub fonts: Vec<(String, std::path::PathBuf)>,
}

/// FNV-1a 64: a stable content hash for fingerprinted file names.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", (h >> 32) as u32 ^ h as u32)
}

/// Templates' autoescape: tera's HTML escaping, after a control character (which no XML file
/// may hold, and which HTML calls a parse error) has become U+FFFD.
fn escape(input: &str, buf: &mut dyn std::io::Write) -> std::io::Result<()> {
    tera::escape_html(&crate::util::escape::xml_text(input), buf)
}

/// Compiles the theme's templates with baipi's filters and `asset(path=…)`, which gives
/// the URL of a static file (fingerprinted for CSS and JS, so it can be cached for ever).
pub fn compile(theme: &Theme, fmt: &crate::format::NumberFormat, base_path: &str) -> Result<tera::Tera> {
    let mut tera = tera::Tera::new();
    crate::format::register(&mut tera, fmt);
    let fp = theme.fingerprints.clone();
    let statics: Vec<String> = theme.statics.keys().cloned().collect();
    let bp = base_path.to_string();
    tera.register_function("asset", move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
        let path: String = kwargs.must_get::<String>("path")?;
        let path = path.trim_start_matches('/');
        match fp.get(path) {
            Some(f) => Ok(format!("{bp}{f}")),
            None if statics.iter().any(|s| s == path) => Ok(format!("{bp}{path}")),
            None => Err(tera::Error::message(format!("asset: no static file `{path}` in the theme or static/"))),
        }
    });
    tera.autoescape_on([".html", ".xml"]);
    tera.set_escape_fn(escape);
    let r = tera.add_raw_templates(theme.templates.iter().map(|t| (t.name.as_str(), t.text.as_str())));
    if let Err(e) = r {
        return Err(Error::one(template_error(theme, &e)));
    }
    Ok(tera)
}

/// How template errors are worded: tera's message, trimmed; no hints.
const WORDING: Wording =
    Wording { spanned: |m| m.trim().trim_end_matches('.').to_string(), unspanned: |m| m.to_string(), hint: |_| None };

/// Locates a tera error in the template file it came from.
pub fn template_error(theme: &Theme, e: &tera::Error) -> Diagnostic {
    let origin = |name: &str| {
        let Template { file, text, .. } = theme.templates.iter().find(|t| t.name == name)?;
        Some(Origin { file, source: text, text, start: Start::File })
    };
    if let Some(d) = crate::diag::tera::locate(e, origin, &WORDING) {
        return d;
    }
    let text = e.to_string();
    if let Some(d) = missing_parent(theme, &text) {
        return d;
    }
    // Errors without a span (circular extends …) still say which theme.
    let mut msg = text;
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(&format!(": {s}"));
        src = s.source();
    }
    Diagnostic::error("templates", 0, 0, msg)
}

/// A missing parent names the child template (`Template 'c' … inheriting from 'p'`): the
/// error at the child's `extends` line.
fn missing_parent(theme: &Theme, text: &str) -> Option<Diagnostic> {
    let rest = text.split("Template '").nth(1)?;
    let (child, rest) = rest.split_once('\'')?;
    let parent = rest.split("inheriting from '").nth(1).and_then(|r| r.split('\'').next())?;
    let Template { file, text: src, .. } = theme.templates.iter().find(|t| t.name == child)?;
    let (line, col) = find_line(src, |l| l.contains("extends") && l.contains(parent), |l| l.find(parent));
    Some(
        Diagnostic::error(
            file,
            line,
            col,
            format!("`{child}` extends `{parent}`, which is not a template of the theme or of templates/"),
        )
        .with_source(src)
        .with_help("check the name in `{% extends \"…\" %}`"),
    )
}

/// The 1-based line of the first line of `src` that `is_it`, and the column of the byte offset
/// `col` finds in it (1 when none); (0, 0) when no line is.
fn find_line(src: &str, is_it: impl Fn(&str) -> bool, col: impl Fn(&str) -> Option<usize>) -> (usize, usize) {
    src.lines()
        .enumerate()
        .find(|(_, l)| is_it(l))
        .map(|(i, l)| (i + 1, col(l).map_or(1, |b| l[..b].chars().count() + 1)))
        .unwrap_or((0, 0))
}
