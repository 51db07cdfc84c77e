//! The pages made from templates besides the chapters': the cover (with its key figures),
//! the search page, the whole paper on one page, and the 404 page.

use std::collections::BTreeMap;

use tera::{Context, Tera};

use super::chapter::RenderedChapter;
use super::context::page_context;
use super::text::describe;
use crate::diag::{Diagnostic, Error, Result, Sink};
use crate::markdown::TocEntry;
use crate::prose::{Place, Prose};
use crate::site::Site;
use crate::theme::{self, ChapterLink, FullChapter, KeyFigureView, PageView, Theme};

/// Renders pages with the compiled templates of a theme.
pub struct Templates<'a> {
    pub tera: &'a Tera,
    pub theme: &'a Theme,
    /// The theme's name, for a template that is missing.
    pub name: &'a str,
}

impl Templates<'_> {
    /// Renders `page` with template `tpl`, straight into bytes (what is written: `render`
    /// would check the UTF-8 of every page again).
    pub fn render(&self, tpl: &str, page: &PageView) -> Result<Vec<u8>> {
        let mut ctx = Context::new();
        ctx.insert("page", page);
        if !self.tera.contains_template(tpl) {
            return Err(Error::one(Diagnostic::error(
                format!("themes/{}/templates/{tpl}", self.name),
                0,
                0,
                format!("template `{tpl}` not found in theme `{}` or templates/", self.name),
            )));
        }
        // Sized for the chrome around the chapter's text.
        let body: usize = page.content.len() + page.chapters.iter().map(|c| c.content.len()).sum::<usize>();
        let mut out = Vec::with_capacity(body + body / 4 + 8192);
        self.tera.render_to(tpl, &ctx, &mut out).map_err(|e| Error::one(theme::template_error(self.theme, &e)))?;
        Ok(out)
    }
}

/// The cover's view: the site's title and description, or the cover chapter's (`_index.md`)
/// with its text and key figures (evaluated like prose; errors go to `sink`).
pub fn cover(
    site: &Site,
    prose: &Prose,
    first: Option<&ChapterLink>,
    rendered: Option<&RenderedChapter>,
    sink: &mut Sink,
) -> Result<PageView> {
    let cfg = &site.config;
    let mut view = PageView {
        title: cfg.title.clone(),
        summary: cfg.description.clone(),
        url: cfg.base_path.clone(),
        permalink: cfg.absolute(""),
        slug: String::new(),
        number: 0,
        content: String::new(),
        toc: Vec::new(),
        prev: None,
        next: first.cloned(),
        key_figures: Vec::new(),
        data: serde_json::Value::Null,
        description: cfg.description.clone(),
        chapters: Vec::new(),
    };
    let Some(ix) = &site.index else { return Ok(view) };
    view.key_figures = key_figures(ix, prose, sink)?;
    view.title = ix.front.title.clone();
    view.data = ix.front.data.clone().map(serde_json::Value::Object).unwrap_or_default();
    if !ix.front.summary.is_empty() {
        view.summary = ix.front.summary.clone();
    }
    if let Some(r) = rendered {
        view.content = r.html.clone();
        view.toc = r.toc.clone();
        view.description = describe(&view.summary, &r.excerpt);
    }
    Ok(view)
}

/// The cover's key figures, each value evaluated as prose and located on its line.
fn key_figures(ix: &crate::content::Chapter, prose: &Prose, sink: &mut Sink) -> Result<Vec<KeyFigureView>> {
    let src = ix.source();
    let mut out = Vec::new();
    for kf in &ix.front.key_figures {
        let line = src.lines().position(|l| l.contains(&kf.value)).map(|i| i + 1).unwrap_or(1);
        let text = src.lines().nth(line - 1).unwrap_or("");
        let col = text.find(&kf.value).map(|b| text[..b].chars().count() + 1).unwrap_or(1);
        match prose.eval(&kf.value, &page_context(ix), Place { file: &ix.file, source: src, line, col }) {
            Ok(value) => {
                out.push(KeyFigureView { label: kf.label.clone(), value, unit: kf.unit.clone(), note: kf.note.clone() })
            }
            Err(e) => {
                sink.take::<()>(Err(e))?;
            }
        }
    }
    Ok(out)
}

/// The search page's view (the cover's, retitled).
pub fn search(site: &Site, cover: &PageView) -> PageView {
    let cfg = &site.config;
    PageView {
        title: "搜索".into(),
        url: format!("{}search/", cfg.base_path),
        permalink: cfg.absolute("search/"),
        content: String::new(),
        key_figures: Vec::new(),
        description: format!("在《{}》全文中搜索。", cfg.title),
        ..cover.clone()
    }
}

/// The 404 page's view.
pub fn not_found(cover: &PageView) -> PageView {
    PageView { title: "页面未找到".into(), content: String::new(), key_figures: Vec::new(), ..cover.clone() }
}

/// The whole paper on one page, for reading offline and printing: every rendered chapter
/// with its ids prefixed and its links made in-page.
pub fn full(site: &Site, cover: &PageView, links: &[ChapterLink], rendered: &[Option<RenderedChapter>]) -> PageView {
    let cfg = &site.config;
    let anchors: BTreeMap<&str, String> = links.iter().map(|l| (l.url.as_str(), l.slug.replace('/', "-"))).collect();
    let chapters: Vec<FullChapter> = site
        .chapters
        .iter()
        .zip(rendered)
        .zip(links)
        .filter_map(|((ch, r), l)| r.as_ref().map(|r| (ch, r, l)))
        .map(|(ch, r, l)| {
            let anchor = ch.slug.replace('/', "-");
            FullChapter {
                title: ch.front.title.clone(),
                summary: ch.front.summary.clone(),
                content: for_full_page(&r.html, &anchor, &anchors),
                toc: r.toc.iter().map(|t| TocEntry { id: format!("{anchor}--{}", t.id), ..t.clone() }).collect(),
                anchor,
                number: l.number,
            }
        })
        .collect();
    PageView {
        title: format!("{}（本站全文）", cfg.title),
        url: format!("{}full/", cfg.base_path),
        permalink: cfg.absolute("full/"),
        chapters,
        description: format!("本站各章合为一页，便于打印和离线阅读：{}。", cfg.title),
        ..cover.clone()
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
