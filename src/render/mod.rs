//! Rendering: [`Site`] → [`Output`] (path → bytes), and writing it.
//!
//! Everything is rendered into memory first; nothing touches the output
//! folder until the whole site has rendered without error. Writing then
//! replaces only the files whose bytes changed, each through a temporary
//! file and a rename (see [`write`]), so a failed build leaves the previous
//! output exactly as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tera::Context;

use crate::charts;
use crate::content::Chapter;
use crate::diag::{self, Diagnostic, Error, Result, Sink};
use crate::markdown;
use crate::output::{Emitted, Emitter, Output, Stager, precompress};
use crate::prose::Prose;
use crate::site::Site;
use crate::theme::{self, ChapterLink, DatasetLink, KeyFigureView, PageView, SiteView};
use crate::util::path::normalize;
use crate::util::text::list;

pub mod opendata;

struct RenderedChapter {
    html: String,
    toc: Vec<markdown::TocEntry>,
    /// The first ~120 characters of the text (a description when there is no summary).
    excerpt: String,
    /// Every `id="…"` in the HTML (anchor targets), kept when the HTML itself is not.
    ids: Vec<String>,
    sections: Vec<markdown::Section>,
    /// ((line, column) in the chapter file, target chapter rel path, anchor) for anchor checks.
    anchors: Vec<((usize, usize), String, String)>,
    /// Files from content/ that the chapter references: (output path, source file).
    assets: Vec<(String, PathBuf)>,
}

/// What every chapter is rendered against.
struct ChapterEnv<'a> {
    prose: &'a Prose,
    by_rel: &'a BTreeMap<&'a str, String>,
    /// Output paths the site will have (pages, data files, static files).
    known: &'a BTreeSet<String>,
    root: &'a Path,
    /// The site root with links resolved: linked images must point inside it.
    root_canon: PathBuf,
    base_path: &'a str,
    /// False when the theme failed to load: its static files are unknown, so nothing is reported missing.
    statics_known: bool,
    /// Whether the search index is built (else the chapters' section texts are not kept): the
    /// same condition as the indexer's, so texts are never made for nothing.
    search: bool,
}

/// The whole-paper page is made for sites up to this many chapters.
pub const FULL_PAGE_MAX_CHAPTERS: usize = 300;

/// What templates see as `site`: the configuration, every chapter's link and every dataset's.
pub fn site_view(site: &Site) -> SiteView {
    let cfg = &site.config;
    let bp = &cfg.base_path;
    let links: Vec<ChapterLink> = site
        .chapters
        .iter()
        .enumerate()
        .map(|(i, c)| ChapterLink {
            title: c.front.title.clone(),
            url: format!("{bp}{}/", c.slug),
            summary: c.front.summary.clone(),
            number: i + 1,
            slug: c.slug.clone(),
        })
        .collect();
    let datasets: Vec<DatasetLink> = site
        .computed
        .iter()
        .zip(&site.datasets)
        .map(|(c, d)| DatasetLink {
            name: c.name.clone(),
            title: d.def.title.clone(),
            description: d.def.description.clone(),
            unit: d.def.unit.clone(),
            as_of: d.def.as_of.as_ref().map(|a| a.0.clone()).unwrap_or_default(),
            source: d.def.source.clone(),
            csv_url: format!("{bp}data/{}.csv", c.name),
            json_url: format!("{bp}data/{}.json", c.name),
            file: d.file.clone(),
        })
        .collect();
    SiteView {
        title: cfg.title.clone(),
        description: cfg.description.clone(),
        language: cfg.language.clone(),
        base_url: cfg.base_url.clone(),
        base_path: bp.clone(),
        publication: cfg.publication.clone(),
        chapter_count: links.len(),
        sources: site
            .chapters
            .iter()
            .zip(&links)
            .find(|(c, _)| c.front.template.as_deref() == Some("sources.html"))
            .map(|(_, l)| l.clone()),
        chapters: links,
        datasets,
        generator: concat!("baipi ", env!("CARGO_PKG_VERSION")),
        search: cfg.build.search,
        live_reload: site.live_reload.clone(),
    }
}

/// Renders the whole site into memory.
pub fn render(site: &Site) -> Result<Output> {
    render_into(site, None)
}

/// Renders the site; with a stager, the bulk of it (chapter pages, search index) is written
/// while rendering instead of being held in memory, and only the rest is left in `files`.
/// Nothing is final until the caller commits the stager.
pub fn render_into(site: &Site, stager: Option<&Stager>) -> Result<Output> {
    let mut stages = Vec::new();
    let mut clock = std::time::Instant::now();
    let mut lap = |name: &'static str| {
        let now = std::time::Instant::now();
        stages.push((name, now - clock));
        clock = now;
    };
    let cfg = &site.config;
    let bp = &cfg.base_path;
    let site_view = site_view(site);
    let links = &site_view.chapters;
    // Converted once; tera values are shared (reference-counted) by both engines.
    let site_value = tera::Value::from_serializable(&site_view);
    let data_value = tera::Value::from_serializable(&site.data);

    // Link targets: chapter file (relative to content/) → URL.
    let by_rel: BTreeMap<&str, String> = site
        .chapters
        .iter()
        .map(|c| (c.rel.as_str(), format!("{bp}{}/", c.slug)))
        .chain(site.index.iter().map(|c| (c.rel.as_str(), bp.clone())))
        .collect();

    let mut sink = Sink::default();
    // The theme first: its static files are link targets, and its errors are reported with the chapters'.
    let th = sink.take(theme::load(&site.root, &cfg.theme))?;

    // Figures: resolve every chart spec, number them across the paper, render SVG. A chart that
    // failed is reported once; figure() still knows its id, so prose using it adds no noise.
    let figures = match &th {
        Some(th) => sink.take(build_figures(site, th, links))?.unwrap_or_default(),
        None => Vec::new(),
    };
    let mut fig_html: BTreeMap<String, (String, String)> = site
        .index
        .iter()
        .chain(&site.chapters)
        .flat_map(|c| &c.front.charts)
        .map(|spec| (spec.id.value.clone(), (String::new(), String::new())))
        .collect();
    fig_html.extend(figures.iter().map(|f| {
        let html = charts::figure_html(f, bp);
        let link = format!("<a class=\"figref\" href=\"{}#fig-{}\">图{}</a>", f.page_url, f.id, f.number);
        (f.id.clone(), (html, link))
    }));
    let fig_html = std::sync::Arc::new(fig_html);
    let prose = Prose::with_values(cfg.stats.share_digits, data_value.clone(), site_value.clone(), fig_html.clone());
    // Every file the site will have, for checking images and links to files.
    let mut known: BTreeSet<String> = ["index.html", "404.html", "sitemap.xml", "robots.txt"].map(String::from).into();
    known.extend(site.chapters.iter().map(|c| format!("{}/index.html", c.slug)));
    known.extend(site.computed.iter().flat_map(|c| [format!("data/{}.csv", c.name), format!("data/{}.json", c.name)]));
    known.extend(figures.iter().flat_map(|f| [format!("figures/{}.svg", f.id), format!("figures/{}.csv", f.id)]));
    known.insert("full/index.html".to_string());
    if cfg.build.search {
        known.insert("search/index.html".to_string());
    }
    if let Some(th) = &th {
        known.extend(th.statics.keys().cloned());
        known.extend(th.fingerprints.values().cloned());
    }
    let root_canon = crate::source::canonical_root(&site.root)?;

    lap("setup, theme, figures");
    let all: Vec<&Chapter> = site.index.iter().chain(site.chapters.iter()).collect();
    let offset = usize::from(site.index.is_some());

    // Templates first: each chapter's page is rendered in the same pass as the chapter. Their
    // errors are reported after the chapters' (as the pages come after the chapters).
    let mut tpl_sink = Sink::default();
    let tera = match &th {
        Some(th) => tpl_sink.take(theme::compile(th, cfg.stats.share_digits, bp))?,
        None => None,
    };
    let tera = tera.map(|mut tera| {
        tera.global_context().insert_value("site", site_value);
        tera.global_context().insert_value("data", data_value.clone());
        tera.global_context().insert_value("stats", data_value);
        tera
    });
    let render_page = |tera: &tera::Tera, th: &theme::Theme, tpl: &str, page: &PageView| -> Result<Vec<u8>> {
        let mut ctx = Context::new();
        ctx.insert("page", page);
        if !tera.contains_template(tpl) {
            return Err(Error::one(Diagnostic::error(
                format!("themes/{}/templates/{tpl}", cfg.theme),
                0,
                0,
                format!("template `{tpl}` not found in theme `{}` or templates/", cfg.theme),
            )));
        }
        // Rendered straight into bytes (what is written): `render` would check the UTF-8 of
        // every page again. Sized for the chrome around the chapter's text.
        let body: usize = page.content.len() + page.chapters.iter().map(|c| c.content.len()).sum::<usize>();
        let mut out = Vec::with_capacity(body + body / 4 + 8192);
        tera.render_to(tpl, &ctx, &mut out).map_err(|e| Error::one(theme::template_error(th, &e)))?;
        Ok(out)
    };
    // A chapter's HTML is needed after its page only for the whole-paper page; otherwise the
    // page takes it, and large sites do not hold every chapter twice.
    let full_page = tera.as_ref().is_some_and(|t| t.contains_template("full.html"))
        && site.chapters.len() <= FULL_PAGE_MAX_CHAPTERS;
    // Links with an anchor (`x.md#id`) need each target's ids after the pass; without any (a
    // quick look at the sources), a page takes its chapter's contents list and ids are not kept.
    let anchored = all.par_iter().any(|c| c.body().contains(".md#"));
    let emitter = Emitter { stager, precompress: cfg.build.precompress };

    // The search index is built in the same pass: each chapter's text is tokenized and handed
    // on as soon as it is rendered, so no chapter's text is held until the end.
    let search_on = cfg.build.search && tera.as_ref().is_some_and(|t| t.contains_template("search.html"));
    let env = ChapterEnv {
        prose: &prose,
        by_rel: &by_rel,
        known: &known,
        root: &site.root,
        root_canon,
        base_path: bp,
        statics_known: th.is_some(),
        search: search_on,
    };
    let search_files = std::sync::Mutex::new(Vec::new());
    let search_failed = std::sync::Mutex::new(None);
    let search_emit = |path: String, json: String| -> Result<()> {
        let e = emitter.emit(&path, json.into_bytes())?;
        search_files.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((path, e));
        Ok(())
    };
    let sizes: Vec<usize> = all.iter().map(|c| c.body().len()).collect();
    let indexer = search_on.then(|| crate::search::Indexer::new(&sizes, &search_emit));

    // Chapters and their pages in parallel, in one pass: the page is rendered (and staged)
    // while the chapter is fresh, and only what later steps need is kept. Results, warnings and
    // errors are gathered in chapter order, so the output and the messages are the same on any
    // number of threads.
    /// A chapter, its warnings, its other messages, and its page (path, file).
    type Pass = (Result<RenderedChapter>, Vec<Diagnostic>, Vec<Diagnostic>, Option<(String, Result<Emitted>)>);
    let results: Vec<Pass> = all
        .par_iter()
        .enumerate()
        .map(|(k, ch)| {
            let mut w = Vec::new();
            let mut local = Sink::default();
            let mut r = render_chapter(ch, &env, &mut w, &mut local).map(|mut r| {
                // Charts declared but not placed with figure() go at the end of their chapter.
                for spec in &ch.front.charts {
                    let marker = format!("id=\"fig-{}\"", spec.id.value);
                    if !r.html.contains(&marker)
                        && let Some((html, _)) = fig_html.get(&spec.id.value)
                    {
                        r.html.push_str(html);
                        r.html.push('\n');
                    }
                }
                if anchored {
                    r.ids = html_ids(&r.html);
                }
                r
            });
            let page = match (&mut r, &tera, &th) {
                (Ok(r), Some(tera), Some(th)) if k >= offset => {
                    let i = k - offset;
                    let content = if full_page { r.html.clone() } else { std::mem::take(&mut r.html) };
                    let keep_toc = full_page || anchored;
                    let toc = if keep_toc { r.toc.clone() } else { std::mem::take(&mut r.toc) };
                    let page = PageView {
                        title: ch.front.title.clone(),
                        summary: ch.front.summary.clone(),
                        url: links[i].url.clone(),
                        permalink: cfg.absolute(&format!("{}/", ch.slug)),
                        slug: ch.slug.clone(),
                        number: i + 1,
                        content,
                        toc,
                        prev: if i > 0 { Some(links[i - 1].clone()) } else { None },
                        next: links.get(i + 1).cloned(),
                        key_figures: Vec::new(),
                        data: ch.front.data.clone().map(serde_json::Value::Object).unwrap_or_default(),
                        // The excerpt is already a description (describe("", excerpt) is itself).
                        description: if ch.front.summary.is_empty() {
                            std::mem::take(&mut r.excerpt)
                        } else {
                            ch.front.summary.clone()
                        },
                        chapters: Vec::new(),
                    };
                    let tpl = ch.front.template.as_deref().unwrap_or("chapter.html");
                    let path = format!("{}/index.html", ch.slug);
                    // A chapter with errors fails the build: its page is rendered for its
                    // messages only, not written.
                    let emitter = emitter.unless(local.has_errors());
                    let page = render_page(tera, th, tpl, &page).and_then(|html| emitter.emit(&path, html));
                    Some((path, page))
                }
                _ => None,
            };
            if let (Some(ix), Ok(r)) = (&indexer, &mut r) {
                let sections = std::mem::take(&mut r.sections);
                let url = if k < offset { bp.as_str() } else { links[k - offset].url.as_str() };
                if let Err(e) = ix.add(k, url, &ch.front.title, &sections) {
                    search_failed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert(e);
                }
            }
            (r, w, local.items, page)
        })
        .collect();
    let mut rendered: Vec<Option<RenderedChapter>> = Vec::with_capacity(results.len());
    let mut warnings = Vec::new();
    let mut pages = Vec::with_capacity(results.len());
    for (r, w, items, page) in results {
        warnings.extend(w);
        sink.items.extend(items);
        rendered.push(sink.take(r)?);
        pages.extend(page);
    }
    lap("chapters and pages");
    // Anchors must name a heading (or another element with that id) in the target chapter.
    let by_file: BTreeMap<&str, (&&Chapter, &Option<RenderedChapter>)> =
        all.iter().zip(&rendered).map(|(c, r)| (c.rel.as_str(), (c, r))).collect();
    for (ch, r) in all.iter().zip(&rendered) {
        let Some(r) = r else { continue };
        for ((line, col), target_rel, anchor) in &r.anchors {
            let target = by_file.get(target_rel.as_str()).copied();
            if let Some((tc, Some(tr))) = target
                && !tr.toc.iter().any(|t| &t.id == anchor)
                && !tr.ids.iter().any(|id| id == anchor)
            {
                let ids: Vec<&str> = tr.toc.iter().map(|t| t.id.as_str()).collect();
                let mut d = Diagnostic::error(
                    &ch.file,
                    *line,
                    *col,
                    format!("link to `{}#{anchor}`: {} has no heading with id `{anchor}`", target_rel, tc.file),
                )
                .with_source(ch.source());
                if let Some(n) = crate::util::text::nearest(anchor, ids.iter().copied()) {
                    d = d.with_help(format!("did you mean `#{n}`?"));
                } else if !ids.is_empty() {
                    d = d.with_help(format!("its headings are: {}", list(&ids, 8)));
                }
                sink.push(d);
            }
        }
    }

    // Templates.
    sink.items.extend(tpl_sink.items);
    let (Some(th), Some(tera)) = (th, tera) else {
        sink.items.extend(warnings);
        return Err(Error::Input(sink.items));
    };
    let render_page = |tpl: &str, page: &PageView| render_page(&tera, &th, tpl, page);

    let mut out = Output::default();
    // Cover.
    let mut key_figures = Vec::new();
    let mut index_view = PageView {
        title: cfg.title.clone(),
        summary: cfg.description.clone(),
        url: bp.clone(),
        permalink: cfg.absolute(""),
        slug: String::new(),
        number: 0,
        content: String::new(),
        toc: Vec::new(),
        prev: None,
        next: links.first().cloned(),
        key_figures: Vec::new(),
        data: serde_json::Value::Null,
        description: cfg.description.clone(),
        chapters: Vec::new(),
    };
    if let Some(ix) = &site.index {
        let src = ix.source();
        for kf in &ix.front.key_figures {
            let line = src.lines().position(|l| l.contains(&kf.value)).map(|i| i + 1).unwrap_or(1);
            let col = src
                .lines()
                .nth(line - 1)
                .and_then(|l| l.find(&kf.value))
                .map(|b| src.lines().nth(line - 1).unwrap_or("")[..b].chars().count() + 1)
                .unwrap_or(1);
            let ctx = page_context(ix);
            match prose.eval(&kf.value, &ctx, &ix.file, src, line, col) {
                Ok(v) => key_figures.push(KeyFigureView {
                    label: kf.label.clone(),
                    value: v,
                    unit: kf.unit.clone(),
                    note: kf.note.clone(),
                }),
                Err(e) => {
                    sink.take::<()>(Err(e))?;
                }
            }
        }
        index_view.title = ix.front.title.clone();
        index_view.key_figures = key_figures;
        index_view.data = ix.front.data.clone().map(serde_json::Value::Object).unwrap_or_default();
        if !ix.front.summary.is_empty() {
            index_view.summary = ix.front.summary.clone();
        }
        if let Some(Some(r)) = rendered.first() {
            index_view.content = r.html.clone();
            index_view.toc = r.toc.clone();
            index_view.description = describe(&index_view.summary, &r.excerpt);
        }
    }
    if let Some(page) = sink.take(render_page("index.html", &index_view))? {
        out.files.insert("index.html".into(), page);
    }
    for (path, page) in pages {
        if let Some(page) = sink.take(page)? {
            out.add(path, page);
        }
    }
    lap("cover");
    // Search: the index and its page.
    if let Some(ix) = indexer {
        if let Some(e) = search_failed.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
            return Err(e);
        }
        // A build that has already failed renders on only for its messages: the shards are
        // not written (what was staged is rolled back).
        if !sink.has_errors() {
            ix.finish()?;
        }
        for (path, file) in search_files.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
            out.add(path, file);
        }
        let mut p = index_view.clone();
        p.title = "搜索".into();
        p.url = format!("{bp}search/");
        p.permalink = cfg.absolute("search/");
        p.content = String::new();
        p.key_figures = Vec::new();
        p.description = format!("在《{}》全文中搜索。", cfg.title);
        out.files.insert("search/index.html".into(), render_page("search.html", &p)?);
    }

    lap("search");
    // The whole paper on one page, for reading offline and printing (not for huge sites).
    if full_page {
        let anchors: BTreeMap<&str, String> =
            links.iter().map(|l| (l.url.as_str(), l.slug.replace('/', "-"))).collect();
        let chapters: Vec<theme::FullChapter> = site
            .chapters
            .iter()
            .zip(&rendered[offset..])
            .zip(links)
            .filter_map(|((ch, r), l)| r.as_ref().map(|r| (ch, r, l)))
            .map(|(ch, r, l)| theme::FullChapter {
                title: ch.front.title.clone(),
                summary: ch.front.summary.clone(),
                anchor: ch.slug.replace('/', "-"),
                number: l.number,
                content: for_full_page(&r.html, &ch.slug.replace('/', "-"), &anchors),
                toc: r
                    .toc
                    .iter()
                    .map(|t| markdown::TocEntry { id: format!("{}--{}", ch.slug.replace('/', "-"), t.id), ..t.clone() })
                    .collect(),
            })
            .collect();
        let mut p = index_view.clone();
        p.title = format!("{}（全文）", cfg.title);
        p.url = format!("{bp}full/");
        p.permalink = cfg.absolute("full/");
        p.chapters = chapters;
        p.description = format!("《{}》全文单页版，便于打印和离线阅读。", cfg.title);
        out.files.insert("full/index.html".into(), render_page("full.html", &p)?);
    }

    // 404 page.
    if tera.contains_template("404.html") {
        let mut p = index_view.clone();
        p.title = "页面未找到".into();
        p.content = String::new();
        p.key_figures = Vec::new();
        if let Some(html) = sink.take(render_page("404.html", &p))? {
            out.files.insert("404.html".into(), html);
        }
    }
    // A template error shows up once per page that uses the template; report it once.
    let mut seen = BTreeSet::new();
    sink.items.retain(|d| seen.insert(d.to_string()));
    if sink.has_errors() {
        sink.items.extend(warnings);
        return Err(Error::Input(sink.items));
    }
    out.warnings = warnings;
    for r in rendered.iter().flatten() {
        for (path, from) in &r.assets {
            if !out.files.contains_key(path) {
                let bytes = std::fs::read(from).map_err(|e| Error::io(from, e))?;
                out.files.insert(path.clone(), bytes);
            }
        }
    }

    // Figures as files: SVG and CSV for download.
    let figure_files: Vec<[(String, Vec<u8>); 2]> = figures
        .par_iter()
        .map(|f| {
            [
                (format!("figures/{}.svg", f.id), charts::svg_file(f).into_bytes()),
                (format!("figures/{}.csv", f.id), charts::csv_file(f).into_bytes()),
            ]
        })
        .collect();
    out.files.extend(figure_files.into_iter().flatten());

    // Open data.
    for c in &site.computed {
        out.files.insert(format!("data/{}.csv", c.name), crate::render::opendata::csv(c).into_bytes());
        let json = serde_json::to_string_pretty(c).map_err(|e| Error::Io(e.to_string()))?;
        out.files.insert(format!("data/{}.json", c.name), (crate::util::escape::inert(json) + "\n").into_bytes());
    }

    // Sitemap and robots.
    let mut urls = vec![cfg.absolute("")];
    urls.extend(site.chapters.iter().map(|c| cfg.absolute(&format!("{}/", c.slug))));
    if out.files.contains_key("full/index.html") {
        urls.push(cfg.absolute("full/"));
    }
    out.files.insert("sitemap.xml".into(), sitemap(&urls).into_bytes());
    out.files.insert(
        "robots.txt".into(),
        format!("User-agent: *\nAllow: /\nSitemap: {}\n", cfg.absolute("sitemap.xml")).into_bytes(),
    );

    lap("other files");
    // A static file where the site generates one would be silently dropped: say so instead.
    let mut clashes = Vec::new();
    for (rel, bytes) in &th.statics {
        let name = th.fingerprints.get(rel).unwrap_or(rel);
        // A staged file (a chapter page, the search index) is never the same as a static file.
        if out.staged.contains_key(name) || out.files.get(name).is_some_and(|existing| existing != bytes) {
            let file = if site.root.join("static").join(rel).exists() {
                format!("static/{rel}")
            } else {
                format!("themes/{}/static/{rel}", cfg.theme)
            };
            clashes.push(
                Diagnostic::error(file, 0, 0, format!("the site generates /{name} itself, so this file would be lost"))
                    .with_help("rename or move the file (or the chapter whose URL it takes)"),
            );
            continue;
        }
        out.files.insert(name.clone(), bytes.clone());
    }
    if !clashes.is_empty() {
        return Err(Error::Input(clashes));
    }
    if cfg.build.precompress {
        precompress(&mut out);
    }
    lap("statics, precompress");
    out.stages = stages;
    Ok(out)
}

/// Resolves, numbers and renders every chart of the site, in chapter order.
fn build_figures(site: &Site, th: &theme::Theme, links: &[ChapterLink]) -> Result<Vec<charts::Figure>> {
    let mut sink = Sink::default();
    let style = &th.chart_style;
    let any = site.index.iter().chain(&site.chapters).any(|c| !c.front.charts.is_empty());
    if any {
        charts::register_font(&th.dir, style)?;
    }
    let mut figures: Vec<charts::Figure> = Vec::new();
    let mut resolved = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let pages = site
        .index
        .iter()
        .map(|c| (c, site.config.base_path.clone()))
        .chain(site.chapters.iter().zip(links).map(|(c, l)| (c, l.url.clone())));
    for (ch, url) in pages {
        if ch.front.charts.is_empty() {
            continue;
        }
        let src = ch.source();
        for spec in &ch.front.charts {
            let mut err = |pos: crate::source::yaml::Pos, msg: String| {
                sink.push(Diagnostic::error(&ch.file, pos.line + 1, pos.col, msg).with_source(src));
            };
            if let Some(other) = seen.get(&spec.id.value) {
                err(
                    crate::source::yaml::Pos::of(&spec.id),
                    format!("chart id `{}` is already used in {other}", spec.id.value),
                );
                continue;
            }
            seen.insert(spec.id.value.clone(), ch.file.clone());
            let Some(chart) = charts::resolve(spec, &site.computed, &mut err) else { continue };
            resolved.push((chart, url.clone()));
        }
    }
    // Drawing is the slow part: in parallel, in figure order.
    let drawn: Vec<Result<(String, String)>> = resolved
        .par_iter()
        .map(|(chart, _)| charts::render(chart, style).map(|svg| (svg, charts::summary(chart))))
        .collect();
    for ((chart, page_url), d) in resolved.into_iter().zip(drawn) {
        let Some((svg, summary)) = sink.take(d)? else { continue };
        figures.push(charts::Figure { id: chart.id.clone(), number: figures.len() + 1, page_url, chart, svg, summary });
    }
    sink.finish()?;
    Ok(figures)
}

fn page_context(ch: &Chapter) -> Context {
    let mut ctx = Context::new();
    ctx.insert(
        "page",
        &serde_json::json!({
            "title": ch.front.title,
            "slug": ch.slug,
            "summary": ch.front.summary,
            "data": ch.front.data.clone().map(serde_json::Value::Object).unwrap_or_default(),
        }),
    );
    ctx
}

/// Most errors (and, separately, warnings) reported for one chapter; the rest are counted.
pub const MAX_REPORTS_PER_FILE: usize = 200;

/// Renders one chapter's body. Broken links, missing files and stray `**` go to
/// `sink` without stopping the chapter, so that its anchors are still checked.
fn render_chapter(
    ch: &Chapter,
    env: &ChapterEnv,
    warnings: &mut Vec<Diagnostic>,
    sink: &mut Sink,
) -> Result<RenderedChapter> {
    // Locations are lines of the file: the body starts on line `body_line` of `ch.source()`.
    let body: std::borrow::Cow<str> = if Prose::has_expressions(ch.body()) {
        env.prose.eval(ch.body(), &page_context(ch), &ch.file, ch.source(), ch.body_line, 1)?.into()
    } else {
        ch.body().into()
    };
    let dir = Path::new(&ch.rel).parent().map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
    let resolve = |dest: &str| -> Option<String> {
        let (path, anchor) = dest.split_once('#').map(|(p, a)| (p, Some(a))).unwrap_or((dest, None));
        let joined = normalize(&dir, path)?;
        let url = env.by_rel.get(joined.as_str())?;
        Some(match anchor {
            Some(a) => format!("{url}#{a}"),
            None => url.clone(),
        })
    };
    let assets = std::cell::RefCell::new(Vec::new());
    let asset = |dest: &str| -> markdown::Asset { resolve_asset(dest, &dir, env, &mut assets.borrow_mut()) };
    let r = markdown::render_with(&body, &resolve, &asset);
    let mut anchors = Vec::new();
    let mut errs = Vec::new();
    // The line tables are only needed to locate a problem: made on first use.
    let same = matches!(body, std::borrow::Cow::Borrowed(_));
    let body_index = std::cell::OnceCell::new();
    let body_index = || body_index.get_or_init(|| diag::LineIndex::new(&body));
    let src_index = std::cell::OnceCell::new();
    let src_index = || src_index.get_or_init(|| diag::LineIndex::new(ch.source()));
    // Offsets are in the evaluated body; find the line there and the column in the source line.
    let at = |off: usize, needle: &str| -> (usize, usize) {
        let (l, c, evaluated, byte) = body_index().locate(off);
        let line = ch.body_line + l - 1;
        if same {
            return (line, c);
        }
        let k = evaluated[..byte].matches(needle).count();
        let original = src_index().line(line);
        match original.match_indices(needle).nth(k) {
            Some((b, _)) => (line, original[..b].chars().count() + 1),
            None => (line, c),
        }
    };
    // However broken a file, at most MAX_REPORTS_PER_FILE errors (and as many warnings) are
    // built for it; the rest are counted in one more message.
    let (mut more_errs, mut n_warn, mut more_warns) = (0usize, 0usize, 0usize);
    for (off, dest) in &r.unresolved {
        if errs.len() >= MAX_REPORTS_PER_FILE {
            more_errs += 1;
            continue;
        }
        let (l, c) = at(*off, "[");
        let mut d = Diagnostic::error(&ch.file, l, c, format!("link to `{dest}`: no such chapter in content/"))
            .with_line(src_index().line(l));
        let wanted = dest.split('#').next().unwrap_or("");
        // Suggest the nearest chapter as a path from this chapter's folder.
        let up = if dir.is_empty() { String::new() } else { "../".repeat(dir.split('/').count()) };
        let from_here: Vec<String> = env.by_rel.keys().map(|k| format!("{up}{k}")).collect();
        if let Some(n) = crate::util::text::nearest(wanted, from_here.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean `{n}`?"));
        }
        errs.push(d);
    }
    for (off, dest, image) in &r.missing {
        if errs.len() >= MAX_REPORTS_PER_FILE {
            more_errs += 1;
            continue;
        }
        let (l, c) = at(*off, if *image { "![" } else { "[" });
        let what = if *image { "image" } else { "link to file" };
        let shown = dest.split(['#', '?']).next().unwrap_or(dest);
        let looked = if let Some(abs) = shown.strip_prefix('/') {
            format!("no page or file /{abs} in the built site")
        } else if normalize(&dir, shown).is_none() {
            "it points above content/, and only files in content/ and static/ are published".to_string()
        } else {
            let mut places = vec![format!("content/{}", normalize(&dir, shown).unwrap_or_else(|| shown.to_string()))];
            if let Some(n) = normalize("", shown) {
                places.push(format!("static/{n}"));
            }
            format!("looked for {}", places.join(" and "))
        };
        errs.push(
            Diagnostic::error(&ch.file, l, c, format!("{what} `{dest}` not found: {looked}"))
                .with_line(src_index().line(l))
                .with_help("check the spelling; put the file next to the chapter in content/, or in static/"),
        );
    }
    for (off, dest, why) in &r.refused {
        if errs.len() >= MAX_REPORTS_PER_FILE {
            more_errs += 1;
            continue;
        }
        let (l, c) = at(*off, if body.get(*off..).is_some_and(|b| b.starts_with('!')) { "![" } else { "[" });
        errs.push(
            Diagnostic::error(&ch.file, l, c, format!("`{dest}`: {why}"))
                .with_line(src_index().line(l))
                .with_help("copy the file into the site folder instead of linking to it"),
        );
    }
    let mut lines_seen = BTreeSet::new();
    for (off, n) in &r.stray_asterisks {
        let needle = if *n >= 2 { "**" } else { "*" };
        // One report per line: find the line first (cheap), the column only for the first run.
        if !lines_seen.insert(body_index().locate(*off).0) {
            continue;
        }
        if *n >= 2 && errs.len() >= MAX_REPORTS_PER_FILE {
            more_errs += 1;
            continue;
        }
        if *n < 2 && n_warn >= MAX_REPORTS_PER_FILE {
            more_warns += 1;
            continue;
        }
        let (l, c) = at(*off, needle);
        if *n >= 2 {
            errs.push(
                Diagnostic::error(&ch.file, l, c, "`**` is printed literally: Markdown did not read it as bold")
                    .with_line(src_index().line(l))
                    .with_help(
                        "a closing `**` right after punctuation (：，。）) must be followed by a space or punctuation; \
                         move the punctuation outside (`**粗体**：后文`) or write `<strong>粗体：</strong>后文`",
                    ),
            );
        } else {
            n_warn += 1;
            warnings.push(
                Diagnostic::warning(&ch.file, l, c, "`*` is printed literally: Markdown did not read it as emphasis")
                    .with_line(src_index().line(l))
                    .with_help("for emphasis write `*文字*` without punctuation just inside the asterisks, or `<em>…</em>`; for a literal asterisk write `\\*`"),
            );
        }
    }
    // Collect anchors of resolved internal links by scanning the markdown again (cheap, rare).
    if body.contains(".md#") {
        for (ev, range) in pulldown_cmark::Parser::new_ext(&body, markdown::options()).into_offset_iter() {
            if let pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) = ev
                && markdown::is_internal(&dest_url)
                && let Some((p, a)) = dest_url.split_once('#')
                && let Some(rel) = normalize(&dir, p)
                && env.by_rel.contains_key(rel.as_str())
            {
                anchors.push((at(range.start, "["), rel, a.to_string()));
            }
        }
    }
    if more_errs > 0 {
        errs.push(Diagnostic::error(
            &ch.file,
            0,
            0,
            format!("{more_errs} more errors like the ones above in this file (only the first {MAX_REPORTS_PER_FILE} are listed)"),
        ));
    }
    if more_warns > 0 {
        warnings.push(Diagnostic::warning(
            &ch.file,
            0,
            0,
            format!("{more_warns} more lines with a literal `*` in this file (only the first {MAX_REPORTS_PER_FILE} are listed)"),
        ));
    }
    for d in errs {
        sink.push(d);
    }
    Ok(RenderedChapter {
        html: r.html,
        toc: r.toc,
        excerpt: describe("", &r.text),
        ids: Vec::new(),
        // For the search index (taken in the same pass): whitespace collapsed, empty sections
        // left out. Not kept at all without search.
        sections: r
            .sections
            .into_iter()
            .filter(|_| env.search)
            .map(|sec| markdown::Section {
                text: collapse_whitespace(&sec.text),
                title: sec.title.trim().to_string(),
                id: sec.id,
            })
            .filter(|sec| !sec.text.is_empty() || !sec.title.is_empty())
            .collect(),
        anchors,
        assets: assets.into_inner(),
    })
}

/// Finds the file an image or file link names. A relative path is looked up
/// next to the chapter in content/ (the file is then copied into the site),
/// then among the site's static and generated files; a path starting with `/`
/// among the site's files. Found files get a URL that works under a sub-path.
fn resolve_asset(dest: &str, dir: &str, env: &ChapterEnv, copies: &mut Vec<(String, PathBuf)>) -> markdown::Asset {
    use markdown::Asset;
    let split = dest.find(['#', '?']).unwrap_or(dest.len());
    let (path, tail) = dest.split_at(split);
    let Some(decoded) = crate::util::escape::percent_decode(path) else { return Asset::Missing };
    let known = |p: &str| {
        env.known.contains(p)
            || env.known.contains(&format!("{p}index.html"))
            || env.known.contains(&format!("{p}/index.html"))
    };
    if let Some(abs) = decoded.strip_prefix('/') {
        return match normalize("", abs) {
            Some(p) if known(&p) || (p.is_empty() && abs.is_empty()) => {
                Asset::Rewrite(format!("{}{}{tail}", env.base_path, path.trim_start_matches('/')))
            }
            _ if !env.statics_known => Asset::Keep,
            _ => Asset::Missing,
        };
    }
    if let Some(rel) = normalize(dir, &decoded) {
        let file = env.root.join("content").join(&rel);
        if !rel.is_empty() && std::fs::symlink_metadata(&file).is_ok() && !file.is_dir() && !rel.ends_with(".md") {
            // A link (or a folder link on the way) must lead to a regular file inside the site.
            let real = match crate::source::resolve_inside(&env.root_canon, &file, "") {
                Ok(real) => real,
                Err(Error::Input(ds)) => return Asset::Refused(ds.into_iter().map(|d| d.message).collect()),
                Err(e) => return Asset::Refused(e.to_string()),
            };
            let url = if dir.is_empty() { path.to_string() } else { format!("{dir}/{path}") };
            let url = normalize("", &url).unwrap_or(url);
            copies.push((rel, real));
            return Asset::Rewrite(format!("{}{url}{tail}", env.base_path));
        }
    }
    match normalize("", &decoded) {
        Some(p) if !p.is_empty() && known(&p) => Asset::Rewrite(format!("{}{p}{tail}", env.base_path)),
        _ if !env.statics_known => Asset::Keep,
        _ => Asset::Missing,
    }
}

/// Rewrites a chapter's HTML for the whole-paper page: ids get the chapter's prefix
/// (so two chapters' `#概况` stay distinct), links to chapters become in-page anchors,
/// and data tables of figures are open (a closed `<details>` would not print).
fn for_full_page(html: &str, prefix: &str, links: &BTreeMap<&str, String>) -> String {
    // One pass over the attributes (a replace per chapter link would make the page N²).
    let mut s = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(i) = rest.find(['i', 'h']) {
        let (head, tail) = rest.split_at(i);
        s.push_str(head);
        if let Some(after) = tail.strip_prefix("id=\"") {
            s.push_str("id=\"");
            if !after.starts_with("fig-") {
                s.push_str(prefix);
                s.push_str("--");
            }
            rest = after;
        } else if let Some(after) = tail.strip_prefix("href=\"") {
            s.push_str("href=\"");
            let end = after.find('"').unwrap_or(after.len());
            let target = &after[..end];
            let (path, frag) = target.split_once('#').map(|(p, f)| (p, Some(f))).unwrap_or((target, None));
            match (path, frag) {
                ("", Some(f)) if f.starts_with("fig-") => s.push_str(target),
                ("", Some(f)) => s.push_str(&format!("#{prefix}--{f}")),
                (p, f) => match (links.get(p), f) {
                    (Some(_), Some(f)) if f.starts_with("fig-") => s.push_str(&format!("#{f}")),
                    (Some(a), Some(f)) => s.push_str(&format!("#{a}--{f}")),
                    (Some(a), None) => s.push_str(&format!("#{a}")),
                    (None, _) => s.push_str(target),
                },
            }
            rest = &after[end..];
        } else {
            let c = tail.chars().next().map(char::len_utf8).unwrap_or(1);
            s.push_str(&tail[..c]);
            rest = &tail[c..];
        }
    }
    s.push_str(rest);
    // One level down: the chapter title is the page's h2.
    for (from, to) in [("h5", "h6"), ("h4", "h5"), ("h3", "h4"), ("h2", "h3")] {
        s = s.replace(&format!("<{from}"), &format!("<{to}")).replace(&format!("</{from}>"), &format!("</{to}>"));
    }
    s.replace("<details class=\"chart-data\">", "<details class=\"chart-data\" open>")
}

/// A page description: the summary, or the first ~120 characters of text.
fn describe(summary: &str, text: &str) -> String {
    if !summary.is_empty() {
        return summary.to_string();
    }
    // The words of `text` joined by single spaces, cut at 120 characters. (Chinese text has few
    // spaces: splitting it into words first would scan a whole paragraph for the first one.)
    let mut s = String::with_capacity(3 * 120 + 3);
    let mut n = 0;
    let mut gap = false;
    for c in text.chars() {
        if is_space(c) {
            gap = !s.is_empty();
            continue;
        }
        if gap {
            if n == 120 {
                s.push('…');
                return s;
            }
            s.push(' ');
            n += 1;
            gap = false;
        }
        if n == 120 {
            s.push('…');
            return s;
        }
        s.push(c);
        n += 1;
    }
    s
}

/// `char::is_whitespace`, answered without the Unicode tables for CJK text (no character
/// above U+3000 is white space).
fn is_space(c: char) -> bool {
    match c as u32 {
        0..=0x7F => matches!(c, ' ' | '\t'..='\r'),
        0x3001.. => false,
        _ => c.is_whitespace(),
    }
}

/// The values of the `id="…"` attributes in `html`.
fn html_ids(html: &str) -> Vec<String> {
    html.match_indices("id=\"")
        .filter_map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .collect()
}

/// Runs of whitespace as one space, without leading or trailing space.
fn collapse_whitespace(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // White space is ASCII or starts with one of four lead bytes: the scan stops only at those
    // bytes, and copies the text between white space whole. `run` is where the current text began.
    let mut run = 0;
    let mut i = 0;
    const STOP: [bool; 256] = {
        let mut t = [false; 256];
        let mut k = 0;
        while k < 256 {
            t[k] = matches!(k as u8, b' ' | b'\t'..=b'\r' | 0xC2 | 0xE1..=0xE3);
            k += 1;
        }
        t
    };
    while let Some(p) = b[i..].iter().position(|&x| STOP[usize::from(x)]) {
        let j = i + p;
        let len = match b[j] {
            0x80.. => text[j..].chars().next().filter(|c| c.is_whitespace()).map_or(0, char::len_utf8),
            _ => 1,
        };
        if len == 0 {
            i = j + 1;
            continue;
        }
        if j > run {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&text[run..j]);
        }
        run = j + len;
        i = run;
    }
    if b.len() > run {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&text[run..]);
    }
    out
}

fn sitemap(urls: &[String]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for u in urls {
        s.push_str(&format!("  <url><loc>{}</loc></url>\n", crate::util::escape::html(u)));
    }
    s.push_str("</urlset>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast whitespace handling agrees with `split_whitespace`, the definition.
    #[test]
    fn describe_and_collapse_match_split_whitespace() {
        let long = "统计".repeat(80);
        let texts = [
            "",
            "   ",
            "  一、概述\n\n从结构上看，  增长 2.7%。\t\r\n ",
            "a\u{3000}b\u{a0}c\u{2028}d\u{85}e\u{feff}f",
            long.as_str(),
            &format!("{} {}", "字".repeat(119), "尾"),
            &format!("{} {}", "字".repeat(120), "尾"),
            &format!("{}  ", "字".repeat(120)),
        ];
        for t in texts {
            let words: Vec<&str> = t.split_whitespace().collect();
            let joined = words.join(" ");
            assert_eq!(collapse_whitespace(t), joined, "{t:?}");
            let want: String = if joined.chars().count() > 120 {
                joined.chars().take(120).chain(['…']).collect()
            } else {
                joined.clone()
            };
            assert_eq!(describe("", t), want, "{t:?}");
            // An excerpt is used as the description as it is.
            assert_eq!(describe("", &want), want, "{t:?}");
        }
        assert_eq!(describe("摘要", "正文"), "摘要");
    }

    #[test]
    fn finds_ids_in_html() {
        let html = "<h2 id=\"一-概况\">概况</h2><figure id=\"fig-c1\"><span data-id=\"x\">";
        assert_eq!(html_ids(html), ["一-概况", "fig-c1", "x"]);
    }
}
