//! A body's Markdown events → a document tree: what the PDF edition's template typesets.
//!
//! The tree is plain data (serialized to JSON and read by the theme's Typst template with
//! `json(…)`), so chapter text never becomes Typst markup: `#import`, `$`, `]` or `\` in a
//! chapter are characters, not code. It is built from the same pulldown-cmark events as the
//! HTML, after heading ids are assigned and links resolved, so both editions agree.
//!
//! Raw HTML is left out, except what baipi itself placed: a figure (`figure()`) becomes a
//! [`Block::Figure`], a figure reference (`figref()`) a link to the figure and a data table
//! (`table()`) a [`Block::Table`] with its own caption. Footnotes are
//! put where they are referenced.

use std::collections::HashMap;

use pulldown_cmark::{Alignment, Event, Tag, TagEnd};
use serde::Serialize;

/// How a figure's HTML starts (`charts::figure_html`): what finds the figures placed on a page.
pub const FIGURE_MARK: &str = "<figure class=\"chart\" id=\"fig-";
/// How a figure reference starts (`figref()`).
const FIGREF_MARK: &str = "<a class=\"figref\" href=\"";

/// The ids of the figures in `html`, in order.
pub fn figure_ids(html: &str) -> impl Iterator<Item = &str> {
    html.split(FIGURE_MARK).skip(1).filter_map(|t| t.split('"').next())
}

/// A block of the tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "k", rename_all = "lowercase")]
pub enum Block {
    Par {
        c: Vec<Inline>,
    },
    Heading {
        level: u8,
        id: String,
        c: Vec<Inline>,
    },
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
    },
    Quote {
        c: Vec<Block>,
    },
    #[serde(rename = "codeblock")]
    Code {
        s: String,
    },
    /// A table; its number and caption are given by the edition (`number` 0 until then).
    Table {
        align: Vec<&'static str>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        number: usize,
        caption: String,
    },
    /// A chart placed with `figure()` (its id).
    Figure {
        id: String,
    },
    Rule,
}

/// Inline content of the tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "k", rename_all = "lowercase")]
pub enum Inline {
    Text {
        s: String,
    },
    Strong {
        c: Vec<Inline>,
    },
    Emph {
        c: Vec<Inline>,
    },
    Strike {
        c: Vec<Inline>,
    },
    Code {
        s: String,
    },
    /// A link: to `label` inside the document when set, else to `url` (none when empty).
    Link {
        url: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        c: Vec<Inline>,
    },
    Image {
        src: String,
        alt: String,
    },
    /// A footnote: its definition, placed at the reference.
    Note {
        #[serde(skip)]
        label: String,
        c: Vec<Block>,
    },
    /// A figure placed inside a paragraph.
    Figure {
        id: String,
    },
    Br,
}

/// Where the builder is.
enum Frame {
    /// Blocks of the body, a list item, a quote or a footnote definition (its label).
    Blocks(Option<String>, Vec<Block>),
    Inlines(Span, Vec<Inline>),
    List(bool, u64, Vec<Vec<Block>>),
    Table(Vec<&'static str>, Vec<Vec<Inline>>, Vec<Vec<Vec<Inline>>>),
    Row(Vec<Vec<Inline>>),
    Code(String),
}

/// What a run of inline content belongs to.
enum Span {
    Par,
    /// Text directly in a list item (a tight list): a paragraph without its events.
    Implicit,
    Heading(u8, String),
    Strong,
    Emph,
    Strike,
    Link(String),
    Figref(String),
    Image(String),
    Cell,
    Quote,
}

/// Builds the tree of `events` (heading ids assigned, links resolved).
pub fn build<'a>(events: impl IntoIterator<Item = &'a Event<'a>>) -> Vec<Block> {
    let mut b = Builder { stack: vec![Frame::Blocks(None, Vec::new())], notes: HashMap::new(), soft: false };
    for ev in events {
        b.event(ev);
    }
    while b.stack.len() > 1 {
        b.close();
    }
    let mut blocks = match b.stack.pop() {
        Some(Frame::Blocks(_, v)) => v,
        _ => Vec::new(),
    };
    let mut notes = b.notes;
    // A note cited inside a note prints as its label: filled in, a note citing itself (or two
    // citing each other) would never end, and chains would grow exponentially.
    for c in notes.values_mut() {
        for_each_inline(c, &mut |i| {
            if let Inline::Note { label, .. } = i {
                let s = format!("[{label}]");
                *i = Inline::Text { s };
            }
        });
    }
    for_each_inline(&mut blocks, &mut |i| {
        if let Inline::Note { label, c } = i {
            *c = notes.get(label.as_str()).cloned().unwrap_or_default();
        }
    });
    blocks
}

/// Calls `f` on every inline of `blocks`, depth first (footnotes' content included).
pub fn for_each_inline(blocks: &mut [Block], f: &mut dyn FnMut(&mut Inline)) {
    for b in blocks {
        match b {
            Block::Par { c } | Block::Heading { c, .. } => inlines(c, f),
            Block::List { items, .. } => items.iter_mut().for_each(|it| for_each_inline(it, f)),
            Block::Quote { c } => for_each_inline(c, f),
            Block::Table { head, rows, .. } => {
                head.iter_mut().chain(rows.iter_mut().flatten()).for_each(|cell| inlines(cell, f))
            }
            Block::Code { .. } | Block::Figure { .. } | Block::Rule => {}
        }
    }
}

/// Calls `f` on every block of `blocks`, depth first and in reading order: those in lists,
/// quotes and footnotes too.
pub fn for_each_block(blocks: &mut [Block], f: &mut dyn FnMut(&mut Block)) {
    for b in blocks {
        f(b);
        match b {
            Block::List { items, .. } => items.iter_mut().for_each(|it| for_each_block(it, f)),
            Block::Quote { c } => for_each_block(c, f),
            Block::Par { c } | Block::Heading { c, .. } => note_blocks(c, f),
            Block::Table { head, rows, .. } => {
                head.iter_mut().chain(rows.iter_mut().flatten()).for_each(|cell| note_blocks(cell, f))
            }
            Block::Code { .. } | Block::Figure { .. } | Block::Rule => {}
        }
    }
}

/// The blocks of the footnotes in `c`.
fn note_blocks(c: &mut [Inline], f: &mut dyn FnMut(&mut Block)) {
    for i in c {
        match i {
            Inline::Note { c, .. } => for_each_block(c, f),
            Inline::Strong { c } | Inline::Emph { c } | Inline::Strike { c } | Inline::Link { c, .. } => {
                note_blocks(c, f)
            }
            _ => {}
        }
    }
}

fn inlines(c: &mut [Inline], f: &mut dyn FnMut(&mut Inline)) {
    for i in c {
        f(i);
        match i {
            Inline::Strong { c } | Inline::Emph { c } | Inline::Strike { c } | Inline::Link { c, .. } => inlines(c, f),
            Inline::Note { c, .. } => for_each_inline(c, f),
            _ => {}
        }
    }
}

struct Builder {
    stack: Vec<Frame>,
    notes: HashMap<String, Vec<Block>>,
    /// A soft line break is pending: a space, unless it falls between Chinese characters.
    soft: bool,
}

impl Builder {
    fn event(&mut self, ev: &Event) {
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::BlockQuote(_) | TagEnd::Item)
            | Event::End(TagEnd::FootnoteDefinition | TagEnd::List(_) | TagEnd::CodeBlock | TagEnd::Table)
            | Event::End(TagEnd::TableHead | TagEnd::TableRow | TagEnd::TableCell) => self.end_block(),
            Event::End(TagEnd::Strong | TagEnd::Emphasis | TagEnd::Strikethrough | TagEnd::Image) => self.close(),
            Event::End(TagEnd::Link) => self.close(),
            Event::Text(t) => match self.stack.last_mut() {
                Some(Frame::Code(s)) => s.push_str(t),
                _ => self.text(t),
            },
            Event::Code(t) => self.inline(Inline::Code { s: t.to_string() }),
            Event::SoftBreak => self.soft = true,
            Event::HardBreak => self.inline(Inline::Br),
            Event::Rule => self.block(Block::Rule),
            Event::FootnoteReference(l) => self.inline(Inline::Note { label: l.to_string(), c: Vec::new() }),
            Event::Html(h) | Event::InlineHtml(h) => self.html(h),
            _ => {}
        }
    }

    fn start(&mut self, tag: &Tag) {
        let frame = match tag {
            Tag::Paragraph => Frame::Inlines(Span::Par, Vec::new()),
            Tag::Heading { level, id, .. } => {
                Frame::Inlines(Span::Heading(*level as u8, id.as_deref().unwrap_or("").to_string()), Vec::new())
            }
            Tag::BlockQuote(_) => Frame::Blocks(None, Vec::new()),
            Tag::CodeBlock(_) => Frame::Code(String::new()),
            Tag::List(start) => Frame::List(start.is_some(), start.unwrap_or(1), Vec::new()),
            Tag::Item | Tag::FootnoteDefinition(_) => {
                let label = match tag {
                    Tag::FootnoteDefinition(l) => Some(l.to_string()),
                    _ => None,
                };
                self.end_implicit();
                self.stack.push(Frame::Blocks(label, Vec::new()));
                return;
            }
            Tag::Table(al) => Frame::Table(al.iter().map(align).collect(), Vec::new(), Vec::new()),
            Tag::TableHead | Tag::TableRow => Frame::Row(Vec::new()),
            Tag::TableCell => Frame::Inlines(Span::Cell, Vec::new()),
            Tag::Strong => return self.open(Span::Strong),
            Tag::Emphasis => return self.open(Span::Emph),
            Tag::Strikethrough => return self.open(Span::Strike),
            Tag::Link { dest_url, .. } => return self.open(Span::Link(dest_url.to_string())),
            Tag::Image { dest_url, .. } => return self.open(Span::Image(dest_url.to_string())),
            _ => return,
        };
        self.end_implicit();
        if matches!(tag, Tag::BlockQuote(_)) {
            // A quote's blocks are marked by a frame of their own below the blocks.
            self.stack.push(Frame::Inlines(Span::Quote, Vec::new()));
        }
        self.stack.push(frame);
    }

    /// Opens an inline span (a paragraph around it when directly in a list item).
    fn open(&mut self, span: Span) {
        self.ensure_inlines();
        self.stack.push(Frame::Inlines(span, Vec::new()));
    }

    fn ensure_inlines(&mut self) {
        if matches!(self.stack.last(), Some(Frame::Blocks(..))) {
            self.stack.push(Frame::Inlines(Span::Implicit, Vec::new()));
        }
    }

    /// Closes a paragraph opened by text directly in a list item.
    fn end_implicit(&mut self) {
        if matches!(self.stack.last(), Some(Frame::Inlines(Span::Implicit, _))) {
            self.close();
        }
    }

    /// The end of a block-level tag: an implicit paragraph first, then the tag's own frame.
    fn end_block(&mut self) {
        self.end_implicit();
        self.close();
    }

    fn text(&mut self, t: &str) {
        if std::mem::take(&mut self.soft) {
            let before = self.last_char();
            let after = t.chars().next();
            if !(before.is_some_and(wide) || after.is_some_and(wide)) {
                self.push_text(" ");
            }
        }
        self.push_text(t);
    }

    fn push_text(&mut self, t: &str) {
        self.ensure_inlines();
        if let Some(Frame::Inlines(_, v)) = self.stack.last_mut() {
            match v.last_mut() {
                Some(Inline::Text { s }) => s.push_str(t),
                _ => v.push(Inline::Text { s: t.to_string() }),
            }
        }
    }

    /// The last character of the text being built (for a soft break's space).
    fn last_char(&self) -> Option<char> {
        match self.stack.last() {
            Some(Frame::Inlines(_, v)) => match v.last() {
                Some(Inline::Text { s }) => s.chars().last(),
                _ => None,
            },
            _ => None,
        }
    }

    fn inline(&mut self, i: Inline) {
        // A pending line break before inline code (`run the` ⏎ `` `build` ``) is a space, as
        // before text.
        if std::mem::take(&mut self.soft) && !matches!(i, Inline::Br) {
            let after = match &i {
                Inline::Code { s } => s.chars().next(),
                _ => None,
            };
            if !(self.last_char().is_some_and(wide) || after.is_some_and(wide)) {
                self.push_text(" ");
            }
        }
        self.ensure_inlines();
        if let Some(Frame::Inlines(_, v)) = self.stack.last_mut() {
            v.push(i);
        }
    }

    fn block(&mut self, b: Block) {
        self.end_implicit();
        match self.stack.last_mut() {
            Some(Frame::Blocks(_, v)) => v.push(b),
            // A figure inside a paragraph or a table cell.
            Some(Frame::Inlines(..)) => {
                if let Block::Figure { id } = b {
                    self.inline(Inline::Figure { id });
                }
            }
            _ => {}
        }
    }

    /// Raw HTML: only what baipi placed (figures, figure references) is kept.
    fn html(&mut self, h: &str) {
        if let Some(table) = super::datatable::parse(h) {
            self.block(table);
        } else if h.contains(FIGURE_MARK) {
            for id in figure_ids(h) {
                self.block(Block::Figure { id: id.to_string() });
            }
        } else if let Some(rest) = h.trim_start().strip_prefix(FIGREF_MARK) {
            let id = rest.split('"').next().and_then(|href| href.rsplit_once("#fig-")).map(|(_, id)| id.to_string());
            self.open(Span::Figref(id.unwrap_or_default()));
        } else if h.trim() == "</a>" && matches!(self.stack.last(), Some(Frame::Inlines(Span::Figref(_), _))) {
            self.close();
        }
    }

    /// Closes the top frame into its parent.
    fn close(&mut self) {
        let Some(frame) = self.stack.pop() else { return };
        match frame {
            Frame::Inlines(span, c) => self.close_inlines(span, c),
            Frame::Blocks(Some(label), c) => {
                self.notes.insert(label, c);
            }
            Frame::Blocks(None, c) => match self.stack.last_mut() {
                Some(Frame::List(_, _, items)) => items.push(c),
                Some(Frame::Inlines(Span::Quote, _)) => {
                    self.stack.pop();
                    self.block(Block::Quote { c });
                }
                _ => {}
            },
            Frame::List(ordered, start, items) => self.block(Block::List { ordered, start, items }),
            Frame::Table(align, head, mut rows) => {
                // Every row as wide as the header: the PDF lays the cells out by columns.
                rows.iter_mut().for_each(|r| r.resize(head.len(), Vec::new()));
                self.block(Block::Table { align, head, rows, number: 0, caption: String::new() })
            }
            Frame::Row(cells) => {
                if let Some(Frame::Table(_, head, rows)) = self.stack.last_mut() {
                    if head.is_empty() && rows.is_empty() { *head = cells } else { rows.push(cells) }
                }
            }
            Frame::Code(s) => self.block(Block::Code { s: s.trim_end_matches('\n').to_string() }),
        }
    }

    fn close_inlines(&mut self, span: Span, c: Vec<Inline>) {
        match span {
            Span::Par | Span::Implicit => self.block(Block::Par { c }),
            // A heading without text (`##` alone, only an image): a heading needs a title in
            // a tagged PDF, so its content (if any) is a paragraph.
            Span::Heading(_, _) if !has_text(&c) => {
                if !c.is_empty() {
                    self.block(Block::Par { c })
                }
            }
            Span::Heading(level, id) => self.block(Block::Heading { level, id, c }),
            Span::Strong => self.inline(Inline::Strong { c }),
            Span::Emph => self.inline(Inline::Emph { c }),
            Span::Strike => self.inline(Inline::Strike { c }),
            Span::Link(url) => self.inline(Inline::Link { url, label: None, c }),
            Span::Figref(id) => self.inline(Inline::Link { url: String::new(), label: Some(format!("fig-{id}")), c }),
            // A tagged PDF needs every image's alternative text: without one, its file's name.
            Span::Image(src) => {
                let alt = plain(&c);
                let alt = if alt.trim().is_empty() { file_name(&src) } else { alt };
                self.inline(Inline::Image { src, alt })
            }
            Span::Cell => {
                if let Some(Frame::Row(cells)) = self.stack.last_mut() {
                    cells.push(c);
                }
            }
            Span::Quote => {}
        }
    }
}

/// Whether inline content has text of its own (not only images, figures or breaks).
fn has_text(c: &[Inline]) -> bool {
    c.iter().any(|i| match i {
        Inline::Text { s } | Inline::Code { s } => !s.trim().is_empty(),
        Inline::Strong { c } | Inline::Emph { c } | Inline::Strike { c } | Inline::Link { c, .. } => has_text(c),
        _ => false,
    })
}

/// The last part of a path or URL, without its query: `images/图一.png?v=2` → `图一.png`.
pub fn file_name(src: &str) -> String {
    let path = src.split(['?', '#']).next().unwrap_or(src);
    path.trim_end_matches('/').rsplit('/').next().unwrap_or(path).to_string()
}

/// The plain text of inline content (an image's alternative text).
pub fn plain(c: &[Inline]) -> String {
    let mut s = String::new();
    for i in c {
        match i {
            Inline::Text { s: t } | Inline::Code { s: t } => s.push_str(t),
            Inline::Strong { c } | Inline::Emph { c } | Inline::Strike { c } | Inline::Link { c, .. } => {
                s.push_str(&plain(c))
            }
            Inline::Image { alt, .. } => s.push_str(alt),
            _ => {}
        }
    }
    s
}

fn align(a: &Alignment) -> &'static str {
    match a {
        Alignment::None | Alignment::Left => "left",
        Alignment::Center => "center",
        Alignment::Right => "right",
    }
}

/// Characters between which a line break is no space (Chinese, Japanese, full-width punctuation).
fn wide(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn tree(md: &str) -> Vec<Block> {
        let events: Vec<Event> = Parser::new_ext(md, crate::markdown::options()).collect();
        build(&events)
    }

    fn json(md: &str) -> String {
        serde_json::to_string(&tree(md)).unwrap()
    }

    #[test]
    fn paragraphs_emphasis_and_chinese_line_breaks() {
        let j = json("第一行\n第二行 **粗**和*斜*\nand\nmore `#x`\n");
        assert!(j.contains(r#""s":"第一行第二行 ""#), "{j}");
        assert!(j.contains(r#"{"k":"strong","c":[{"k":"text","s":"粗"}]}"#), "{j}");
        assert!(j.contains(r#""s":" and more ""#), "{j}");
        assert!(j.contains(r##"{"k":"code","s":"#x"}"##), "{j}");
    }

    #[test]
    fn lists_quotes_tables_and_footnotes() {
        let t = tree("- 甲\n- 乙\n\n> 引\n\n|a|b|\n|-|-:|\n|1|2|\n\n注[^n]\n\n[^n]: 脚注**文字**\n");
        let Block::List { items, ordered: false, .. } = &t[0] else { panic!("{t:?}") };
        assert_eq!(items.len(), 2);
        assert!(matches!(&t[1], Block::Quote { c } if matches!(&c[0], Block::Par { .. })), "{t:?}");
        let Block::Table { align, head, rows, .. } = &t[2] else { panic!("{t:?}") };
        assert_eq!((align.as_slice(), head.len(), rows.len()), (["left", "right"].as_slice(), 2, 1));
        let Block::Par { c } = &t[3] else { panic!("{t:?}") };
        let Inline::Note { c: note, .. } = &c[1] else { panic!("{c:?}") };
        assert_eq!(format!("{note:?}").matches("文字").count(), 1, "{note:?}");
        assert_eq!(t.len(), 4, "the definition is not a block of its own: {t:?}");
    }

    #[test]
    fn baipi_html_is_kept_other_html_dropped() {
        let md = "<figure class=\"chart\" id=\"fig-age\" data-chart=\"bar\"><svg></svg></figure>\n\n\
                  见<a class=\"figref\" href=\"/p/#fig-age\">图2</a>，<b>粗</b><script>x</script>\n";
        let t = tree(md);
        assert_eq!(t[0], Block::Figure { id: "age".into() });
        let j = serde_json::to_string(&t[1]).unwrap();
        assert!(j.contains(r#"{"k":"link","url":"","label":"fig-age","c":[{"k":"text","s":"图2"}]}"#), "{j}");
        assert!(!j.contains("script") && !j.contains("<b>"), "{j}");
    }
}
