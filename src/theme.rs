//! Theme loading and the view types templates see.
//!
//! A theme is `themes/<name>/templates/*.html` (tera 2, autoescaped) plus
//! `themes/<name>/static/`, copied to the output root. A site may override
//! any template from its own `templates/` and add files in its own
//! `static/`. Templates get dedicated view structs, never internal types, so
//! renaming internals cannot break a theme.

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::{Diagnostic, Error, Result};
use crate::markdown::TocEntry;

/// Templates every theme must provide.
pub const REQUIRED: &[&str] = &["index.html", "chapter.html"];

/// A link to a chapter.
#[derive(Debug, Clone, Serialize)]
pub struct ChapterLink {
    pub title: String,
    pub url: String,
    pub summary: String,
    /// 1-based position among the chapters.
    pub number: usize,
    pub slug: String,
}

/// The site, as templates see it (in the global context as `site`).
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    pub base_url: String,
    /// Path prefix of every URL, `/` or `/sub/path/`.
    pub base_path: String,
    pub publication: crate::config::Publication,
    pub chapters: Vec<ChapterLink>,
    pub chapter_count: usize,
    /// The chapter that documents the data (template `sources.html`), if any: linked from every page.
    pub sources: Option<ChapterLink>,
    pub datasets: Vec<DatasetLink>,
    pub generator: &'static str,
    /// Whether the site has its search page (`[build] search`).
    pub search: bool,
    /// The live-reload script's URL under `baipi serve`; `None` (null) in built sites.
    pub live_reload: Option<String>,
}

/// A dataset on the data page.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetLink {
    pub name: String,
    pub title: String,
    pub description: String,
    pub unit: String,
    pub as_of: String,
    pub source: String,
    pub csv_url: String,
    pub json_url: String,
    pub file: String,
}

/// A key figure on the cover.
#[derive(Debug, Clone, Serialize)]
pub struct KeyFigureView {
    pub label: String,
    pub value: String,
    pub unit: String,
    pub note: String,
}

/// The page being rendered (`page` in the template context).
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub title: String,
    pub summary: String,
    pub url: String,
    pub permalink: String,
    pub slug: String,
    pub number: usize,
    pub content: String,
    pub toc: Vec<TocEntry>,
    pub prev: Option<ChapterLink>,
    pub next: Option<ChapterLink>,
    pub key_figures: Vec<KeyFigureView>,
    pub data: serde_json::Value,
    pub description: String,
    /// The full-text page only: every chapter, in order.
    pub chapters: Vec<FullChapter>,
}

/// A chapter on the whole-paper page, with ids prefixed so they stay unique.
#[derive(Debug, Clone, Serialize)]
pub struct FullChapter {
    pub title: String,
    pub summary: String,
    /// Anchor of the chapter on the page.
    pub anchor: String,
    pub number: usize,
    pub content: String,
    pub toc: Vec<TocEntry>,
}

/// A loaded theme: template name → source, plus static files and chart style.
pub struct Theme {
    pub templates: Vec<(String, String, String)>,
    pub statics: BTreeMap<String, Vec<u8>>,
    pub dir: std::path::PathBuf,
    pub chart_style: crate::charts::Style,
    /// Static path → fingerprinted path (`css/site.css` → `css/site.3f2a9c1d.css`) for CSS and JS.
    pub fingerprints: BTreeMap<String, String>,
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

/// `themes/<name>/theme.toml`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeToml {
    #[serde(default)]
    charts: Option<crate::charts::Style>,
}

/// Reads `themes/<name>` and the site's own `templates/` and `static/`.
pub fn load(root: &Path, name: &str) -> Result<Theme> {
    let dir = root.join("themes").join(name);
    if !dir.is_dir() {
        let available: Vec<String> = std::fs::read_dir(root.join("themes"))
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        // Point at the `theme =` line of site.toml.
        let toml = std::fs::read_to_string(root.join(crate::config::FILE)).unwrap_or_default();
        let (line, col) = toml
            .lines()
            .enumerate()
            .find(|(_, l)| l.trim_start().starts_with("theme") && l.contains('='))
            .map(|(i, l)| (i + 1, l.find(['"', '\'']).map_or(1, |b| l[..b].chars().count() + 1)))
            .unwrap_or((0, 0));
        let mut d = Diagnostic::error(
            crate::config::FILE,
            line,
            col,
            format!("theme `{name}` not found: no folder themes/{name}/"),
        )
        .with_source(&toml);
        if let Some(n) = crate::util::text::nearest(name, available.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean `{n}`?"));
        }
        return Err(Error::one(d));
    }
    let mut sink = crate::diag::Sink::default();
    let mut templates: BTreeMap<String, (String, String)> = BTreeMap::new();
    let is_template = |p: &Path| {
        let n = p.to_string_lossy();
        n.ends_with(".html") || n.ends_with(".xml") || n.ends_with(".txt")
    };
    for base in [dir.join("templates"), root.join("templates")] {
        for f in crate::source::walk(root, &base, &is_template, &mut sink)? {
            let rel = f.path.strip_prefix(&base).unwrap_or(&f.path).to_string_lossy().replace('\\', "/");
            if let Some(text) = sink.take(crate::source::read_text(&f.real, &f.display))? {
                templates.insert(rel, (f.display, text));
            }
        }
    }
    sink.finish()?;
    for req in REQUIRED {
        if !templates.contains_key(*req) {
            return Err(Error::one(
                Diagnostic::error(
                    format!("themes/{name}/templates/{req}"),
                    0,
                    0,
                    format!("theme `{name}` has no template `{req}`, which every theme must provide"),
                )
                .with_help(format!("copy themes/default/templates/{req} into themes/{name}/templates/ and adapt it")),
            ));
        }
    }
    let mut statics = read_tree(root, &dir.join("static"), &mut sink)?;
    statics.extend(read_tree(root, &root.join("static"), &mut sink)?);
    sink.finish()?;
    let toml_path = dir.join("theme.toml");
    let toml_file = format!("themes/{name}/theme.toml");
    let chart_style = match std::fs::symlink_metadata(&toml_path) {
        Ok(_) => {
            let src = crate::source::read_text(&toml_path, &toml_file)?;
            let t: ThemeToml = toml::from_str(&src).map_err(|e| {
                let (line, col) = e.span().map(|s| crate::diag::line_col(&src, s.start)).unwrap_or((0, 0));
                Error::one(Diagnostic::error(&toml_file, line, col, e.message().trim().to_string()).with_source(&src))
            })?;
            let style = t.charts.unwrap_or_default();
            // The chart font must exist: say so at its line of theme.toml, not when the first chart is drawn.
            let root_canon = crate::source::canonical_root(root)?;
            if let Some(font) = &style.font
                && crate::source::resolve_inside(&root_canon, &dir.join(font), "").is_err()
            {
                let (line, col) = src
                    .lines()
                    .enumerate()
                    .find(|(_, l)| l.trim_start().starts_with("font") && l.contains(font.as_str()))
                    .map(|(i, l)| (i + 1, l.find(['"', '\'']).map_or(1, |b| l[..b].chars().count() + 1)))
                    .unwrap_or((0, 0));
                return Err(Error::one(
                    Diagnostic::error(
                        &toml_file,
                        line,
                        col,
                        format!("chart font `{font}` not found: no file themes/{name}/{font} inside the site folder"),
                    )
                    .with_source(&src)
                    .with_help("the path is relative to the theme folder; fix it or remove the `font` line"),
                ));
            }
            style
        }
        Err(_) => crate::charts::Style::default(),
    };
    let fingerprints = statics
        .iter()
        .filter(|(rel, _)| rel.ends_with(".css") || rel.ends_with(".js"))
        .map(|(rel, bytes)| {
            let (stem, ext) = rel.rsplit_once('.').unwrap_or((rel, ""));
            (rel.clone(), format!("{stem}.{}.{ext}", content_hash(bytes)))
        })
        .collect();
    Ok(Theme {
        templates: templates.into_iter().map(|(k, (f, t))| (k, f, t)).collect(),
        statics,
        dir,
        chart_style,
        fingerprints,
    })
}

/// All files under `dir` (relative `/` paths → bytes); empty if `dir` is missing. Links follow
/// [`crate::files`]' rules; refusals go to `sink`. Static files have no size limit (a report
/// in PDF may well be large); they are copied as they are.
pub fn read_tree(root: &Path, dir: &Path, sink: &mut crate::diag::Sink) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    for f in crate::source::walk(root, dir, &|_| true, sink)? {
        let rel = f.path.strip_prefix(dir).unwrap_or(&f.path).to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(&f.real).map_err(|err| Error::io(&f.path, err))?;
        out.insert(rel, bytes);
    }
    Ok(out)
}

/// Compiles the theme's templates with baipi's filters and `asset(path=…)`, which gives
/// the URL of a static file (fingerprinted for CSS and JS, so it can be cached for ever).
pub fn compile(theme: &Theme, share_digits: u32, base_path: &str) -> Result<tera::Tera> {
    let mut tera = tera::Tera::new();
    crate::format::register(&mut tera, share_digits);
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
    let r = tera.add_raw_templates(theme.templates.iter().map(|(name, _, text)| (name.as_str(), text.as_str())));
    if let Err(e) = r {
        return Err(Error::one(template_error(theme, &e)));
    }
    Ok(tera)
}

/// Locates a tera error in the template file it came from.
pub fn template_error(theme: &Theme, e: &tera::Error) -> Diagnostic {
    let report = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    if let Some(r) = report
        && let Some((_, file, text)) = theme.templates.iter().find(|(n, _, _)| n == r.filename())
    {
        let sp = r.span();
        let line_text = text.lines().nth(sp.start_line.saturating_sub(1)).unwrap_or("");
        let col = line_text.chars().take(sp.start_col).count() + 1;
        return Diagnostic::error(file, sp.start_line, col, r.message().trim().trim_end_matches('.').to_string())
            .with_source(text);
    }
    // Some errors carry their location only in the text (` --> name:line:col`).
    let text = e.to_string();
    if let Some((msg, name, l, c)) = crate::diag::tera::tera_report(&text)
        && let Some((_, file, src)) = theme.templates.iter().find(|(n, _, _)| *n == name)
    {
        return Diagnostic::error(file, l, c, msg).with_source(src);
    }
    // A missing parent names the child template: point at its `extends` line.
    if let Some(rest) = text.split("Template '").nth(1)
        && let Some((child, rest)) = rest.split_once('\'')
        && let Some(parent) = rest.split("inheriting from '").nth(1).and_then(|r| r.split('\'').next())
        && let Some((_, file, src)) = theme.templates.iter().find(|(n, _, _)| n == child)
    {
        let (line, col) = src
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains("extends") && l.contains(parent))
            .map(|(i, l)| (i + 1, l.find(parent).map_or(1, |b| l[..b].chars().count() + 1)))
            .unwrap_or((0, 0));
        return Diagnostic::error(
            file,
            line,
            col,
            format!("`{child}` extends `{parent}`, which is not a template of the theme or of templates/"),
        )
        .with_source(src)
        .with_help("check the name in `{% extends \"…\" %}`");
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
