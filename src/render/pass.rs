//! The chapter pass: every chapter and its page in parallel, in one pass.
//!
//! A chapter's page is rendered (and staged) while the chapter is fresh, and its text is
//! tokenized into the search index at the same time, so that only what later steps need is
//! kept. Results, warnings and errors are gathered in chapter order, so the output and the
//! messages are the same on any number of threads.

use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use super::chapter::{self, ChapterEnv, RenderedChapter};
use super::figures::FigureHtml;
use super::pages::Templates;
use super::paths;
use super::text::html_ids;
use crate::content::Chapter;
use crate::diag::{Diagnostic, Result, Sink};
use crate::output::{Emitted, Emitter};
use crate::search::Indexer;
use crate::site::Site;
use crate::theme::{ChapterLink, PageView};

/// What the pass is given besides the chapters.
pub struct PassInput<'a> {
    pub site: &'a Site,
    pub env: &'a ChapterEnv<'a>,
    pub links: &'a [ChapterLink],
    pub figures: &'a FigureHtml,
    /// `None` when the templates failed to compile: chapters are still rendered (and checked).
    pub templates: Option<&'a Templates<'a>>,
    pub emitter: Emitter<'a>,
    /// Keep each chapter's HTML and contents list after its page (the whole-paper page needs them).
    pub keep_html: bool,
    /// Some chapter links to an anchor: keep every chapter's ids and contents list for the check.
    pub anchored: bool,
}

/// One chapter's outcome.
struct ChapterResult {
    chapter: Result<RenderedChapter>,
    warnings: Vec<Diagnostic>,
    errors: Vec<Diagnostic>,
    /// Its page: output path and the file (None for the cover chapter, or without templates).
    page: Option<(String, Result<Emitted>)>,
}

/// What the pass produced, in chapter order (the cover chapter first, if there is one).
pub struct Passed {
    pub rendered: Vec<Option<RenderedChapter>>,
    pub pages: Vec<(String, Result<Emitted>)>,
    pub warnings: Vec<Diagnostic>,
}

/// Renders every chapter (and its page), feeding `indexer`; chapters' errors go to `sink`.
pub fn run(input: &PassInput, all: &[&Chapter], indexer: Option<&Indexer>, sink: &mut Sink) -> Result<Passed> {
    let offset = usize::from(input.site.index.is_some());
    let failed = Mutex::new(None);
    let results: Vec<ChapterResult> = all
        .par_iter()
        .enumerate()
        .map(|(k, ch)| {
            let mut r = one(input, k, ch);
            if let (Some(ix), Ok(rc)) = (indexer, &mut r.chapter) {
                let sections = std::mem::take(&mut rc.sections);
                let url = if k < offset {
                    input.site.config.base_path.as_str()
                } else {
                    input.links[k - offset].url.as_str()
                };
                if let Err(e) = ix.add(k, url, &ch.front.title, &sections) {
                    failed.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert(e);
                }
            }
            r
        })
        .collect();
    if let Some(e) = failed.into_inner().unwrap_or_else(PoisonError::into_inner) {
        return Err(e);
    }
    let mut passed = Passed { rendered: Vec::with_capacity(results.len()), pages: Vec::new(), warnings: Vec::new() };
    // What static/ folders hold but the site leaves out (`.git/`, editor files) is named.
    if let Some(t) = input.templates {
        for dir in [t.theme.dir.join("static"), input.site.root.join("static")] {
            passed.warnings.extend(crate::source::static_left_out(&input.site.root, &dir));
        }
    }
    figures_in_two_chapters(all, &results, sink);
    for r in results {
        passed.warnings.extend(r.warnings);
        sink.items.extend(r.errors);
        passed.rendered.push(sink.take(r.chapter)?);
        passed.pages.extend(r.page);
    }
    Ok(passed)
}

/// A figure on the pages of two chapters (one placed a chart of the other, which adds it at its
/// end too) is an error in the chapter that placed a chart it does not declare; a chart that
/// both declare is already an error (a duplicate chart id).
fn figures_in_two_chapters(all: &[&Chapter], results: &[ChapterResult], sink: &mut Sink) {
    let declares = |k: usize, id: &str| all[k].front.charts.iter().any(|c| c.id.value == id);
    let mut shown: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (k, r) in results.iter().enumerate() {
        for id in r.chapter.as_ref().map(|c| c.figures.as_slice()).unwrap_or_default() {
            match shown.get(id.as_str()) {
                Some(&first) if first != k && !(declares(first, id) && declares(k, id)) => {
                    let (placer, other) = if declares(k, id) { (first, k) } else { (k, first) };
                    sink.push(chapter::figure_in_two_chapters(all[placer], id, all[other]));
                }
                Some(_) => {}
                None => {
                    shown.insert(id, k);
                }
            }
        }
    }
}

/// Chapter `k` of the pass and its page.
fn one(input: &PassInput, k: usize, ch: &Chapter) -> ChapterResult {
    let mut warnings = Vec::new();
    let mut local = Sink::default();
    let mut r = chapter::render(ch, input.env, &mut warnings, &mut local).map(|mut r| {
        place_unplaced_figures(ch, input.figures, &mut r);
        if input.anchored {
            r.ids = html_ids(&r.html);
        }
        r
    });
    let offset = usize::from(input.site.index.is_some());
    let page = match (&mut r, input.templates) {
        (Ok(r), Some(templates)) if k >= offset => {
            let view = page_view(input, k - offset, ch, r);
            let tpl = ch.front.template.as_deref().unwrap_or("chapter.html");
            let path = paths::chapter_page(&ch.slug);
            // A chapter with errors fails the build: its page is rendered for its messages
            // only, not written.
            let emitter = input.emitter.unless(local.has_errors());
            let page = templates.render(tpl, &view).and_then(|html| emitter.emit(&path, html));
            Some((path, page))
        }
        _ => None,
    };
    ChapterResult { chapter: r, warnings, errors: local.items, page }
}

/// Charts declared but not placed with `figure()` go at the end of their chapter.
fn place_unplaced_figures(ch: &Chapter, figures: &FigureHtml, r: &mut RenderedChapter) {
    for spec in &ch.front.charts {
        let marker = format!("id=\"fig-{}\"", spec.id.value);
        if !r.html.contains(&marker)
            && let Some((figure, _)) = figures.get(&spec.id.value)
        {
            r.html.push_str(figure);
            r.html.push('\n');
            r.figures.push(spec.id.value.clone());
        }
    }
}

/// Chapter `i`'s page view. The page takes the chapter's HTML, contents list and excerpt
/// when nothing later needs them, so large sites do not hold every chapter twice.
fn page_view(input: &PassInput, i: usize, ch: &Chapter, r: &mut RenderedChapter) -> PageView {
    let links = input.links;
    let content = if input.keep_html { r.html.clone() } else { std::mem::take(&mut r.html) };
    let toc = if input.keep_html || input.anchored { r.toc.clone() } else { std::mem::take(&mut r.toc) };
    PageView {
        title: ch.front.title.clone(),
        summary: ch.front.summary.clone(),
        url: links[i].url.clone(),
        permalink: input.site.config.absolute(&format!("{}/", ch.slug)),
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
    }
}
