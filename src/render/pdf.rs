//! The PDF edition's input: every chapter's document tree, its links made internal, its images
//! and the charts' SVG as the build's own files, the paper's metadata — one [`Job`] for
//! [`crate::pdf`], which typesets it with the theme's template.
//!
//! The tree is data (JSON read by the template with `json(…)`), never Typst markup. Links to
//! chapters, headings and figures become labels inside the PDF (`ch:SLUG`, `ch:SLUG:ID`,
//! `fig-ID`); other links keep their URL (a link to a file of the site gets the site's
//! absolute URL, or none when `base_url` is only a path).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value, json};

use super::chapter::{self, Asset, ChapterEnv};
use crate::charts::Figure;
use crate::content::Chapter;
use crate::diag::{Diagnostic, Result, Sink};
use crate::markdown::tree::{Block, Inline, for_each_block, for_each_inline};
use crate::pdf::{Job, JobFile};
use crate::site::Site;
use crate::theme::Theme;

/// The main template's virtual path, and the document tree's.
const MAIN: &str = "/paper.typ";
pub const DOCUMENT: &str = "/baipi/paper.json";

/// The PDF edition is made for sites up to this many chapters (as the whole-paper page).
pub const MAX_CHAPTERS: usize = super::paths::FULL_PAGE_MAX_CHAPTERS;

/// Whether the site gets a PDF edition: `[pdf] enabled`, the theme has the template, and the
/// site has at most [`MAX_CHAPTERS`] chapters.
pub fn wanted(site: &Site, theme: &Theme) -> bool {
    site.config.pdf.enabled && theme.pdf.files.contains_key(&theme.pdf.main) && site.chapters.len() <= MAX_CHAPTERS
}

/// A chapter as the PDF needs it: its tree and the files it copies.
pub struct TreeChapter<'a> {
    pub chapter: &'a Chapter,
    pub tree: Vec<Block>,
    pub assets: Vec<Asset>,
}

/// Every chapter's tree (the cover chapter's first, when there is one), rendered again with
/// the tree on. A chapter that fails is left out: the pass reports its errors.
pub fn trees<'a>(all: &[&'a Chapter], env: &ChapterEnv) -> Vec<Option<TreeChapter<'a>>> {
    all.par_iter()
        .map(|ch| {
            let (mut warnings, mut sink) = (Vec::new(), Sink::default());
            let r = chapter::render(ch, env, &mut warnings, &mut sink).ok().filter(|_| !sink.has_errors())?;
            Some(TreeChapter { chapter: ch, tree: r.tree.unwrap_or_default(), assets: r.assets })
        })
        .collect()
}

/// The figures a chapter shows that its prose did not place: at its end, as on its page.
pub fn add_unplaced(ch: &Chapter, tree: &mut Vec<Block>, figures: &[Figure]) {
    let mut placed = BTreeSet::new();
    collect_figures(tree, &mut placed);
    for spec in &ch.front.charts {
        if !placed.contains(&spec.id.value) && figures.iter().any(|f| f.id == spec.id.value) {
            tree.push(Block::Figure { id: spec.id.value.clone() });
        }
    }
}

fn collect_figures(blocks: &mut [Block], out: &mut BTreeSet<String>) {
    for_each_block(blocks, &mut |b| {
        if let Block::Figure { id } = b {
            out.insert(id.clone());
        }
    });
    for_each_inline(blocks, &mut |i| {
        if let Inline::Figure { id } = i {
            out.insert(id.clone());
        }
    });
}

/// The job: template files, fonts, the document and its files.
pub fn job(site: &Site, theme: &Theme, figures: &[Figure], chapters: Vec<TreeChapter>) -> Result<Job> {
    let cfg = &site.config;
    let mut files: BTreeMap<String, JobFile> = theme
        .pdf
        .files
        .iter()
        .map(|(rel, (display, bytes))| (format!("/{rel}"), file(display, bytes.clone())))
        .collect();
    let mut fonts = Vec::new();
    for (display, path) in &theme.pdf.fonts {
        fonts.push(JobFile { display: display.clone(), bytes: Arc::new(crate::source::read_limited(path, display)?) });
    }
    let mut chapters = chapters;
    let mut tables = 0;
    for tc in &mut chapters {
        add_unplaced(tc.chapter, &mut tc.tree, figures);
        number_tables(&tc.chapter.front.title, &mut tc.tree, &mut tables);
    }
    let links = Links::new(site, labels(&mut chapters, figures), &theme.statics);
    let mut intro = Vec::new();
    let mut chs = Vec::new();
    let mut bad_images = Vec::new();
    for mut tc in chapters {
        bad_images.extend(links.apply(tc.chapter, &mut tc.tree, &tc.assets, &mut files));
        if tc.chapter.is_index {
            intro = tc.tree;
            continue;
        }
        chs.push(json!({
            "slug": tc.chapter.slug,
            "title": tc.chapter.front.title,
            "summary": tc.chapter.front.summary,
            "appendix": tc.chapter.front.appendix,
            "file": tc.chapter.file,
            "blocks": tc.tree,
        }));
    }
    if !bad_images.is_empty() {
        return Err(crate::diag::Error::Input(bad_images));
    }
    let mut figs = serde_json::Map::new();
    for f in figures {
        let svg = format!("/baipi/figures/{}.svg", f.id);
        files.insert(
            svg.clone(),
            file(&format!("figure `{}`", f.id), printable_svg(crate::charts::svg_file(f)).into_bytes()),
        );
        figs.insert(f.id.clone(), figure_json(f, &svg));
    }
    let doc = json!({
        "title": cfg.title,
        "description": cfg.description,
        "language": cfg.language,
        "publication": cfg.publication,
        "date": date_json(&cfg.publication.date),
        "keywords": keywords(site),
        "url": cfg.absolute(""),
        "pdf": cfg.pdf.file,
        "generator": concat!("baipi ", env!("CARGO_PKG_VERSION")),
        "intro": intro,
        "chapters": chs,
        "figures": figs,
    });
    let mut doc = doc;
    printable(&mut doc);
    let json = serde_json::to_vec(&doc).map_err(|e| crate::diag::Error::Io(format!("PDF document: {e}")))?;
    files.insert(DOCUMENT.into(), file("the PDF document tree", json));
    let main = format!("/{}", theme.pdf.main.trim_start_matches('/'));
    let ident = format!("baipi:{}:{}", cfg.title, cfg.pdf.file);
    Ok(Job { main: if files.contains_key(&main) { main } else { MAIN.into() }, files, fonts, ident })
}

/// Every string of the document as the PDF prints it (`util::escape::pdf_text`).
fn printable(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(clean) = crate::util::escape::pdf_text(s) {
                *s = clean;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(printable),
        Value::Object(o) => o.values_mut().for_each(printable),
        _ => {}
    }
}

/// A chart's SVG as the PDF prints it: its text too (the SVG's U+FFFD → □).
fn printable_svg(svg: String) -> String {
    match crate::util::escape::pdf_text(&svg) {
        std::borrow::Cow::Owned(clean) => clean,
        std::borrow::Cow::Borrowed(_) => svg,
    }
}

/// Numbers the tables across the paper (表1, 表2 …), each captioned with the heading it stands
/// under (the chapter's title before its first heading): Markdown tables have no caption. A
/// data table (`table()`) keeps its own.
fn number_tables(chapter_title: &str, tree: &mut [Block], n: &mut usize) {
    let mut under = chapter_title.to_string();
    // Tables in lists, quotes and footnotes too, in reading order.
    for_each_block(tree, &mut |b| match b {
        Block::Heading { c, .. } => under = crate::markdown::tree::plain(c),
        Block::Table { number, caption, .. } => {
            *n += 1;
            *number = *n;
            if caption.is_empty() {
                caption.clone_from(&under);
            }
        }
        _ => {}
    });
}

fn file(display: &str, bytes: Vec<u8>) -> JobFile {
    JobFile { display: display.to_string(), bytes: Arc::new(bytes) }
}

/// A figure as the template sees it.
fn figure_json(f: &Figure, svg: &str) -> Value {
    let c = &f.chart;
    let mut meta = Vec::new();
    if let Some(d) = crate::format::date_zh(&c.as_of) {
        meta.push(format!("数据时点：{d}"));
    }
    if !c.source.is_empty() {
        meta.push(format!("资料来源：{}", c.source));
    }
    if !c.note.is_empty() {
        meta.push(c.note.clone());
    }
    json!({
        "number": f.number,
        "title": c.title,
        "subtitle": c.subtitle,
        "summary": f.summary,
        "meta": meta,
        "svg": svg,
    })
}

/// `2021-08-15` → year, month, day and `2021年8月15日` (what the template may show).
fn date_json(iso: &str) -> Value {
    let parts: Vec<u32> = iso.split('-').filter_map(|p| p.parse().ok()).collect();
    json!({
        "iso": iso,
        "zh": crate::format::date_zh(iso).unwrap_or_default(),
        "year": parts.first(),
        "month": parts.get(1),
        "day": parts.get(2),
    })
}

/// `[pdf] keywords`, else the chapters' titles.
fn keywords(site: &Site) -> Vec<String> {
    let kw = &site.config.pdf.keywords;
    if !kw.is_empty() {
        return kw.clone();
    }
    site.chapters.iter().filter(|c| !c.front.appendix).map(|c| c.front.title.clone()).collect()
}

/// Every label the template puts in the PDF: `cover`, each chapter's, heading's and figure's.
fn labels(chapters: &mut [TreeChapter], figures: &[Figure]) -> BTreeSet<String> {
    let mut out = BTreeSet::from(["cover".to_string()]);
    let mut figs = BTreeSet::new();
    for tc in chapters.iter_mut() {
        let slug = if tc.chapter.is_index { "" } else { tc.chapter.slug.as_str() };
        if !tc.chapter.is_index {
            out.insert(format!("ch:{slug}"));
        }
        for_each_block(&mut tc.tree, &mut |b| {
            if let Block::Heading { id, .. } = b {
                out.insert(format!("ch:{slug}:{id}"));
            }
        });
        collect_figures(&mut tc.tree, &mut figs);
    }
    // Only the charts the site drew are placed (the template skips any other figure id, e.g.
    // one from a chapter's own raw HTML).
    out.extend(figs.into_iter().filter(|id| figures.iter().any(|f| &f.id == id)).map(|id| format!("fig-{id}")));
    out
}

/// Site URLs → labels in the PDF.
struct Links<'a> {
    site: &'a Site,
    /// Chapter URL (`/overview/`) → slug; the cover's URL → empty.
    by_url: BTreeMap<String, String>,
    /// The labels that exist (a link to any other is printed as its text).
    labels: BTreeSet<String>,
    /// The static files (the theme's and the site's `static/`), for images placed from there.
    statics: &'a BTreeMap<String, Vec<u8>>,
}

impl<'a> Links<'a> {
    fn new(site: &'a Site, labels: BTreeSet<String>, statics: &'a BTreeMap<String, Vec<u8>>) -> Self {
        let bp = &site.config.base_path;
        let mut by_url: BTreeMap<String, String> =
            site.chapters.iter().map(|c| (super::paths::chapter_url(bp, &c.slug), c.slug.clone())).collect();
        by_url.insert(bp.clone(), String::new());
        Links { site, by_url, labels, statics }
    }

    /// Makes the links of `ch`'s tree internal where they can be, its headings' ids labels, and
    /// its images the build's files; the images Typst cannot decode, located in the chapter.
    fn apply(
        &self,
        ch: &Chapter,
        tree: &mut [Block],
        assets: &[Asset],
        files: &mut BTreeMap<String, JobFile>,
    ) -> Vec<Diagnostic> {
        let mut bad = Vec::new();
        for_each_inline(tree, &mut |i| match i {
            Inline::Link { url, label, .. } => {
                if label.is_none() {
                    (*label, *url) = self.target(ch, url);
                }
                if label.as_ref().is_some_and(|l| !self.labels.contains(l)) {
                    *label = None;
                }
            }
            Inline::Image { src, .. } => match self.image(ch, src, assets, files) {
                Ok(path) => *src = path,
                Err(d) => bad.push(*d),
            },
            _ => {}
        });
        bad
    }

    /// A link's label inside the PDF, or its URL outside it.
    fn target(&self, ch: &Chapter, url: &str) -> (Option<String>, String) {
        let (path, anchor) = url.split_once('#').unwrap_or((url, ""));
        let here = if ch.is_index { String::new() } else { ch.slug.clone() };
        let slug = if path.is_empty() { Some(&here) } else { self.by_url.get(path) };
        if let Some(slug) = slug {
            let label = match (anchor, slug.as_str()) {
                (a, _) if a.starts_with("fig-") => a.to_string(),
                ("", "") => "cover".to_string(),
                ("", s) => format!("ch:{s}"),
                (a, s) => format!("ch:{s}:{a}"),
            };
            return (Some(label), String::new());
        }
        let external = ["http://", "https://", "mailto:"].iter().any(|p| url.starts_with(p));
        let bp = &self.site.config.base_path;
        match url.strip_prefix(bp.as_str()) {
            _ if external => (None, url.to_string()),
            Some(rest) => (None, self.site.config.absolute(rest)),
            None => (None, String::new()),
        }
    }

    /// An image's file in the job (`/baipi/images/PATH`), or empty when the PDF cannot show it
    /// (an image on another site, a format Typst does not read): the template prints its text.
    /// A file that starts as its kind does but that Typst cannot decode is an error at the line
    /// of the chapter that shows it (not at the template's `image()`).
    fn image(
        &self,
        ch: &Chapter,
        src: &str,
        assets: &[Asset],
        files: &mut BTreeMap<String, JobFile>,
    ) -> std::result::Result<String, Box<Diagnostic>> {
        let rel = src.strip_prefix(self.site.config.base_path.as_str()).unwrap_or(src);
        let known = ["png", "jpg", "jpeg", "gif", "svg", "webp"];
        let ext = rel.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        if !known.contains(&ext.as_str()) {
            return Ok(String::new());
        }
        // An image next to the chapter, or one of the static files (`/images/logo.png`).
        let bytes = match assets.iter().find(|a| a.path == rel) {
            Some(asset) => crate::source::read_limited(&asset.from, &ch.file).ok(),
            None => self.statics.get(rel).cloned(),
        };
        let Some(bytes) = bytes else { return Ok(String::new()) };
        // What is not an image of its kind (a placeholder file) is printed as its text.
        if !looks_like(&ext, &bytes) {
            return Ok(String::new());
        }
        let bytes = Arc::new(bytes);
        if let Err(why) = crate::pdf::check_image(&ext, &bytes) {
            return Err(Box::new(image_error(ch, rel, &why)));
        }
        let path = format!("/baipi/images/{rel}");
        files.insert(path.clone(), JobFile { display: format!("{} (image {rel})", ch.file), bytes });
        Ok(path)
    }
}

/// An image of `ch` that Typst cannot decode, at the first line of the chapter that names its
/// file (the chapter itself when none does, e.g. a path built by an expression).
fn image_error(ch: &Chapter, rel: &str, why: &str) -> Diagnostic {
    let name = crate::markdown::tree::file_name(rel);
    let body = ch.body();
    let found = body.lines().enumerate().find_map(|(n, l)| l.find(name.as_str()).map(|b| (n, l, b)));
    let message = format!("image `{rel}` cannot be typeset in the PDF edition: {why}");
    let help = "the file is damaged or is not the kind its name says: open it in an image editor and save it again as PNG, JPEG or SVG";
    match found {
        Some((n, line, byte)) => {
            Diagnostic::error(&ch.file, ch.body_line + n, line[..byte].chars().count() + 1, message)
                .with_snippet(line, byte)
        }
        None => Diagnostic::error(&ch.file, 0, 0, message),
    }
    .with_help(help)
}

/// Whether `bytes` start as a file of type `ext` does (so Typst can decode it).
fn looks_like(ext: &str, bytes: &[u8]) -> bool {
    match ext {
        // The smallest valid files of each kind are this long.
        "png" => bytes.len() >= 67 && bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => bytes.len() >= 125 && bytes.starts_with(b"\xFF\xD8\xFF"),
        "gif" => bytes.len() >= 26 && bytes.starts_with(b"GIF8"),
        "webp" => bytes.len() > 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP",
        "svg" => bytes.windows(4).any(|w| w == b"<svg"),
        _ => false,
    }
}

/// Typesets the job: the PDF and its warnings; errors as diagnostics.
#[cfg(feature = "pdf")]
pub fn typeset(job: &Job) -> std::result::Result<(Vec<u8>, Vec<Diagnostic>), Vec<Diagnostic>> {
    crate::pdf::compile(job)
}

/// Without the feature there is no typesetter.
#[cfg(not(feature = "pdf"))]
pub fn typeset(_: &Job) -> std::result::Result<(Vec<u8>, Vec<Diagnostic>), Vec<Diagnostic>> {
    Ok((Vec::new(), Vec::new()))
}

/// `1.2 MB`, `850 KB`: a download's size as a link shows it.
pub fn size_label(bytes: usize) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    } else {
        format!("{} KB", bytes.div_ceil(1000).max(1))
    }
}
