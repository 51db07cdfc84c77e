//! Markdown → HTML, with stable heading ids and a table of contents.
//!
//! pulldown-cmark with tables, footnotes, strikethrough and heading
//! attributes. Heading ids keep Chinese characters (`## 党员年龄` →
//! `党员年龄`), so they are stable and readable, never lossy pinyin; an
//! explicit `{#id}` wins. Links to other chapters written as their file
//! (`02-innovations.md#平台创新`) become site URLs; a link to a chapter that
//! does not exist is an error.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

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
    /// Internal links found: (byte offset in the markdown, target as written).
    pub unresolved: Vec<(usize, String)>,
    /// Plain text of the page (for search and descriptions).
    pub text: String,
    /// The text split at headings: what the search index is built from.
    pub sections: Vec<Section>,
}

/// The plain text under one heading (the first section, before any heading, has an empty id).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub text: String,
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

/// Renders `md`. `resolve` maps a link target such as `02-x.md#a` to a URL,
/// or returns None if it names no chapter.
pub fn render(md: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Rendered {
    let mut events: Vec<(Event, std::ops::Range<usize>)> = Parser::new_ext(md, options()).into_offset_iter().collect();
    let mut out = Rendered::default();
    let mut used: Vec<String> = Vec::new();

    // Headings: compute text, assign ids.
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
            let mut idv = base.clone();
            let mut n = 1;
            while used.contains(&idv) {
                idv = format!("{base}-{n}");
                n += 1;
            }
            used.push(idv.clone());
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                *id = Some(CowStr::from(idv.clone()));
            }
            if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                out.toc.push(TocEntry { level: level as u8, id: idv, title: text.trim().to_string() });
            }
            i = j;
        }
        i += 1;
    }

    // Links to chapters; plain text and sections.
    let mut in_heading = false;
    for (ev, range) in events.iter_mut() {
        if let Event::Start(Tag::Link { dest_url, .. }) = ev {
            let dest = dest_url.to_string();
            if is_internal(&dest) {
                match resolve(&dest) {
                    Some(url) => *dest_url = CowStr::from(url),
                    None => out.unresolved.push((range.start, dest)),
                }
            }
        }
        match ev {
            Event::Start(Tag::Heading { id, .. }) => {
                in_heading = true;
                out.sections.push(Section { id: id.as_deref().unwrap_or("").to_string(), ..Section::default() });
            }
            Event::Text(t) | Event::Code(t) => {
                out.text.push_str(t);
                if out.sections.is_empty() {
                    out.sections.push(Section::default());
                }
                if let Some(sec) = out.sections.last_mut() {
                    if in_heading { sec.title.push_str(t) } else { sec.text.push_str(t) }
                }
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Item)
            | Event::End(TagEnd::TableCell) => {
                out.text.push('\n');
                if let Some(sec) = out.sections.last_mut() {
                    sec.text.push(' ');
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                out.text.push('\n');
            }
            _ => {}
        }
    }
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter().map(|(e, _)| e));
    out
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
        assert_eq!(r.unresolved, vec![(15, "nope.md".to_string())]);
    }

    #[test]
    fn tables_and_footnotes() {
        let r = render("|a|b|\n|-|-|\n|1|2|\n\n脚注[^1]\n\n[^1]: 注\n", &|_| None);
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("footnote"));
    }
}
