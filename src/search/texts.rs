//! The text files `search/t<N>.json`: the chapters' section texts, for the phrase check and
//! the snippets.
//!
//! Owns the cut of the chapters into blocks ([`Blocks`]) and the JSON of a chapter's entry. It
//! takes the chapters' source sizes up front and then each chapter's URL, title and sections as
//! it is rendered, and produces each block's file as soon as its last chapter is in, so a large
//! site's text is never held whole.

use std::ops::Range;
use std::sync::Mutex;

use super::{Section, lock};
use crate::util::escape::push_json_str;

/// Bytes of chapter source after which a text file ends (at the end of a chapter). Blocks are
/// cut by the sources' sizes, known before anything is rendered, so that a block's file can be
/// written as soon as its last chapter is rendered.
pub(super) const TEXT_BLOCK: usize = 48 * 1024;

/// The chapters of the text files, and the entries of the files not yet complete.
pub(super) struct Blocks {
    /// Chapters of each text block, in order.
    ranges: Vec<Range<usize>>,
    /// Each chapter's block.
    block_of: Vec<u32>,
    pending: Vec<Mutex<Pending>>,
}

/// A block's entries added so far, and how many are still to come.
struct Pending {
    entries: Vec<String>,
    missing: usize,
}

impl Blocks {
    /// Blocks of whole chapters, about [`TEXT_BLOCK`] bytes of source each (`sizes`: each
    /// chapter's).
    pub(super) fn new(sizes: &[usize]) -> Blocks {
        let mut ranges: Vec<Range<usize>> = Vec::new();
        let mut size = 0;
        for (i, n) in sizes.iter().enumerate() {
            match ranges.last_mut() {
                Some(g) if size < TEXT_BLOCK => g.end = i + 1,
                _ => {
                    ranges.push(i..i + 1);
                    size = 0;
                }
            }
            size += n;
        }
        let block_of = ranges.iter().enumerate().flat_map(|(b, g)| std::iter::repeat_n(b as u32, g.len())).collect();
        let pending = ranges
            .iter()
            .map(|g| Mutex::new(Pending { entries: vec![String::new(); g.len()], missing: g.len() }))
            .collect();
        Blocks { ranges, block_of, pending }
    }

    /// How many chapters there are.
    pub(super) fn chapters(&self) -> usize {
        self.block_of.len()
    }

    /// The first chapter of each block, in order.
    pub(super) fn starts(&self) -> impl ExactSizeIterator<Item = usize> + '_ {
        self.ranges.iter().map(|g| g.start)
    }

    /// Records chapter `id`'s entry (see [`entry`]). When it was the last one its block lacked,
    /// returns the block's file: its path and JSON.
    pub(super) fn put(&self, id: usize, entry: String) -> Option<(String, String)> {
        let b = self.block_of[id] as usize;
        let done = {
            let mut p = lock(&self.pending[b]);
            p.entries[id - self.ranges[b].start] = entry;
            p.missing -= 1;
            if p.missing > 0 {
                return None;
            }
            std::mem::take(&mut p.entries)
        };
        let mut file = String::with_capacity(done.iter().map(|t| t.len() + 1).sum::<usize>() + 2);
        file.push('[');
        for (n, t) in done.iter().enumerate() {
            if n > 0 {
                file.push(',');
            }
            file.push_str(t);
        }
        file.push(']');
        Some((format!("search/t{b}.json"), file))
    }
}

/// A chapter's entry of its text file, `[url, title, [["#id" or "", title, text], …]]` (inert
/// JSON, as every file of the index).
pub(super) fn entry(url: &str, title: &str, sections: &[Section]) -> String {
    let size: usize = sections.iter().map(|s| s.id.len() + s.title.len() + s.text.len() + 16).sum();
    let mut texts = String::with_capacity(size + size / 16 + url.len() + title.len() + 8);
    texts.push('[');
    push_json_str(&mut texts, url);
    texts.push(',');
    push_json_str(&mut texts, title);
    texts.push_str(",[");
    for (k, sec) in sections.iter().enumerate() {
        texts.push_str(if k == 0 { "[" } else { ",[" });
        if sec.id.is_empty() {
            texts.push_str("\"\"");
        } else {
            push_json_str(&mut texts, &format!("#{}", sec.id));
        }
        texts.push(',');
        push_json_str(&mut texts, &sec.title);
        texts.push(',');
        push_json_str(&mut texts, &sec.text);
        texts.push(']');
    }
    texts.push_str("]]");
    texts
}
