//! Rendering: [`Site`] → [`Output`] (path → bytes), and writing it.
//!
//! Everything is rendered into memory first; nothing touches the output
//! folder until the whole site has rendered without error. Writing then
//! swaps the new folder in with a rename, so a failed build leaves the
//! previous output exactly as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::Context;

use crate::charts;
use crate::content::Chapter;
use crate::diagnostics::{Diagnostic, Error, Result, Sink, line_col};
use crate::markdown;
use crate::prose::Prose;
use crate::site::Site;
use crate::theme::{self, ChapterLink, DatasetLink, KeyFigureView, PageView, SiteView};

/// The rendered site: output path (relative, `/`-separated) → bytes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Output {
    pub files: BTreeMap<String, Vec<u8>>,
}

struct RenderedChapter {
    html: String,
    toc: Vec<markdown::TocEntry>,
    text: String,
    sections: Vec<markdown::Section>,
    /// (offset in evaluated body, chapter rel path, anchor) for anchor checks.
    anchors: Vec<(usize, String, String)>,
}

/// The whole-paper page is made for sites up to this many chapters.
pub const FULL_PAGE_MAX_CHAPTERS: usize = 300;

/// Renders the whole site into memory.
pub fn render(site: &Site) -> Result<Output> {
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
    let site_view = SiteView {
        title: cfg.title.clone(),
        description: cfg.description.clone(),
        language: cfg.language.clone(),
        base_url: cfg.base_url.clone(),
        base_path: bp.clone(),
        publication: cfg.publication.clone(),
        chapter_count: links.len(),
        chapters: links.clone(),
        datasets,
        generator: concat!("baipi ", env!("CARGO_PKG_VERSION")),
    };
    let site_json = serde_json::to_value(&site_view).map_err(|e| Error::Io(e.to_string()))?;
    // Figures: resolve every chart spec, number them across the paper, render SVG.
    let th = theme::load(&site.root, &cfg.theme)?;
    let figures = build_figures(site, &th, &links)?;
    let fig_html: BTreeMap<String, (String, String)> = figures
        .iter()
        .map(|f| {
            let html = charts::figure_html(f, bp);
            let link = format!("<a class=\"figref\" href=\"{}#fig-{}\">图{}</a>", f.page_url, f.id, f.number);
            (f.id.clone(), (html, link))
        })
        .collect();
    let fig_html = std::sync::Arc::new(fig_html);
    let prose = Prose::new(cfg.stats.share_digits, &site.data, &site_json, fig_html.clone());

    // Link targets: chapter file (relative to content/) → URL.
    let by_rel: BTreeMap<&str, String> = site
        .chapters
        .iter()
        .map(|c| (c.rel.as_str(), format!("{bp}{}/", c.slug)))
        .chain(site.index.iter().map(|c| (c.rel.as_str(), bp.clone())))
        .collect();

    let mut sink = Sink::default();
    let all: Vec<&Chapter> = site.index.iter().chain(site.chapters.iter()).collect();
    let mut rendered: Vec<Option<RenderedChapter>> = Vec::new();
    for ch in &all {
        let r = render_chapter(ch, &prose, &by_rel).map(|mut r| {
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
            r
        });
        rendered.push(sink.take(r)?);
    }
    // Anchors must name a heading that exists in the target chapter.
    let src_of = |c: &Chapter| std::fs::read_to_string(site.root.join(&c.file)).unwrap_or_default();
    for (ch, r) in all.iter().zip(&rendered) {
        let Some(r) = r else { continue };
        for (off, target_rel, anchor) in &r.anchors {
            let target = all.iter().zip(&rendered).find(|(c, _)| &c.rel == target_rel);
            if let Some((tc, Some(tr))) = target
                && !tr.toc.iter().any(|t| &t.id == anchor)
                && !tr.html.contains(&format!("id=\"{anchor}\""))
            {
                let (l, c) = line_col(&ch.body, *off);
                let ids: Vec<&str> = tr.toc.iter().map(|t| t.id.as_str()).collect();
                let mut d = Diagnostic::error(
                    &ch.file,
                    ch.body_line + l - 1,
                    c,
                    format!("link to `{}#{anchor}`: {} has no heading with id `{anchor}`", target_rel, tc.file),
                )
                .with_source(&src_of(ch));
                if let Some(n) = crate::format::nearest(anchor, ids.iter().copied()) {
                    d = d.with_help(format!("did you mean `#{n}`?"));
                }
                sink.push(d);
            }
        }
    }
    sink.finish()?;
    let rendered: Vec<RenderedChapter> = rendered.into_iter().flatten().collect();

    // Templates.
    let mut tera = theme::compile(&th, cfg.stats.share_digits, bp)?;
    tera.global_context().insert("site", &site_view);
    tera.global_context().insert("data", &site.data);
    tera.global_context().insert("stats", &site.data);

    let mut out = Output::default();
    let render_page = |tpl: &str, page: &PageView| -> Result<Vec<u8>> {
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
        tera.render(tpl, &ctx).map(String::into_bytes).map_err(|e| Error::one(theme::template_error(&th, &e)))
    };

    let mut offset = 0;
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
        let src = src_of(ix);
        for kf in &ix.front.key_figures {
            let line = src.lines().position(|l| l.contains(&kf.value)).map(|i| i + 1).unwrap_or(1);
            let col = src
                .lines()
                .nth(line - 1)
                .and_then(|l| l.find(&kf.value))
                .map(|b| src.lines().nth(line - 1).unwrap_or("")[..b].chars().count() + 1)
                .unwrap_or(1);
            let ctx = page_context(ix);
            match prose.eval(&kf.value, &ctx, &ix.file, &src, line, col) {
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
        sink.finish()?;
        let r = &rendered[0];
        index_view.title = ix.front.title.clone();
        index_view.content = r.html.clone();
        index_view.toc = r.toc.clone();
        index_view.key_figures = key_figures;
        index_view.data = ix.front.data.clone().map(serde_json::Value::Object).unwrap_or_default();
        if !ix.front.summary.is_empty() {
            index_view.summary = ix.front.summary.clone();
        }
        index_view.description = describe(&index_view.summary, &r.text);
        offset = 1;
    }
    out.files.insert("index.html".into(), render_page("index.html", &index_view)?);

    for (i, ch) in site.chapters.iter().enumerate() {
        let r = &rendered[i + offset];
        let page = PageView {
            title: ch.front.title.clone(),
            summary: ch.front.summary.clone(),
            url: links[i].url.clone(),
            permalink: cfg.absolute(&format!("{}/", ch.slug)),
            slug: ch.slug.clone(),
            number: i + 1,
            content: r.html.clone(),
            toc: r.toc.clone(),
            prev: if i > 0 { Some(links[i - 1].clone()) } else { None },
            next: links.get(i + 1).cloned(),
            key_figures: Vec::new(),
            data: ch.front.data.clone().map(serde_json::Value::Object).unwrap_or_default(),
            description: describe(&ch.front.summary, &r.text),
            chapters: Vec::new(),
        };
        let tpl = ch.front.template.clone().unwrap_or_else(|| "chapter.html".into());
        out.files.insert(format!("{}/index.html", ch.slug), render_page(&tpl, &page)?);
    }

    // Search: the index and its page.
    if tera.contains_template("search.html") {
        let mut docs = Vec::new();
        let pages = site
            .index
            .iter()
            .map(|c| (c, bp.clone()))
            .chain(site.chapters.iter().zip(&links).map(|(c, l)| (c, l.url.clone())));
        for (pi, ((ch, url), r)) in pages.zip(&rendered).enumerate() {
            for sec in &r.sections {
                let text = sec.text.split_whitespace().collect::<Vec<_>>().join(" ");
                if text.is_empty() && sec.title.is_empty() {
                    continue;
                }
                docs.push(crate::search::Doc {
                    url: if sec.id.is_empty() { url.clone() } else { format!("{url}#{}", sec.id) },
                    chapter: ch.front.title.clone(),
                    title: sec.title.trim().to_string(),
                    text,
                    page: pi,
                });
            }
        }
        for (path, json) in crate::search::build(&docs) {
            out.files.insert(path, json.into_bytes());
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

    // The whole paper on one page, for reading offline and printing (not for huge sites).
    if tera.contains_template("full.html") && site.chapters.len() <= FULL_PAGE_MAX_CHAPTERS {
        let anchors: BTreeMap<&str, String> =
            links.iter().map(|l| (l.url.as_str(), l.slug.replace('/', "-"))).collect();
        let chapters: Vec<theme::FullChapter> = site
            .chapters
            .iter()
            .zip(&rendered[offset..])
            .zip(&links)
            .map(|((ch, r), l)| theme::FullChapter {
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
        out.files.insert("404.html".into(), render_page("404.html", &p)?);
    }

    // Figures as files: SVG and CSV for download.
    for f in &figures {
        out.files.insert(format!("figures/{}.svg", f.id), charts::svg_file(f).into_bytes());
        out.files.insert(format!("figures/{}.csv", f.id), charts::csv_file(f).into_bytes());
    }

    // Open data.
    for c in &site.computed {
        out.files.insert(format!("data/{}.csv", c.name), crate::opendata::csv(c).into_bytes());
        let json = serde_json::to_string_pretty(&c.value).map_err(|e| Error::Io(e.to_string()))?;
        out.files.insert(format!("data/{}.json", c.name), (crate::search::inert(json) + "\n").into_bytes());
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

    for (rel, bytes) in &th.statics {
        let name = th.fingerprints.get(rel).unwrap_or(rel);
        out.files.entry(name.clone()).or_insert_with(|| bytes.clone());
    }
    if cfg.build.precompress {
        precompress(&mut out);
    }
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
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let pages = site
        .index
        .iter()
        .map(|c| (c, site.config.base_path.clone()))
        .chain(site.chapters.iter().zip(links).map(|(c, l)| (c, l.url.clone())));
    for (ch, url) in pages {
        let src = std::fs::read_to_string(site.root.join(&ch.file)).unwrap_or_default();
        for spec in &ch.front.charts {
            let mut err = |pos: crate::data::Pos, msg: String| {
                sink.push(Diagnostic::error(&ch.file, pos.line + 1, pos.col, msg).with_source(&src));
            };
            if let Some(other) = seen.get(&spec.id.value) {
                err(crate::data::Pos::of(&spec.id), format!("chart id `{}` is already used in {other}", spec.id.value));
                continue;
            }
            seen.insert(spec.id.value.clone(), ch.file.clone());
            let Some(chart) = charts::resolve(spec, &site.data, &mut err) else { continue };
            let svg = match charts::render(&chart, style) {
                Ok(s) => s,
                Err(e) => {
                    sink.take::<()>(Err(e))?;
                    continue;
                }
            };
            let summary = charts::summary(&chart);
            figures.push(charts::Figure {
                id: chart.id.clone(),
                number: figures.len() + 1,
                page_url: url.clone(),
                chart,
                svg,
                summary,
            });
        }
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

fn render_chapter(ch: &Chapter, prose: &Prose, by_rel: &BTreeMap<&str, String>) -> Result<RenderedChapter> {
    let source_text = || format!("{}{}", "\n".repeat(ch.body_line - 1), ch.body);
    let body = if Prose::has_expressions(&ch.body) {
        prose.eval(&ch.body, &page_context(ch), &ch.file, &source_text(), ch.body_line, 1)?
    } else {
        ch.body.clone()
    };
    let dir = Path::new(&ch.rel).parent().map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
    let resolve = |dest: &str| -> Option<String> {
        let (path, anchor) = dest.split_once('#').map(|(p, a)| (p, Some(a))).unwrap_or((dest, None));
        let joined = normalize(&dir, path)?;
        let url = by_rel.get(joined.as_str())?;
        Some(match anchor {
            Some(a) => format!("{url}#{a}"),
            None => url.clone(),
        })
    };
    let r = markdown::render(&body, &resolve);
    let mut anchors = Vec::new();
    let mut errs = Vec::new();
    if !r.unresolved.is_empty() {
        let src = source_text();
        for (off, dest) in &r.unresolved {
            let (l, c) = line_col(&body, *off);
            let mut d = Diagnostic::error(
                &ch.file,
                ch.body_line + l - 1,
                c,
                format!("link to `{dest}`: no such chapter in content/"),
            )
            .with_source(&src);
            let wanted = dest.split('#').next().unwrap_or("");
            if let Some(n) = crate::format::nearest(wanted, by_rel.keys().copied()) {
                d = d.with_help(format!("did you mean `{n}`?"));
            }
            errs.push(d);
        }
    }
    // Collect anchors of resolved internal links by scanning the markdown again (cheap, rare).
    if body.contains(".md#") {
        for (ev, range) in pulldown_cmark::Parser::new_ext(&body, markdown::options()).into_offset_iter() {
            if let pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) = ev
                && markdown::is_internal(&dest_url)
                && let Some((p, a)) = dest_url.split_once('#')
                && let Some(rel) = normalize(&dir, p)
                && by_rel.contains_key(rel.as_str())
            {
                anchors.push((range.start, rel, a.to_string()));
            }
        }
    }
    if !errs.is_empty() {
        return Err(Error::Input(errs));
    }
    Ok(RenderedChapter { html: r.html, toc: r.toc, text: r.text, sections: r.sections, anchors })
}

/// Adds a `.gz` copy of every text file over 512 bytes, for nginx `gzip_static` or a CDN.
/// Deterministic: no file name or time in the gzip header.
fn precompress(out: &mut Output) {
    use std::io::Write;
    let text = [".html", ".css", ".js", ".svg", ".json", ".csv", ".xml", ".txt"];
    let gz: Vec<(String, Vec<u8>)> = out
        .files
        .iter()
        .filter(|(p, b)| b.len() > 512 && text.iter().any(|e| p.ends_with(e)))
        .filter_map(|(p, b)| {
            let mut e = flate2::GzBuilder::new().mtime(0).write(Vec::new(), flate2::Compression::default());
            e.write_all(b).ok()?;
            Some((format!("{p}.gz"), e.finish().ok()?))
        })
        .collect();
    out.files.extend(gz);
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

/// Joins a relative link path onto a chapter's folder (`a` + `../b.md` → `b.md`).
fn normalize(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if dir.is_empty() { Vec::new() } else { dir.split('/').collect() };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// A page description: the summary, or the first ~120 characters of text.
fn describe(summary: &str, text: &str) -> String {
    if !summary.is_empty() {
        return summary.to_string();
    }
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s: String = flat.chars().take(120).collect();
    if flat.chars().count() > 120 {
        s.push('…');
    }
    s
}

fn sitemap(urls: &[String]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for u in urls {
        s.push_str(&format!("  <url><loc>{}</loc></url>\n", xml_escape(u)));
    }
    s.push_str("</urlset>\n");
    s
}

pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// Writes `out` to `dir`, replacing its previous contents in one step.
///
/// The new site is written to a sibling temporary folder, then renamed into
/// place; the old folder is renamed aside and removed only after that. If
/// anything fails, `dir` is left as it was.
pub fn write(out: &Output, dir: &Path) -> Result<()> {
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    let pid = std::process::id();
    let tmp: PathBuf = parent.join(format!(".{name}.baipi-new-{pid}"));
    let old: PathBuf = parent.join(format!(".{name}.baipi-old-{pid}"));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| -> Result<()> {
        std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
        for (rel, bytes) in &out.files {
            let p = tmp.join(rel);
            if let Some(d) = p.parent() {
                std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
            }
            std::fs::write(&p, bytes).map_err(|e| Error::io(&p, e))?;
        }
        let had_old = dir.exists();
        if had_old {
            std::fs::rename(dir, &old).map_err(|e| Error::io(dir, e))?;
        }
        if let Err(e) = std::fs::rename(&tmp, dir) {
            if had_old {
                let _ = std::fs::rename(&old, dir);
            }
            return Err(Error::io(dir, e));
        }
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize("", "02-x.md").as_deref(), Some("02-x.md"));
        assert_eq!(normalize("a", "../b.md").as_deref(), Some("b.md"));
        assert_eq!(normalize("", "../b.md"), None);
    }
}
