//! Markdown → HTML, with stable heading ids and a table of contents.
//!
//! pulldown-cmark with tables, footnotes, strikethrough and heading
//! attributes. Heading ids keep Chinese characters (`## 党员年龄` →
//! `党员年龄`), so they are stable and readable, never lossy pinyin; an
//! explicit `{#id}` wins. Links to other chapters written as their file
//! (`02-innovations.md#平台创新`) become site URLs; a link to a chapter that
//! does not exist is an error. Images and links to other local files are
//! handed to a second resolver (which checks that the file exists and
//! rewrites the URL); asterisks that CommonMark left as text — typically
//! `**粗体：**后文`, where the closing `**` follows a punctuation mark — are
//! reported, because they would be printed literally.
//!
//! Takes a chapter's Markdown (its expressions already evaluated) and the two resolvers;
//! produces a [`Rendered`]: the HTML, the table of contents, the plain text split into
//! [`Section`]s for the search index, and every link, image and asterisk to report, by byte
//! offset, for the caller to locate.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

mod datatable;
pub mod tree;

/// One entry of a page's table of contents.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Links to chapters that do not exist.
    pub unresolved: Vec<Unresolved>,
    /// The beginning of the page's plain text (up to about [`TEXT_START`] bytes), for its
    /// description; the full text is in `sections`.
    pub text: String,
    /// The text split at headings: what the search index is built from.
    pub sections: Vec<Section>,
    /// Images and file links whose target was not found.
    pub missing: Vec<Missing>,
    /// Images and file links refused by the resolver.
    pub refused: Vec<Refused>,
    /// Asterisks left as literal text.
    pub stray_asterisks: Vec<StrayAsterisks>,
    /// Links, images and autolinks whose URL would run script (`javascript:` …).
    pub unsafe_urls: Vec<UnsafeUrl>,
    /// Raw HTML that runs script or embeds pages (`<script>`, `<iframe>`, `on*=`).
    pub raw_html: Vec<RawHtml>,
    /// The document tree of the body (for the PDF edition), when asked for.
    pub tree: Option<Vec<tree::Block>>,
}

/// A link, image or autolink whose URL would run script; its URL is emptied in the HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsafeUrl {
    pub offset: usize,
    pub dest: String,
    /// The refused scheme (`javascript:`, `vbscript:`, `data:text/html`).
    pub scheme: &'static str,
    pub image: bool,
}

/// Raw HTML that runs script or embeds another page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawHtml {
    pub offset: usize,
    /// The text at `offset` as written (`<SCRIPT`, `onclick`), to find it on its line.
    pub needle: String,
    pub kind: RawKind,
}

/// What a [`RawHtml`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawKind {
    /// `<script>` or `<iframe>` (the tag's name, lower case).
    Tag(String),
    /// An event-handler attribute (`onclick`, as written).
    Handler(String),
    /// An attribute whose value is a URL that runs script, and its scheme.
    Url(&'static str),
}

/// A link to a chapter that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// Byte offset of the link in the Markdown.
    pub offset: usize,
    /// The target as written.
    pub dest: String,
}

/// An image or file link whose target was not found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub offset: usize,
    pub dest: String,
    /// An image (`![…](…)`), not a link.
    pub image: bool,
}

/// An image or file link the resolver refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub offset: usize,
    pub dest: String,
    pub why: String,
}

/// A run of asterisks printed as literal text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrayAsterisks {
    pub offset: usize,
    /// How many asterisks in a row.
    pub run: usize,
}

/// The plain text under one heading (the first section, before any heading, has an empty id).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub text: String,
}

/// What the asset resolver says about an image or a link to a local file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asset {
    /// Leave the URL as written.
    Keep,
    /// Use this URL instead.
    Rewrite(String),
    /// The file does not exist.
    Missing,
    /// The file exists but may not be published (a link out of the site folder): why.
    Refused(String),
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Turns heading text into an id: letters and digits of any script kept, the rest collapsed to `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    if out.is_empty() { "section".into() } else { out }
}

/// How much of the plain text [`Rendered::text`] keeps: far more than a description needs.
pub const TEXT_START: usize = 4096;

/// Renders `md`. `resolve` maps a link target such as `02-x.md#a` to a URL,
/// or returns None if it names no chapter. Images and other local links are kept.
pub fn render(md: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Rendered {
    render_with(md, resolve, &|_| Asset::Keep)
}

/// Like [`render`]; `asset` decides about images and links to local files (see [`is_local_file`]).
pub fn render_with(md: &str, resolve: &dyn Fn(&str) -> Option<String>, asset: &dyn Fn(&str) -> Asset) -> Rendered {
    render_full(md, resolve, asset, false)
}

/// Like [`render_with`]; with `want_tree`, also the body's document tree ([`Rendered::tree`]),
/// built from the same events as the HTML.
pub fn render_full(
    md: &str,
    resolve: &dyn Fn(&str) -> Option<String>,
    asset: &dyn Fn(&str) -> Asset,
    want_tree: bool,
) -> Rendered {
    // Sized up front (about one event per 16 bytes of Markdown): a vector of events grown by
    // doubling is copied over and over.
    let mut events: Vec<(Event, std::ops::Range<usize>)> = Vec::with_capacity(md.len() / 16 + 16);
    events.extend(Parser::new_ext(md, options()).into_offset_iter());
    let mut out = Rendered::default();
    assign_heading_ids(&mut events, &mut out.toc);
    let resolvers = Resolvers { chapter: resolve, asset };
    let mut in_heading = false;
    let mut in_code = false;
    let mut html_ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for (ev, range) in events.iter_mut() {
        match ev {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if let Some(scheme) = unsafe_scheme(dest_url) =>
            {
                let image = md.as_bytes().get(range.start) == Some(&b'!');
                out.unsafe_urls.push(UnsafeUrl { offset: range.start, dest: dest_url.to_string(), scheme, image });
                *dest_url = CowStr::from("");
            }
            Event::Html(_) | Event::InlineHtml(_) => match html_ranges.last_mut() {
                // A block's lines come one event each: joined, so a tag may span lines.
                Some(last) if last.end >= range.start => last.end = range.end,
                _ => html_ranges.push(range.clone()),
            },
            Event::Start(Tag::Link { dest_url, .. }) => resolvers.link(dest_url, range.start, &mut out),
            Event::Start(Tag::Image { dest_url, .. }) => resolvers.local_file(dest_url, range.start, true, &mut out),
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(_) if !in_code => stray_asterisks(md, range.clone(), &mut out.stray_asterisks),
            _ => {}
        }
        collect_text(ev, &mut in_heading, &mut out);
    }
    out.stray_asterisks = join_runs(std::mem::take(&mut out.stray_asterisks));
    for r in html_ranges {
        raw_html(md, r, &mut out.raw_html);
    }
    // The text is looked at once, whole: only a chapter that holds a character no XML may hold
    // has its events cleaned one by one (for the HTML and for the PDF edition's tree alike).
    let events: Vec<Event<'_>> = if crate::util::escape::has_xml_forbidden(md) {
        events.into_iter().map(|(e, _)| xml_safe(e)).collect()
    } else {
        events.into_iter().map(|(e, _)| e).collect()
    };
    if want_tree {
        out.tree = Some(tree::build(events.iter()));
    }
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    out
}

/// An event whose text holds a character no XML (and no well-formed HTML) may hold, with it
/// replaced by U+FFFD; any other event as it is.
fn xml_safe(e: Event<'_>) -> Event<'_> {
    fn clean(t: CowStr<'_>) -> CowStr<'_> {
        use crate::util::escape::{has_xml_forbidden, xml_text};
        if has_xml_forbidden(&t) { CowStr::from(xml_text(&t).into_owned()) } else { t }
    }
    match e {
        Event::Text(t) => Event::Text(clean(t)),
        Event::Code(t) => Event::Code(clean(t)),
        Event::Html(t) => Event::Html(clean(t)),
        Event::InlineHtml(t) => Event::InlineHtml(clean(t)),
        e => e,
    }
}

/// Ids the page around a chapter's HTML uses: the default theme's templates (`main`, `toc-h` …;
/// a test keeps this list in step with them) and `serve`'s error overlay. A heading never takes
/// one of them, nor an id starting with `fig-` (the figures' ids).
pub const RESERVED_IDS: &[&str] = &[
    "baipi-error",
    "contents",
    "cover-title",
    "ds-title",
    "full-title",
    "full-toc-h",
    "kf-title",
    "main",
    "search-more",
    "search-nojs",
    "search-page-form",
    "search-page-q",
    "search-results",
    "search-status",
    "site-q",
    "toc-h",
    "toc-title",
];

/// Gives every heading a unique id (its explicit `{#id}`, else its slug; `-1`, `-2` … added to
/// repeats and to the [`RESERVED_IDS`] and footnote labels, `h-` put before an id starting with
/// `fig-`) and lists the h2 and h3 headings in `toc`.
fn assign_heading_ids(events: &mut [(Event, std::ops::Range<usize>)], toc: &mut Vec<TocEntry>) {
    let mut ids = UniqueIds::default();
    for (ev, _) in events.iter() {
        if let Event::Start(Tag::FootnoteDefinition(label)) = ev {
            ids.used.insert(label.to_string());
        }
    }
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 {
            let level = *level;
            let explicit = id.as_ref().map(|s| s.to_string());
            let mut j = i + 1;
            let mut text = String::new();
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                match &events[j].0 {
                    Event::Text(t) | Event::Code(t) => text.push_str(t),
                    _ => {}
                }
                j += 1;
            }
            let base = explicit.unwrap_or_else(|| slugify(&text));
            let idv = ids.claim(if base.starts_with("fig-") { format!("h-{base}") } else { base });
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                *id = Some(CowStr::from(idv.clone()));
            }
            if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                toc.push(TocEntry { level: level as u8, id: idv, title: text.trim().to_string() });
            }
            i = j;
        }
        i += 1;
    }
}

/// Ids in use, and the next suffix to try for each base id: `a`, `a-1`, `a-2` … found in
/// amortised constant time (a linear search takes over a minute for 4,000 equal headings).
#[derive(Default)]
struct UniqueIds {
    used: std::collections::HashSet<String>,
    next_suffix: std::collections::HashMap<String, usize>,
}

impl UniqueIds {
    /// `base`, or `base-N` with the first N not in use; from now on in use.
    fn claim(&mut self, base: String) -> String {
        let mut idv = base.clone();
        let taken =
            |used: &std::collections::HashSet<String>, id: &str| used.contains(id) || RESERVED_IDS.contains(&id);
        if taken(&self.used, &idv) {
            let n = self.next_suffix.entry(base.clone()).or_insert(1);
            loop {
                idv = format!("{base}-{n}");
                *n += 1;
                if !taken(&self.used, &idv) {
                    break;
                }
            }
        }
        self.used.insert(idv.clone());
        idv
    }
}

/// The two resolvers a body is rendered with.
struct Resolvers<'r> {
    /// A link to a chapter's file → its URL.
    chapter: &'r dyn Fn(&str) -> Option<String>,
    /// An image or a link to another local file → what to do with it.
    asset: &'r dyn Fn(&str) -> Asset,
}

impl Resolvers<'_> {
    /// A link at byte `at`: to a chapter (resolved, or reported in `unresolved`), or to a local
    /// file; other links are left as they are.
    fn link(&self, dest_url: &mut CowStr, at: usize, out: &mut Rendered) {
        if !is_internal(dest_url) {
            return self.local_file(dest_url, at, false, out);
        }
        match (self.chapter)(dest_url) {
            Some(url) => *dest_url = CowStr::from(url),
            None => out.unresolved.push(Unresolved { offset: at, dest: dest_url.to_string() }),
        }
    }

    /// An image (`image`) or a link at byte `at`: if it points at a local file, the asset
    /// resolver's verdict is applied.
    fn local_file(&self, dest_url: &mut CowStr, at: usize, image: bool, out: &mut Rendered) {
        if !is_local_file(dest_url) {
            return;
        }
        let dest = dest_url.to_string();
        match (self.asset)(&dest) {
            Asset::Keep => {}
            Asset::Rewrite(url) => *dest_url = CowStr::from(url),
            Asset::Missing => out.missing.push(Missing { offset: at, dest, image }),
            Asset::Refused(why) => out.refused.push(Refused { offset: at, dest, why }),
        }
    }
}

/// Adds the plain text of `ev` to the page's text and to its sections (a heading opens one).
#[inline]
fn collect_text(ev: &Event, in_heading: &mut bool, out: &mut Rendered) {
    match ev {
        Event::Start(Tag::Heading { id, .. }) => {
            *in_heading = true;
            out.sections.push(Section { id: id.as_deref().unwrap_or("").to_string(), ..Section::default() });
        }
        Event::Text(t) | Event::Code(t) => {
            if out.text.len() < TEXT_START {
                out.text.push_str(t);
            }
            if out.sections.is_empty() {
                out.sections.push(Section::default());
            }
            if let Some(sec) = out.sections.last_mut() {
                if *in_heading { sec.title.push_str(t) } else { sec.text.push_str(t) }
            }
        }
        Event::SoftBreak
        | Event::HardBreak
        | Event::End(TagEnd::Paragraph)
        | Event::End(TagEnd::Item)
        | Event::End(TagEnd::TableCell) => {
            if out.text.len() < TEXT_START {
                out.text.push('\n');
            }
            if let Some(sec) = out.sections.last_mut() {
                sec.text.push(' ');
            }
        }
        Event::End(TagEnd::Heading(_)) => {
            *in_heading = false;
            if out.text.len() < TEXT_START {
                out.text.push('\n');
            }
        }
        _ => {}
    }
}

/// pulldown-cmark gives each unmatched `*` its own text event: adjacent (offset, length)
/// runs joined into one.
fn join_runs(stray: Vec<StrayAsterisks>) -> Vec<StrayAsterisks> {
    let mut runs: Vec<StrayAsterisks> = Vec::new();
    for s in stray {
        match runs.last_mut() {
            Some(last) if last.offset + last.run == s.offset => last.run += s.run,
            _ => runs.push(s),
        }
    }
    runs
}

/// Runs of `*` in the source of a text event, skipping escaped ones (`\*`).
fn stray_asterisks(md: &str, range: std::ops::Range<usize>, out: &mut Vec<StrayAsterisks>) {
    let Some(src) = md.get(range.clone()) else { return };
    let b = src.as_bytes();
    // Most text has no `*` at all: one fast scan (memchr) settles it.
    if !b.contains(&b'*') {
        return;
    }
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'*' {
            let abs = range.start + i;
            if abs > 0 && md.as_bytes()[abs - 1] == b'\\' {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < b.len() && b[j] == b'*' {
                j += 1;
            }
            out.push(StrayAsterisks { offset: abs, run: j - i });
            i = j;
        } else {
            i += 1;
        }
    }
}

/// The scheme of a URL that would run script or show a page of its own: `javascript:`,
/// `vbscript:` or `data:text/html`, read as browsers do (case, leading blanks and control
/// characters, and tabs and newlines anywhere ignored).
pub fn unsafe_scheme(dest: &str) -> Option<&'static str> {
    // Almost every URL is settled by its first letter (`h`ttp, a path, `#`), without allocating.
    let first = dest.bytes().find(|b| *b > b' ')?;
    if !matches!(first.to_ascii_lowercase(), b'j' | b'v' | b'd') {
        return None;
    }
    let head: String = dest
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(16)
        .flat_map(char::to_lowercase)
        .collect();
    ["javascript:", "vbscript:", "data:text/html"].into_iter().find(|s| head.starts_with(s))
}

/// Tags `<script>` and `<iframe>`, event-handler attributes and script URLs in attributes in the
/// raw HTML at `range` of `md`.
fn raw_html(md: &str, range: std::ops::Range<usize>, out: &mut Vec<RawHtml>) {
    let Some(src) = md.get(range.clone()) else { return };
    let b = src.as_bytes();
    let mut i = 0;
    while let Some(lt) = b[i..].iter().position(|c| *c == b'<').map(|p| i + p) {
        let name_end = lt + 1 + b[lt + 1..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        let name = src[lt + 1..name_end].to_ascii_lowercase();
        let tag = !name.is_empty();
        if name == "script" || name == "iframe" {
            out.push(RawHtml { offset: range.start + lt, needle: src[lt..name_end].into(), kind: RawKind::Tag(name) });
        }
        i = if tag { attributes(src, name_end, range.start, out) } else { lt + 1 };
    }
}

/// Reads the attributes of a tag from `at` to its `>` (returned), reporting handlers and script
/// URLs; `base` is the offset of `src` in the Markdown.
fn attributes(src: &str, mut at: usize, base: usize, out: &mut Vec<RawHtml>) -> usize {
    let b = src.as_bytes();
    loop {
        at += b[at..].iter().take_while(|c| c.is_ascii_whitespace() || **c == b'/').count();
        if at >= b.len() || b[at] == b'>' || b[at] == b'<' {
            return (at + 1).min(b.len());
        }
        let len = b[at..].iter().take_while(|c| !c.is_ascii_whitespace() && !b"=>/<".contains(c)).count().max(1);
        let name = &src[at..at + len];
        // Bytes, not a `&str` slice: the name may begin with a character of several bytes.
        if name.len() > 2 && name.as_bytes()[..2].eq_ignore_ascii_case(b"on") {
            out.push(RawHtml { offset: base + at, needle: name.into(), kind: RawKind::Handler(name.into()) });
        }
        at += len;
        at += b[at..].iter().take_while(|c| c.is_ascii_whitespace()).count();
        if b.get(at) != Some(&b'=') {
            continue;
        }
        at += 1;
        at += b[at..].iter().take_while(|c| c.is_ascii_whitespace()).count();
        let (start, end) = match b.get(at) {
            Some(q @ (b'"' | b'\'')) => {
                let close = b[at + 1..].iter().position(|c| c == q).map_or(b.len(), |p| at + 1 + p);
                (at + 1, close)
            }
            _ => (at, at + b[at..].iter().take_while(|c| !c.is_ascii_whitespace() && **c != b'>').count()),
        };
        // As the browser reads it: character references decoded (`java&#x73;cript:`), and a
        // refresh's `0;url=…` as the URL it goes to.
        let value = src.get(start..end).map(decode_references).unwrap_or_default();
        let refresh = value.to_ascii_lowercase().find("url=").map(|i| value[i + 4..].trim_start_matches(['\'', '"']));
        if let Some(scheme) = unsafe_scheme(&value).or_else(|| refresh.and_then(unsafe_scheme)) {
            let needle = src[start..end].to_string();
            out.push(RawHtml { offset: base + start, needle, kind: RawKind::Url(scheme) });
        }
        at = (end + 1).min(b.len());
    }
}

/// An attribute value with its character references decoded, as far as they matter for a URL's
/// scheme: numeric ones (`&#106;`, `&#x6A`, with or without `;`) and `&colon;`, `&Tab;`,
/// `&NewLine;`. Anything else stays as written.
fn decode_references(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let named = [("&colon;", ':'), ("&tab;", '\t'), ("&newline;", '\n')];
        let lower = rest.get(..9).unwrap_or(rest).to_ascii_lowercase();
        if let Some((name, c)) = named.iter().find(|(n, _)| lower.starts_with(n)) {
            out.push(*c);
            rest = &rest[name.len()..];
            continue;
        }
        let (digits, radix) = match rest.as_bytes().get(1..3) {
            Some([b'#', b'x' | b'X']) => (&rest[3..], 16),
            Some([b'#', _]) => (&rest[2..], 10),
            _ => ("", 0),
        };
        let n = digits.bytes().take_while(|b| (*b as char).is_digit(radix.max(2))).count();
        match (radix, u32::from_str_radix(&digits[..n], radix.max(2)).ok().and_then(char::from_u32)) {
            (16 | 10, Some(c)) if n > 0 => {
                out.push(c);
                let after = &digits[n..];
                rest = after.strip_prefix(';').unwrap_or(after);
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A link or image pointing at a file of this site (not a chapter, not another site, not an anchor).
pub fn is_local_file(dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    !path.is_empty()
        && !dest.contains("://")
        && !dest.starts_with("//")
        && !["mailto:", "tel:", "data:", "javascript:"].iter().any(|p| dest.starts_with(p))
        && !is_internal(dest)
}

/// A relative link to a Markdown file (`x.md`, `../x.md#a`), or a bare `#anchor`.
pub fn is_internal(dest: &str) -> bool {
    if dest.contains("://") || dest.starts_with("mailto:") || dest.starts_with('/') {
        return false;
    }
    let path = dest.split('#').next().unwrap_or("");
    path.ends_with(".md")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `prose` fuzz target: an attribute name starting with `?` and a two-byte
    /// character was cut inside the character when looking for `on…` handlers (a panic).
    #[test]
    fn attribute_names_with_wide_characters_do_not_panic() {
        let md = "<?<o \u{2}\n #{\u{1}x `\n----\n~?*-\n-\u{17}-\n*-\n---\n---\n----\n~?*-\n\\-\u{17}-\n---\n\n----\n?\u{781}";
        let _ = render(md, &|_| None);
    }

    #[test]
    fn chinese_ids_and_toc() {
        let r = render("## 一、党员年龄\n\n### 小节 A\n\n## 一、党员年龄\n\n## 自定 {#custom}\n", &|_| None);
        let ids: Vec<_> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["一-党员年龄", "小节-a", "一-党员年龄-1", "custom"]);
        assert!(r.html.contains(r#"<h2 id="一-党员年龄">"#), "{}", r.html);
    }

    #[test]
    fn links_resolve_or_are_reported() {
        let r = render("[a](02-x.md#s) [b](nope.md) [c](https://x.org/a.md)", &|d| {
            d.starts_with("02-x.md").then(|| "/x/#s".to_string())
        });
        assert!(r.html.contains(r#"href="/x/#s""#));
        assert_eq!(r.unresolved, vec![Unresolved { offset: 15, dest: "nope.md".to_string() }]);
    }

    #[test]
    fn assets_and_stray_asterisks() {
        let md = "![图](a.png) [下载](f.csv) [外](https://x.org/y.png)\n\n**粗体：**后文 \\* `*` **好**\n";
        let r = render_with(md, &|_| None, &|d| {
            if d == "a.png" { Asset::Rewrite("/a.png".into()) } else { Asset::Missing }
        });
        assert!(r.html.contains(r#"src="/a.png""#), "{}", r.html);
        assert_eq!(r.missing, vec![Missing { offset: 14, dest: "f.csv".to_string(), image: false }]);
        let runs: Vec<usize> = r.stray_asterisks.iter().map(|s| s.run).collect();
        assert_eq!(runs, [2, 2], "{:?}", r.stray_asterisks);
        assert_eq!(&md[r.stray_asterisks[0].offset..][..2], "**");
    }

    #[test]
    fn character_references_in_attributes_are_decoded() {
        assert_eq!(decode_references("java&#x73;cript&colon;x"), "javascript:x");
        assert_eq!(decode_references("&#106avascript:&#X41;&Tab;"), "javascript:A\t");
        assert_eq!(decode_references("a&amp;b&#;&#xzz;&"), "a&amp;b&#;&#xzz;&");
    }

    #[test]
    fn unsafe_urls_and_raw_html() {
        let md = "[a](javascript:alert(1)) ![b](DATA:text/html;base64,x) <vbscript:x> [ok](https://x.org)\n\n\
                  <div\n  onClick=\"x()\" title=\"on=1\"><a href=' jav\tascript:y'>t</a></div>\n\n<SCRIPT>1</SCRIPT> <iframe src=x>\n";
        let r = render(md, &|_| None);
        let found: Vec<(&str, bool)> = r.unsafe_urls.iter().map(|u| (u.scheme, u.image)).collect();
        assert_eq!(found, [("javascript:", false), ("data:text/html", true), ("vbscript:", false)]);
        assert!(!r.html.contains("alert") && !r.html.contains("base64"), "{}", r.html);
        let kinds: Vec<&RawKind> = r.raw_html.iter().map(|h| &h.kind).collect();
        assert_eq!(
            kinds,
            [
                &RawKind::Handler("onClick".into()),
                &RawKind::Url("javascript:"),
                &RawKind::Tag("script".into()),
                &RawKind::Tag("iframe".into())
            ]
        );
        assert_eq!(&md[r.raw_html[0].offset..][..7], "onClick");
        assert!(render("<b>粗</b> <em title=\"one\">x</em> 1 < 2, a<b", &|_| None).raw_html.is_empty());
    }

    #[test]
    fn heading_ids_avoid_the_page_and_figure_ids() {
        let r = render("## main\n\n## Main\n\n## x {#toc-h}\n\n## fig-c1\n\n## 1\n\n注[^1]\n\n[^1]: 注\n", &|_| None);
        let ids: Vec<_> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["main-1", "main-2", "toc-h-1", "h-fig-c1", "1-1"]);
    }

    #[test]
    fn tables_and_footnotes() {
        let r = render("|a|b|\n|-|-|\n|1|2|\n\n脚注[^1]\n\n[^1]: 注\n", &|_| None);
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn many_equal_headings_get_unique_ids_quickly() {
        // A linear search for a free suffix takes over a minute for 4,000 equal headings.
        let md = "## 概况\n\n".repeat(20_000) + "## 概况-1 {#概况-3}\n";
        let t = std::time::Instant::now();
        let r = render(&md, &|_| None);
        assert!(t.elapsed() < std::time::Duration::from_secs(20), "{:?}", t.elapsed());
        let ids: std::collections::HashSet<&str> = r.toc.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids.len(), r.toc.len(), "ids are unique");
        assert_eq!(&r.toc[0].id, "概况");
        assert_eq!(&r.toc[1].id, "概况-1");
        assert_eq!(&r.toc[19_999].id, "概况-19999");
    }
}
