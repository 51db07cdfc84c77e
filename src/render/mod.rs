//! Rendering: a loaded [`Site`] → [`Output`] (path → bytes).
//!
//! [`render_into`] is the list of steps. Everything renders into memory or, with a
//! [`Stager`], is written while rendering without taking effect; nothing is final until the
//! caller commits, so a failed build leaves the previous output exactly as it was.
//!
//! - [`context`]: what templates and prose see (`site`, `data`, `page`);
//! - [`figures`]: charts resolved, numbered and drawn; the HTML `figure()` places;
//! - [`paths`]: every output path, declared once, and the [`paths::Plan`] links are checked against;
//! - [`pass`] and [`chapter`]: every chapter (prose → Markdown → HTML) and its page, in parallel;
//! - [`links`]: images and files resolved, anchors checked;
//! - [`pages`]: cover, search, whole-paper and 404 pages;
//! - [`extras`]: assets, figure downloads, open data, sitemap, robots.txt, static files;
//! - [`text`]: descriptions, ids and white space of rendered text.

use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::charts::Figure;
use crate::content::Chapter;
use crate::diag::{Error, Result, Sink};
use crate::output::{Emitted, Emitter, Output, Stager, precompress};
use crate::prose::Prose;
use crate::search::Indexer;
use crate::site::Site;
use crate::theme::{self, SiteView, Theme};
use chapter::{ChapterEnv, RenderedChapter};
use figures::FigureHtml;
use pages::Templates;
use pass::{PassInput, Passed};
use paths::Plan;

pub mod chapter;
pub mod context;
pub mod extras;
pub mod figures;
pub mod links;
pub mod opendata;
pub mod pages;
pub mod pass;
pub mod paths;
pub mod pdf;
pub mod text;

pub use chapter::MAX_REPORTS_PER_FILE;
pub use context::site_view;
pub use paths::{FULL_PAGE_MAX_CHAPTERS, FULL_PAGE_MAX_FIGURES};

/// Renders the whole site into memory.
pub fn render(site: &Site) -> Result<Output> {
    render_into(site, None)
}

/// Time spent in each part of rendering, for `build --verbose`.
struct Laps {
    stages: Vec<(&'static str, std::time::Duration)>,
    clock: std::time::Instant,
}

impl Laps {
    fn new() -> Self {
        Laps { stages: Vec::new(), clock: std::time::Instant::now() }
    }

    fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.stages.push((name, now - self.clock));
        self.clock = now;
    }
}

/// What every step after loading the theme renders with.
struct Prepared {
    site_view: SiteView,
    theme: Option<Theme>,
    tera: Option<tera::Tera>,
    figures: Vec<Figure>,
    fig_html: Arc<FigureHtml>,
    prose: Prose,
    plan: Plan,
}

impl Prepared {
    /// The theme, figures, prose engine, plan and compiled templates. Theme and figure errors
    /// go to `sink`; template errors to `tpl_sink` (reported after the chapters', as the pages
    /// come after the chapters).
    fn new(site: &Site, sink: &mut Sink, tpl_sink: &mut Sink) -> Result<Prepared> {
        let cfg = &site.config;
        let site_view = site_view(site);
        // Converted once; tera values are shared (reference-counted) by both engines.
        let site_value = tera::Value::from_serializable(&site_view);
        let data_value = tera::Value::from_serializable(&site.data);
        // The theme first: its static files are link targets.
        let theme = sink.take(theme::load(&site.root, &cfg.theme))?;
        // A chart that failed is reported once; figure() still knows its id, so prose using it adds no noise.
        let figures = match &theme {
            Some(th) => sink.take(figures::build(site, th, &site_view.chapters))?.unwrap_or_default(),
            None => Vec::new(),
        };
        let fig_html = figures::html_map(site, &figures);
        let prose = Prose::with_values(&cfg.numbers, data_value.clone(), site_value.clone(), fig_html.clone());
        let plan = Plan::new(site, &figures, theme.as_ref());
        let tera = match &theme {
            Some(th) => tpl_sink.take(theme::compile(th, &cfg.numbers, &cfg.base_path))?,
            None => None,
        };
        let tera = tera.map(|mut tera| {
            tera.global_context().insert_value("site", site_value);
            tera.global_context().insert_value("data", data_value.clone());
            tera.global_context().insert_value("stats", data_value);
            tera
        });
        Ok(Prepared { site_view, theme, tera, figures, fig_html, prose, plan })
    }

    fn templates<'a>(&'a self, site: &'a Site) -> Option<Templates<'a>> {
        match (&self.tera, &self.theme) {
            (Some(tera), Some(theme)) => Some(Templates { tera, theme, name: &site.config.theme }),
            _ => None,
        }
    }
}

/// Renders the site; with a stager, the bulk of it (chapter pages, search index) is written
/// while rendering instead of being held in memory, and only the rest is left in `files`.
/// Nothing is final until the caller commits the stager.
pub fn render_into(site: &Site, stager: Option<&Stager>) -> Result<Output> {
    let mut laps = Laps::new();
    let (mut sink, mut tpl_sink) = (Sink::default(), Sink::default());
    let mut p = Prepared::new(site, &mut sink, &mut tpl_sink)?;
    let collisions = p.plan.collisions();
    if !collisions.is_empty() {
        sink.items.extend(collisions);
        return Err(Error::Input(sink.items));
    }
    laps.lap("setup, theme, figures");
    let edition = Edition::of(site, p.theme.as_ref());
    let all: Vec<&Chapter> = site.index.iter().chain(site.chapters.iter()).collect();
    let emitter = Emitter { stager, precompress: site.config.build.precompress };
    let search_on = p.plan.search && p.tera.is_some() && p.theme.is_some();
    let by_rel = context::chapter_urls(site);
    let env = ChapterEnv {
        prose: &p.prose,
        by_rel: &by_rel,
        plan: &p.plan,
        root: &site.root,
        root_canon: crate::source::canonical_root(&site.root)?,
        base_path: &site.config.base_path,
        search: search_on,
        // The pages need no document trees (the PDF edition renders its own, and under
        // `serve` only when it is asked for).
        tree: false,
    };
    let (pdf_bytes, pdf_warnings) =
        edition.before_pages(site, (p.theme.as_ref(), &p.figures), &mut p.tera, (&all, &env), &mut sink)?;
    laps.lap("pdf edition");
    let templates = p.templates(site);
    let input = PassInput {
        site,
        env: &env,
        links: &p.site_view.chapters,
        figures: &p.fig_html,
        templates: templates.as_ref(),
        emitter,
        keep_html: p.plan.full_page && templates.is_some(),
        // Links with an anchor (`x.md#id`) need each target's ids after the pass.
        anchored: all.par_iter().any(|c| c.body().contains(".md#")),
    };
    // The search index is built in the same pass: each chapter's text is tokenized and handed
    // on as soon as it is rendered, so no chapter's text is held until the end.
    let search_files = Mutex::new(Vec::new());
    let search_emit = |path: String, json: String| -> Result<()> {
        let e = emitter.emit(&path, json.into_bytes())?;
        search_files.lock().unwrap_or_else(PoisonError::into_inner).push((path, e));
        Ok(())
    };
    let sizes: Vec<usize> = all.iter().map(|c| c.body().len()).collect();
    let indexer = search_on.then(|| Indexer::new(&sizes, &search_emit));
    let mut passed = pass::run(&input, &all, indexer.as_ref(), &mut sink)?;
    passed.warnings.extend(pdf_warnings);
    laps.lap("chapters and pages");
    links::check_anchors(&all, &passed.rendered, &mut sink);
    sink.items.extend(tpl_sink.items);
    let (Some(th), Some(templates)) = (&p.theme, &templates) else {
        sink.items.extend(passed.warnings);
        return Err(Error::Input(sink.items));
    };
    let mut out = Output::default();
    let search = indexer.map(|ix| (ix, &search_files));
    let rendered = pages(site, &p, templates, passed, search, &mut sink, &mut out, &mut laps)?;
    edition.add(site, pdf_bytes, &mut out);
    extras::assets(&rendered, &mut out)?;
    extras::figures(&p.figures, &mut out);
    extras::open_data(site, &mut out)?;
    extras::sitemap_and_robots(site, &mut out);
    laps.lap("other files");
    extras::statics(site, th, &mut out)?;
    if site.config.build.precompress {
        precompress(&mut out);
    }
    laps.lap("statics, precompress");
    out.stages = laps.stages;
    Ok(out)
}

/// Whether and when the PDF edition is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edition {
    /// Not at all (`[pdf] enabled = false`, no template in the theme, or no typesetter).
    None,
    /// With the site (`build`, `check`): before the pages, which show its size.
    Now,
    /// When it is requested (`serve`), so that rebuilding the pages stays fast.
    Later,
}

impl Edition {
    /// `build` and `check`: every chapter's tree rendered and the paper typeset (the PDF and
    /// its warnings); the templates then see its link and size as `pdf`.
    fn before_pages(
        self,
        site: &Site,
        (theme, figures): (Option<&Theme>, &[Figure]),
        tera: &mut Option<tera::Tera>,
        (all, env): (&[&Chapter], &ChapterEnv),
        sink: &mut Sink,
    ) -> Result<(Option<Vec<u8>>, Vec<crate::diag::Diagnostic>)> {
        let mut warnings = Vec::new();
        let bytes = match (self, theme) {
            (Edition::Now, Some(th)) => typeset_edition(site, th, figures, all, env, sink, &mut warnings)?,
            _ => None,
        };
        if let Some(tera) = tera {
            let link = pdf_link(site, self, bytes.as_deref());
            tera.global_context().insert_value("pdf", tera::Value::from_serializable(&link));
        }
        Ok((bytes, warnings))
    }

    /// Adds the PDF to the output; under `serve`, its name (`serve` typesets it on request).
    fn add(self, site: &Site, bytes: Option<Vec<u8>>, out: &mut Output) {
        match (bytes, self) {
            (Some(bytes), _) => {
                out.files.insert(site.config.pdf.file.clone(), bytes);
            }
            (None, Edition::Later) => out.pdf_later = Some(site.config.pdf.file.clone()),
            _ => {}
        }
    }

    fn of(site: &Site, theme: Option<&Theme>) -> Edition {
        match theme {
            Some(th) if crate::pdf::AVAILABLE && pdf::wanted(site, th) => {
                if site.live_reload.is_some() {
                    Edition::Later
                } else {
                    Edition::Now
                }
            }
            _ => Edition::None,
        }
    }
}

/// Renders every chapter's tree and typesets the paper. None when a chapter fails (the pass
/// reports it) or Typst does (its errors go to `sink`).
fn typeset_edition(
    site: &Site,
    th: &Theme,
    figures: &[Figure],
    all: &[&Chapter],
    env: &ChapterEnv,
    sink: &mut Sink,
    warnings: &mut Vec<crate::diag::Diagnostic>,
) -> Result<Option<Vec<u8>>> {
    let tree_env = ChapterEnv { tree: true, search: false, root_canon: env.root_canon.clone(), ..*env };
    let trees: Option<Vec<pdf::TreeChapter>> = pdf::trees(all, &tree_env).into_iter().collect();
    let Some(trees) = trees else { return Ok(None) };
    let job = pdf::job(site, th, figures, trees)?;
    match pdf::typeset(&job) {
        Ok((bytes, w)) => {
            warnings.extend(w);
            Ok(Some(bytes))
        }
        Err(errors) => {
            sink.items.extend(errors);
            Ok(None)
        }
    }
}

/// What templates see as `pdf`: the edition's URL, file name and size (empty under `serve`,
/// where it is made on request), or null without one.
fn pdf_link(site: &Site, edition: Edition, bytes: Option<&[u8]>) -> serde_json::Value {
    let cfg = &site.config;
    match (edition, bytes) {
        (Edition::Now, Some(b)) | (Edition::Later, Some(b)) => serde_json::json!({
            "url": format!("{}{}", cfg.base_path, cfg.pdf.file),
            "file": cfg.pdf.file,
            "size": pdf::size_label(b.len()),
            "bytes": b.len(),
        }),
        (Edition::Later, None) => serde_json::json!({
            "url": format!("{}{}", cfg.base_path, cfg.pdf.file),
            "file": cfg.pdf.file,
            "size": "",
            "bytes": 0,
        }),
        _ => serde_json::Value::Null,
    }
}

/// The search indexer of the pass and the files it has emitted so far.
type Search<'a> = (Indexer<'a>, &'a Mutex<Vec<(String, Emitted)>>);

/// The pages after the pass: the cover, the chapters' pages (recorded), the search index and
/// page, the whole paper and the 404 page. Fails with every error found, warnings after them.
#[allow(clippy::too_many_arguments)]
fn pages(
    site: &Site,
    p: &Prepared,
    templates: &Templates,
    passed: Passed,
    search: Option<Search>,
    sink: &mut Sink,
    out: &mut Output,
    laps: &mut Laps,
) -> Result<Vec<Option<RenderedChapter>>> {
    let links = &p.site_view.chapters;
    let cover_rendered = site.index.as_ref().and_then(|_| passed.rendered.first()).and_then(Option::as_ref);
    let cover = pages::cover(site, &p.prose, links.first(), cover_rendered, sink)?;
    if let Some(page) = sink.take(templates.render("index.html", &cover))? {
        out.files.insert(paths::INDEX.into(), page);
    }
    for (path, page) in passed.pages {
        if let Some(page) = sink.take(page)? {
            out.add(path, page);
        }
    }
    laps.lap("cover");
    if let Some((ix, files)) = search {
        // A build that has already failed renders on only for its messages: the shards are
        // not written (what was staged is rolled back).
        if !sink.has_errors() {
            ix.finish()?;
        }
        for (path, file) in std::mem::take(&mut *files.lock().unwrap_or_else(PoisonError::into_inner)) {
            out.add(path, file);
        }
        out.files.insert(paths::SEARCH_PAGE.into(), templates.render("search.html", &pages::search(site, &cover))?);
    }
    laps.lap("search");
    if p.plan.full_page {
        let offset = usize::from(site.index.is_some());
        let view = pages::full(site, &cover, links, &passed.rendered[offset..]);
        out.files.insert(paths::FULL_PAGE.into(), templates.render("full.html", &view)?);
    }
    if p.plan.not_found
        && let Some(html) = sink.take(templates.render("404.html", &pages::not_found(&cover)))?
    {
        out.files.insert(paths::NOT_FOUND.into(), html);
    }
    // A template error shows up once per page that uses the template; report it once.
    let mut seen = std::collections::BTreeSet::new();
    sink.items.retain(|d| seen.insert(d.to_string()));
    if sink.has_errors() {
        let mut items = std::mem::take(&mut sink.items);
        items.extend(passed.warnings);
        return Err(Error::Input(items));
    }
    out.warnings = passed.warnings;
    Ok(passed.rendered)
}
