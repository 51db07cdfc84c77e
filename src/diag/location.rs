//! Locating byte offsets as lines and columns, and the width of text in a terminal.

use crate::util::text::floor_char_boundary;

/// Display width of a string in a terminal: CJK and other wide characters take two columns.
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let u = c as u32;
    let wide = matches!(u,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

/// Line starts of a text, for locating many byte offsets in it: a line is found by binary
/// search, and columns of increasing offsets on one line are counted on from the last one,
/// so locating every number or asterisk of a huge one-line file stays linear.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// (byte offset, 1-based column) of the last lookup.
    last: std::cell::Cell<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { text, starts, last: std::cell::Cell::new((0, 1)) }
    }

    /// 1-based line, 1-based character column, the line's text and the byte offset in that line.
    pub fn locate(&self, offset: usize) -> (usize, usize, &'a str, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let i = self.starts.partition_point(|s| *s <= offset).saturating_sub(1);
        let start = self.starts[i];
        let end = self.starts.get(i + 1).map_or(self.text.len(), |e| e - 1);
        let (last_off, last_col) = self.last.get();
        let col = if last_off >= start && last_off <= offset {
            last_col + self.text[last_off..offset].chars().count()
        } else {
            self.text[start..offset].chars().count() + 1
        };
        self.last.set((offset, col));
        (i + 1, col, &self.text[start..end.max(start)], offset - start)
    }

    /// The text of 1-based line `n` (empty if there is no such line).
    pub fn line(&self, n: usize) -> &'a str {
        match self.starts.get(n.wrapping_sub(1)) {
            Some(&s) => {
                let e = self.starts.get(n).map_or(self.text.len(), |e| e - 1);
                &self.text[s..e.max(s)]
            }
            None => "",
        }
    }
}

/// Line and 1-based character column of a byte offset in `src`.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..floor_char_boundary(src, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}
