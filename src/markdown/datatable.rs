//! A data table baipi generated (`{{ table(…) }}`, see `format::table`) → a [`Block::Table`] of
//! the document tree, so the PDF edition prints it like the site does.
//!
//! Only the HTML `format::table` writes is read here (it is one line, starting with
//! [`MARK`]): its caption, the header row, the body and the totals rows, each cell's text (the
//! numbers already in the site's number format) and whether a column is numeric (right-aligned).
//! Anything else in the line is ignored. An author's raw HTML reaches this function too: a
//! table of the same class without a header row is no table here.

use super::tree::{Block, Inline};
pub use crate::format::table::MARK;

/// The table in `h`, when `h` holds one baipi generated.
pub fn parse(h: &str) -> Option<Block> {
    let start = h.find(MARK)?;
    let mut t = Reader::default();
    let mut rest = &h[start..];
    while let Some(open) = rest.find('<') {
        t.text(&rest[..open]);
        let close = rest[open..].find('>')? + open;
        t.tag(&rest[open + 1..close]);
        if t.done {
            break;
        }
        rest = &rest[close + 1..];
    }
    t.finish()
}

#[derive(Default)]
struct Reader {
    caption: Option<String>,
    in_caption: bool,
    in_head: bool,
    align: Vec<&'static str>,
    head: Vec<Vec<Inline>>,
    rows: Vec<Vec<Vec<Inline>>>,
    row: Vec<Vec<Inline>>,
    cell: Option<String>,
    done: bool,
}

impl Reader {
    fn text(&mut self, s: &str) {
        if let Some(c) = &mut self.cell {
            c.push_str(&unescape(s));
        } else if self.in_caption {
            self.caption.get_or_insert_default().push_str(&unescape(s));
        }
    }

    fn tag(&mut self, tag: &str) {
        let name = tag.split([' ', '/']).find(|n| !n.is_empty()).unwrap_or("");
        let closing = tag.starts_with('/');
        match (name, closing) {
            ("caption", c) => self.in_caption = !c,
            ("thead", c) => self.in_head = !c,
            ("th" | "td", false) => {
                if self.in_head {
                    self.align.push(if tag.contains("class=\"num\"") { "right" } else { "left" });
                }
                self.cell = Some(String::new());
            }
            ("th" | "td", true) => {
                let s = self.cell.take().unwrap_or_default();
                self.row.push(if s.is_empty() { Vec::new() } else { vec![Inline::Text { s }] });
            }
            ("tr", true) => {
                let row = std::mem::take(&mut self.row);
                if self.in_head { self.head = row } else { self.rows.push(row) }
            }
            ("table", true) => self.done = true,
            _ => {}
        }
    }

    /// The table; none without a header row (an author's own table of that class, which the
    /// PDF leaves out like other raw HTML: a table of no columns cannot be typeset).
    fn finish(mut self) -> Option<Block> {
        let cols = self.head.len();
        if cols == 0 {
            return None;
        }
        for r in &mut self.rows {
            r.resize(cols, Vec::new());
        }
        self.align.resize(cols, "left");
        Some(Block::Table {
            align: self.align,
            head: self.head,
            rows: self.rows,
            number: 0,
            caption: self.caption.unwrap_or_default(),
        })
    }
}

/// The text of HTML `format::table` escaped (`util::escape::html`).
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_table_becomes_a_tree_table() {
        let h = format!(
            "<div class=\"table-scroll\">{MARK}<caption>党员·按年龄（单位：人）</caption><thead><tr><th scope=\"col\">年龄</th><th scope=\"col\" class=\"num\">数值（人）</th><th scope=\"col\">说明</th></tr></thead><tbody><tr><th scope=\"row\">&lt;青年&gt; &amp; 其他</th><td class=\"num\">1 234,5</td><td></td></tr></tbody><tfoot><tr><th scope=\"row\">合计</th><td class=\"num\">100</td><td></td></tr></tfoot></table></div>"
        );
        let Some(Block::Table { align, head, rows, caption, .. }) = parse(&h) else { panic!("no table") };
        assert_eq!(caption, "党员·按年龄（单位：人）");
        assert_eq!(align, ["left", "right", "left"]);
        assert_eq!(head.len(), 3);
        let text = |c: &Vec<Inline>| super::super::tree::plain(c);
        assert_eq!(rows.len(), 2);
        assert_eq!(text(&rows[0][0]), "<青年> & 其他");
        assert_eq!(text(&rows[0][1]), "1 234,5");
        assert!(rows[0][2].is_empty());
        assert_eq!(text(&rows[1][0]), "合计");
    }

    #[test]
    fn other_html_is_no_table() {
        assert!(parse("<table><tr><td>x</td></tr></table>").is_none());
        // An author's table of the class, without a header row: no columns to typeset.
        assert!(parse(&format!("{MARK}<tbody><tr><td>1</td></tr></tbody></table>")).is_none());
    }
}
