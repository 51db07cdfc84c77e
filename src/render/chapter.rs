//! One chapter's body → HTML: prose expressions evaluated, Markdown rendered with its links
//! and files resolved, and every problem located in the chapter file.
//!
//! Broken links, missing files and stray asterisks are reported without stopping the
//! chapter, so that its anchors are still checked; however broken a file, at most
//! [`MAX_REPORTS_PER_FILE`] errors (and as many warnings) are built for it, and the rest are
//! counted in one more message.

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::context::page_context;
use super::links;
use super::paths::Plan;
use super::text::{collapse_whitespace, describe};
use crate::content::Chapter;
use crate::diag::{Diagnostic, LineIndex, Result, Sink};
use crate::markdown::{self, Rendered, Section, TocEntry};
use crate::prose::{Place, Prose};
use crate::util::path::normalize;
use crate::util::text::list;

/// Most errors (and, separately, warnings) reported for one chapter; the rest are counted.
pub const MAX_REPORTS_PER_FILE: usize = 200;

/// A link with an anchor to another chapter (`x.md#id`), checked once every chapter is rendered.
pub struct AnchorLink {
    /// Line and column of the link in the chapter file.
    pub at: (usize, usize),
    /// The target chapter's file, relative to content/.
    pub target: String,
    pub anchor: String,
}

/// A file from content/ that the chapter references, copied into the site.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Where it is published (relative output path).
    pub path: String,
    /// The file to copy.
    pub from: PathBuf,
}

/// A rendered chapter: what the page, the whole-paper page, the search index and the anchor
/// check need of it.
pub struct RenderedChapter {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// The first ~120 characters of the text (a description when there is no summary).
    pub excerpt: String,
    /// Every `id="…"` in the HTML (anchor targets), kept when the HTML itself is not.
    pub ids: Vec<String>,
    /// The ids of the figures on the chapter's page (placed, then those added at its end).
    pub figures: Vec<String>,
    /// Section texts for the search index (empty without search).
    pub sections: Vec<Section>,
    pub anchors: Vec<AnchorLink>,
    pub assets: Vec<Asset>,
    /// The body's document tree, for the PDF edition (when [`ChapterEnv::tree`]).
    pub tree: Option<Vec<markdown::tree::Block>>,
}

/// What every chapter is rendered against.
pub struct ChapterEnv<'a> {
    pub prose: &'a Prose,
    /// Chapter file (relative to content/) → URL.
    pub by_rel: &'a BTreeMap<&'a str, String>,
    /// Output paths the site will have.
    pub plan: &'a Plan,
    pub root: &'a Path,
    /// The site root with links resolved: linked images must point inside it.
    pub root_canon: PathBuf,
    pub base_path: &'a str,
    /// Whether the search index is built (else the chapters' section texts are not kept): the
    /// same condition as the indexer's, so texts are never made for nothing.
    pub search: bool,
    /// Whether each chapter's document tree is built (for the PDF edition).
    pub tree: bool,
}

/// Renders one chapter's body; located problems go to `warnings` and `sink`.
pub fn render(
    ch: &Chapter,
    env: &ChapterEnv,
    warnings: &mut Vec<Diagnostic>,
    sink: &mut Sink,
) -> Result<RenderedChapter> {
    // Locations are lines of the file: the body starts on line `body_line` of `ch.source()`.
    let (body, placed): (Cow<str>, usize) = if Prose::has_expressions(ch.body()) {
        let place = Place { file: &ch.file, source: ch.source(), line: ch.body_line, col: 1 };
        (env.prose.eval(ch.body(), &page_context(ch), place)?.into(), Prose::figures_placed())
    } else {
        (ch.body().into(), 0)
    };
    // Only a chapter that placed figures is searched for them.
    let figures: Vec<String> = if placed > 0 { figure_ids(&body).map(str::to_string).collect() } else { Vec::new() };
    if let Some(d) = figure_placed_twice(ch, &figures) {
        sink.push(d);
    }
    let dir = Path::new(&ch.rel).parent().map(crate::util::path::slashed).unwrap_or_default();
    let resolve = |dest: &str| -> Option<String> {
        let (path, anchor) = dest.split_once('#').map(|(p, a)| (p, Some(a))).unwrap_or((dest, None));
        let url = env.by_rel.get(normalize(&dir, path)?.as_str())?;
        Some(match anchor {
            Some(a) => format!("{url}#{a}"),
            None => url.clone(),
        })
    };
    let assets = RefCell::new(Vec::new());
    let asset = |dest: &str| links::resolve_asset(dest, &dir, env, &mut assets.borrow_mut());
    let r = markdown::render_full(&body, &resolve, &asset, env.tree);
    let loc = Locator::new(ch, &body);
    let mut rep = Reports::default();
    report_unresolved(&r, &dir, env, &loc, &mut rep);
    report_missing(&r, &dir, &loc, &mut rep);
    report_refused(&r, &body, &loc, &mut rep);
    report_asterisks(&r, &loc, &mut rep);
    report_unsafe(&r, &body, &loc, &mut rep);
    let anchors = anchor_links(&body, &dir, env, &loc);
    rep.finish(&ch.file, warnings, sink);
    Ok(RenderedChapter {
        html: r.html,
        toc: r.toc,
        excerpt: describe("", &r.text),
        ids: Vec::new(),
        figures,
        // Whitespace collapsed, empty sections left out; not kept at all without search.
        sections: r
            .sections
            .into_iter()
            .filter(|_| env.search)
            .map(|sec| Section {
                text: collapse_whitespace(&sec.text),
                title: sec.title.trim().to_string(),
                id: sec.id,
            })
            .filter(|sec| !sec.text.is_empty() || !sec.title.is_empty())
            .collect(),
        anchors,
        assets: assets.into_inner(),
        tree: r.tree,
    })
}

/// A figure placed twice on one page would repeat its ids (and its number): an error at the
/// second `figure(id="…")` of the file (or at the body's start, when a loop placed it).
fn figure_placed_twice(ch: &Chapter, figures: &[String]) -> Option<Diagnostic> {
    let mut seen = BTreeSet::new();
    let id = figures.iter().map(String::as_str).find(|id| !seen.insert(*id))?;
    let calls = figure_calls(ch.source(), id);
    let (line, col) = match (calls.first(), calls.get(1)) {
        (_, Some(second)) => *second,
        _ => (ch.body_line, 1),
    };
    let first =
        calls.first().filter(|_| calls.len() > 1).map(|(l, _)| format!(" (first on line {l})")).unwrap_or_default();
    Some(
        Diagnostic::error(&ch.file, line, col, format!("figure `{id}` is placed twice on this page{first}"))
            .with_source(ch.source())
            .with_help(format!(
                "a page holds each figure once; remove one `figure(id=\"{id}\")`, and refer to it with `figref(id=\"{id}\")`"
            )),
    )
}

pub use crate::markdown::tree::figure_ids;

/// A figure that two chapters show (`ch` places the chart of `first`, which is also added at the
/// end of its own): on the whole-paper page its ids would repeat. An error at `ch`'s `figure(…)`.
pub fn figure_in_two_chapters(ch: &Chapter, id: &str, first: &Chapter) -> Diagnostic {
    let (line, col) = figure_calls(ch.source(), id).first().copied().unwrap_or((0, 0));
    let d = Diagnostic::error(
        &ch.file,
        line,
        col,
        format!("figure `{id}` is also shown by {}; the whole-paper page would hold it twice", first.file),
    );
    let d = if line > 0 { d.with_source(ch.source()) } else { d };
    d.with_help(format!(
        "show each figure in one chapter (a chart declared in a chapter's `charts:` is added to its end unless it \
         places it); elsewhere refer to it with `figref(id=\"{id}\")`"
    ))
}

/// Line and column of each `figure(id="ID")` call (either quotes, any spacing) in `src`.
fn figure_calls(src: &str, id: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, _) in src.match_indices("figure(") {
        let args = src[i + "figure(".len()..].trim_start();
        let Some(rest) = args.strip_prefix("id").map(str::trim_start).and_then(|r| r.strip_prefix('=')) else {
            continue;
        };
        let rest = rest.trim_start();
        let quoted = [('"', '"'), ('\'', '\'')]
            .iter()
            .any(|(q, _)| rest.strip_prefix(*q).and_then(|r| r.strip_prefix(id)).is_some_and(|r| r.starts_with(*q)));
        if quoted {
            out.push(crate::diag::line_col(src, i));
        }
    }
    out
}

/// Finds where an offset of the evaluated body was in the chapter file. The line tables are
/// only needed to locate a problem, so they are made on first use.
struct Locator<'a> {
    ch: &'a Chapter,
    body: &'a str,
    /// The body is the file's text itself (it had no expressions).
    same: bool,
    body_index: OnceCell<LineIndex<'a>>,
    src_index: OnceCell<LineIndex<'a>>,
    /// For each line of the evaluated body, the line of the file's body it came from.
    lines: OnceCell<Vec<usize>>,
}

impl<'a> Locator<'a> {
    fn new(ch: &'a Chapter, body: &'a Cow<'a, str>) -> Self {
        let same = matches!(body, Cow::Borrowed(_));
        Locator { ch, body, same, body_index: OnceCell::new(), src_index: OnceCell::new(), lines: OnceCell::new() }
    }

    fn body_index(&self) -> &LineIndex<'a> {
        self.body_index.get_or_init(|| LineIndex::new(self.body))
    }

    /// The text of line `n` of the chapter file.
    fn source_line(&self, n: usize) -> &'a str {
        self.src_index.get_or_init(|| LineIndex::new(self.ch.source())).line(n)
    }

    /// Line and column in the file of offset `off` of the body, where `needle` starts: the line
    /// is found in the evaluated body, the column by counting `needle`s on the source line.
    fn at(&self, off: usize, needle: &str) -> (usize, usize) {
        let (l, c, evaluated, byte) = self.body_index().locate(off);
        if self.same {
            return (self.ch.body_line + l - 1, c);
        }
        let from = self.lines.get_or_init(|| source_lines(self.ch.body(), self.body));
        let line = self.ch.body_line + from.get(l - 1).copied().unwrap_or(l - 1);
        let k = evaluated[..byte].matches(needle).count();
        let original = self.source_line(line);
        match original.match_indices(needle).nth(k) {
            Some((b, _)) => (line, original[..b].chars().count() + 1),
            None => (line, c),
        }
    }

    /// An error at `off` (where `needle` starts) with its source line.
    fn error(&self, off: usize, needle: &str, message: String) -> Diagnostic {
        let (l, c) = self.at(off, needle);
        Diagnostic::error(&self.ch.file, l, c, message).with_line(self.source_line(l))
    }
}

/// Most lines looked ahead for the next line without an expression: bounds the alignment on
/// pathological input.
const ALIGN_WINDOW: usize = 2_000;

/// For each line of `evaluated` (the body after its expressions ran), the 0-based line of
/// `source` it came from. A line without an expression is copied as it is, so it anchors the
/// alignment; the lines an expression produced (a figure's HTML spans several) are given to
/// the expression lines between two anchors, in order.
fn source_lines(source: &str, evaluated: &str) -> Vec<usize> {
    let src: Vec<&str> = source.split('\n').collect();
    let ev: Vec<&str> = evaluated.split('\n').collect();
    let plain = |l: &str| !l.contains("{{") && !l.contains("{%") && !l.contains("{#") && !l.contains("#}");
    let mut map = Vec::with_capacity(ev.len());
    let mut pending: Vec<usize> = Vec::new();
    for (i, line) in src.iter().enumerate() {
        if !plain(line) {
            pending.push(i);
            continue;
        }
        let start = map.len();
        let Some(k) = ev.iter().skip(start).take(ALIGN_WINDOW).position(|e| e == line) else {
            pending.push(i);
            continue;
        };
        fill(&mut map, start + k, &pending, i);
        map.push(i);
        pending.clear();
    }
    let last = src.len().saturating_sub(1);
    fill(&mut map, ev.len(), &pending, last);
    map
}

/// Gives evaluated lines up to `end` to the expression lines `pending` in order (the last
/// one takes the rest), or to `fallback` when there are none.
fn fill(map: &mut Vec<usize>, end: usize, pending: &[usize], fallback: usize) {
    let mut n = 0;
    while map.len() < end {
        map.push(pending.get(n).or(pending.last()).copied().unwrap_or(fallback));
        n += 1;
    }
}

/// A chapter's problems, within the per-file budget.
#[derive(Default)]
struct Reports {
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    more_errors: usize,
    more_warnings: usize,
}

impl Reports {
    /// Whether another error may be built; if not, it is counted.
    fn room_for_error(&mut self) -> bool {
        let room = self.errors.len() < MAX_REPORTS_PER_FILE;
        self.more_errors += usize::from(!room);
        room
    }

    fn room_for_warning(&mut self) -> bool {
        let room = self.warnings.len() < MAX_REPORTS_PER_FILE;
        self.more_warnings += usize::from(!room);
        room
    }

    /// Adds the counts of what was left out, and hands everything on.
    fn finish(mut self, file: &str, warnings: &mut Vec<Diagnostic>, sink: &mut Sink) {
        let (n, most) = (self.more_errors, MAX_REPORTS_PER_FILE);
        if n > 0 {
            let msg = match n {
                1 => format!("1 more error like the ones above in this file (only the first {most} are listed)"),
                _ => format!("{n} more errors like the ones above in this file (only the first {most} are listed)"),
            };
            self.errors.push(Diagnostic::error(file, 0, 0, msg));
        }
        let n = self.more_warnings;
        if n > 0 {
            let msg = match n {
                1 => format!("1 more warning like the ones above in this file (only the first {most} are listed)"),
                _ => format!("{n} more warnings like the ones above in this file (only the first {most} are listed)"),
            };
            self.warnings.push(Diagnostic::warning(file, 0, 0, msg));
        }
        warnings.extend(self.warnings);
        for d in self.errors {
            sink.push(d);
        }
    }
}

/// Links to chapters that do not exist, with the nearest chapter as a path from this one.
fn report_unresolved(r: &Rendered, dir: &str, env: &ChapterEnv, loc: &Locator, rep: &mut Reports) {
    for markdown::Unresolved { offset: off, dest } in &r.unresolved {
        if !rep.room_for_error() {
            continue;
        }
        let mut d = loc.error(*off, "[", format!("link to `{dest}`: no such chapter in content/"));
        let wanted = dest.split('#').next().unwrap_or("");
        let up = if dir.is_empty() { String::new() } else { "../".repeat(dir.split('/').count()) };
        let from_here: Vec<String> = env.by_rel.keys().map(|k| format!("{up}{k}")).collect();
        // One ranking: the suggestion is the closest chapter, if it is close enough.
        let closest = crate::util::text::closest_first(wanted, from_here.iter().map(String::as_str));
        let near = crate::util::text::nearest(wanted, closest.first().copied().into_iter());
        let chapters = format!("the chapters are (closest first): {}", list(&closest, 6));
        d = d.with_help(match near {
            Some(n) => format!("did you mean `{n}`? {chapters}"),
            None => chapters,
        });
        rep.errors.push(d);
    }
}

/// Images and file links that name no file, saying where they were looked for.
fn report_missing(r: &Rendered, dir: &str, loc: &Locator, rep: &mut Reports) {
    for markdown::Missing { offset: off, dest, image } in &r.missing {
        if !rep.room_for_error() {
            continue;
        }
        let what = if *image { "image" } else { "link to file" };
        let shown = dest.split(['#', '?']).next().unwrap_or(dest);
        let looked = if let Some(abs) = shown.strip_prefix('/') {
            format!("no page or file /{abs} in the built site")
        } else if normalize(dir, shown).is_none() {
            "it points above content/, and only files in content/ and static/ are published".to_string()
        } else {
            let mut places = vec![format!("content/{}", normalize(dir, shown).unwrap_or_else(|| shown.to_string()))];
            if let Some(n) = normalize("", shown) {
                places.push(format!("static/{n}"));
            }
            format!("looked for {}", places.join(" and "))
        };
        let d = loc.error(*off, if *image { "![" } else { "[" }, format!("{what} `{dest}` not found: {looked}"));
        rep.errors.push(d.with_help("check the spelling; put the file next to the chapter in content/, or in static/"));
    }
}

/// Images and files refused by the symbolic-link rules.
fn report_refused(r: &Rendered, body: &str, loc: &Locator, rep: &mut Reports) {
    for markdown::Refused { offset: off, dest, why } in &r.refused {
        if !rep.room_for_error() {
            continue;
        }
        let needle = if body.get(*off..).is_some_and(|b| b.starts_with('!')) { "![" } else { "[" };
        let d = loc.error(*off, needle, format!("`{dest}`: {why}"));
        rep.errors.push(d.with_help("copy the file into the site folder instead of linking to it"));
    }
}

/// Asterisks Markdown printed literally: `**` is an error (the reader sees it), `*` a warning.
/// One report per line.
fn report_asterisks(r: &Rendered, loc: &Locator, rep: &mut Reports) {
    let mut lines_seen = BTreeSet::new();
    for markdown::StrayAsterisks { offset: off, run: n } in &r.stray_asterisks {
        // The line first (cheap), the column only for the first run on it.
        if !lines_seen.insert(loc.body_index().locate(*off).0) {
            continue;
        }
        if *n >= 2 {
            if rep.room_for_error() {
                let d = loc.error(*off, "**", "`**` is printed literally: Markdown did not read it as bold".into());
                rep.errors.push(d.with_help(
                    "a closing `**` right after punctuation (：，。）) must be followed by a space or punctuation; \
                     move the punctuation outside (`**粗体**：后文`) or write `<strong>粗体：</strong>后文`",
                ));
            }
        } else if rep.room_for_warning() {
            let (l, c) = loc.at(*off, "*");
            let d = Diagnostic::warning(&loc.ch.file, l, c, "`*` is printed literally: Markdown did not read it as emphasis")
                .with_line(loc.source_line(l))
                .with_help("for emphasis write `*文字*` without punctuation just inside the asterisks, or `<em>…</em>`; for a literal asterisk write `\\*`");
            rep.warnings.push(d);
        }
    }
}

/// URLs that would run script are errors; raw HTML that runs script or embeds a page is a
/// warning (raw HTML is trusted; `check --strict` makes it an error).
fn report_unsafe(r: &Rendered, body: &str, loc: &Locator, rep: &mut Reports) {
    for markdown::UnsafeUrl { offset: off, dest, scheme, image } in &r.unsafe_urls {
        if !rep.room_for_error() {
            continue;
        }
        let (what, needle) = match body.as_bytes().get(*off) {
            _ if *image => ("image", "!["),
            Some(b'<') => ("link", "<"),
            _ => ("link", "["),
        };
        let dest = crate::util::text::escape_controls(dest);
        let d =
            loc.error(*off, needle, format!("{what} `{dest}`: a `{scheme}` URL runs script in the reader's browser"));
        rep.errors.push(d.with_help(
            "link to a web page (https://…), a chapter (`02-x.md`) or a file in content/ or static/; \
             `javascript:`, `vbscript:` and `data:text/html` URLs are refused",
        ));
    }
    for markdown::RawHtml { offset: off, needle, kind } in &r.raw_html {
        if !rep.room_for_warning() {
            continue;
        }
        let message = match kind {
            markdown::RawKind::Tag(t) if t == "script" => {
                "raw HTML `<script>` in a chapter: it runs in the reader's browser as written".to_string()
            }
            markdown::RawKind::Tag(t) => format!("raw HTML `<{t}>` in a chapter: it embeds another page as written"),
            markdown::RawKind::Handler(h) => {
                format!("raw HTML event handler `{h}=` in a chapter: it runs script in the reader's browser")
            }
            markdown::RawKind::Url(scheme) => {
                format!("raw HTML with a `{scheme}` URL in a chapter: it runs script in the reader's browser")
            }
        };
        let (l, c) = loc.at(*off, needle);
        let d = Diagnostic::warning(&loc.ch.file, l, c, message).with_line(loc.source_line(l)).with_help(
            "baipi publishes raw HTML as it is; write Markdown instead, or keep it on purpose \
             (`check --strict` counts it as an error; the default theme's Content-Security-Policy blocks inline scripts)",
        );
        rep.warnings.push(d);
    }
}

/// Links with an anchor to an existing chapter, found by scanning the Markdown again (cheap,
/// and only when the body has `.md#` at all).
fn anchor_links(body: &str, dir: &str, env: &ChapterEnv, loc: &Locator) -> Vec<AnchorLink> {
    let mut anchors = Vec::new();
    if !body.contains(".md#") {
        return anchors;
    }
    for (ev, range) in pulldown_cmark::Parser::new_ext(body, markdown::options()).into_offset_iter() {
        if let pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) = ev
            && markdown::is_internal(&dest_url)
            && let Some((p, a)) = dest_url.split_once('#')
            && let Some(rel) = normalize(dir, p)
            && env.by_rel.contains_key(rel.as_str())
        {
            anchors.push(AnchorLink { at: loc.at(range.start, "["), target: rel, anchor: a.to_string() });
        }
    }
    anchors
}
