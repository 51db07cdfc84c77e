//! The shard files `search/s<N>.json`: token → delta-encoded chapter numbers.
//!
//! Owns the shard of a token (FNV-1a of its bytes, which the browser computes too) and the
//! writing of a shard. It takes every thread's [`Postings`] once all chapters are in, and
//! produces one JSON object per shard, its tokens in byte order and each token's lists from
//! every thread merged into one ascending list, so the files do not depend on the threads.

use super::postings::{Ids, Postings};
use super::tokenize::{TITLE, Tok};

/// FNV-1a over the UTF-8 bytes; the browser computes the same.
pub fn shard_of(token: &str, shards: u32) -> u32 {
    shard_of_bytes(token.as_bytes(), shards)
}

fn shard_of_bytes(token: &[u8], shards: u32) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in token {
        h ^= *b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h % shards
}

/// How many shards the postings of `runs` (with their word lists) fill: about 8,000 postings a
/// shard, a power of two between 1 and 256.
pub(super) fn count(runs: &[Postings], word_lists: &[Vec<(u64, Ids)>]) -> u32 {
    let total: usize = runs
        .iter()
        .flat_map(|r| r.keys.values().chain(r.words.values()).chain(r.title_words.values()))
        .chain(word_lists.iter().flatten().map(|(_, ids)| ids))
        .map(|ids| ids.len as usize)
        .sum();
    (total / 8000).clamp(1, 256).next_power_of_two() as u32
}

/// One thread's list of chapters for one token (or for the token in titles). It carries the
/// token's first eight bytes as a big-endian number: tokens are ordered by comparing two
/// integers, and by their bytes only when those are equal.
pub(super) struct List<'r> {
    head: u64,
    tok: Tok<'r>,
    title: bool,
    ids: &'r Ids,
}

impl<'r> List<'r> {
    fn new(tok: Tok<'r>, title: bool, ids: &'r Ids) -> List<'r> {
        let mut head = [0u8; 8];
        let b = tok.bytes();
        let n = b.len().min(8);
        head[..n].copy_from_slice(&b[..n]);
        List { head: u64::from_be_bytes(head), tok, title, ids }
    }

    fn same_token(&self, other: &List) -> bool {
        self.head == other.head && self.title == other.title && self.tok.bytes() == other.tok.bytes()
    }
}

/// Every list of `runs` in its shard; the token text decides both the shard and the order. A
/// title token is in the same shard as the token itself.
pub(super) fn buckets<'r>(runs: &'r [Postings], word_lists: &'r [Vec<(u64, Ids)>], shards: u32) -> Vec<Vec<List<'r>>> {
    let mut buckets: Vec<Vec<List>> = Vec::new();
    buckets.resize_with(shards as usize, Vec::new);
    for (run, words) in runs.iter().zip(word_lists) {
        for (k, ids) in run.keys.iter().chain(words.iter().map(|(k, ids)| (k, ids))) {
            let tok = Tok::of_key(*k);
            buckets[shard_of_bytes(tok.bytes(), shards) as usize].push(List::new(tok, k & TITLE != 0, ids));
        }
        for (words, title) in [(&run.words, false), (&run.title_words, true)] {
            for (w, ids) in words {
                buckets[shard_of(w, shards) as usize].push(List::new(Tok::Rare(w), title, ids));
            }
        }
    }
    buckets
}

/// The JSON of one shard of a site of `pages` chapters: `{"token":[deltas],"^title token":[…]}`.
pub(super) fn write(mut b: Vec<List>, pages: usize) -> String {
    // (No token has a zero byte, so a shorter token padded with zeros sorts first, as
    // comparing the bytes would.)
    b.sort_unstable_by(|x, y| {
        x.head.cmp(&y.head).then_with(|| x.tok.bytes().cmp(y.tok.bytes())).then_with(|| x.title.cmp(&y.title))
    });
    let mut js =
        String::with_capacity(b.iter().map(|e| e.tok.bytes().len() + 5 + 4 * e.ids.len as usize).sum::<usize>() + 2);
    js.push('{');
    let mut scratch = Scratch { ids: Vec::new(), seen: vec![0u64; pages.div_ceil(64)] };
    let mut k = 0;
    while k < b.len() {
        // One token: its lists from every thread, merged.
        let first = k;
        let (text, title) = (b[k].tok.bytes(), b[k].title);
        while k < b.len() && b[k].same_token(&b[first]) {
            k += 1;
        }
        if js.len() > 1 {
            js.push(',');
        }
        // Tokens are letters, digits and CJK characters: nothing to escape.
        js.push_str(if title { "\"^" } else { "\"" });
        js.push_str(std::str::from_utf8(text).unwrap_or_default());
        js.push_str("\":[");
        // A token one thread alone saw, with its chapters in ascending order (the usual
        // case): its steps are already the deltas the file holds.
        let mark = js.len();
        if k - first == 1 && write_ascending(b[first].ids, &mut js) {
            js.push(']');
            continue;
        }
        js.truncate(mark);
        merge(&b[first..k], pages, &mut scratch, &mut js);
        js.push(']');
    }
    js.push('}');
    // Tokens are letters, digits and CJK characters and the rest numbers: already inert.
    js
}

/// Buffers reused from one token to the next while a shard is written.
struct Scratch {
    /// The ids of a token, to be sorted.
    ids: Vec<u32>,
    /// One bit per chapter, all clear between tokens.
    seen: Vec<u64>,
}

/// Writes the ids of `lists` (one token's, from every thread) as ascending deltas. A token in
/// many chapters (a common character) is merged in a bitset of all chapters, read in order; a
/// rarer one by sorting (each list is a few ascending runs, which a merging sort finds).
fn merge(lists: &[List], pages: usize, scratch: &mut Scratch, js: &mut String) {
    let total: usize = lists.iter().map(|e| e.ids.len as usize).sum();
    let mut prev = 0;
    let mut put = |j: usize, id: u32| {
        if j > 0 {
            js.push(',');
        }
        push_num(js, id - prev);
        prev = id;
    };
    if total * 32 > pages {
        for e in lists {
            for id in e.ids.iter() {
                scratch.seen[id as usize / 64] |= 1 << (id % 64);
            }
        }
        let mut j = 0;
        for (w, word) in scratch.seen.iter_mut().enumerate() {
            let mut bits = std::mem::take(word);
            while bits != 0 {
                put(j, (w * 64) as u32 + bits.trailing_zeros());
                j += 1;
                bits &= bits - 1;
            }
        }
    } else {
        let ids = &mut scratch.ids;
        ids.clear();
        for e in lists {
            ids.extend(e.ids.iter());
        }
        ids.sort();
        for (j, &id) in ids.iter().enumerate() {
            put(j, id);
        }
    }
}

/// Writes the steps of `ids` as comma-separated numbers, when none of them is a step back (the
/// ids ascending); else returns false, having written part of them.
fn write_ascending(ids: &Ids, js: &mut String) -> bool {
    for (n, d) in ids.steps().enumerate() {
        if d & 1 != 0 {
            return false;
        }
        if n > 0 {
            js.push(',');
        }
        push_num(js, (d >> 1) as u32);
    }
    true
}

/// Appends `n` in decimal.
pub(super) fn push_num(js: &mut String, n: u32) {
    if n < 10 {
        js.push((b'0' + n as u8) as char);
        return;
    }
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &buf[i..] {
        js.push(d as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ascending ids are written as their deltas straight from the steps; a step back is
    /// refused (the caller then sorts).
    #[test]
    fn ascending_ids_are_written_from_their_steps() {
        let mut up = Ids::default();
        for id in [3u32, 4, 4, 9, 200, 70_000] {
            up.push(id);
        }
        let mut js = String::new();
        assert!(write_ascending(&up, &mut js));
        assert_eq!(js, "3,1,5,191,69800");
        let mut back = Ids::default();
        for id in [5u32, 9, 2] {
            back.push(id);
        }
        assert!(!write_ascending(&back, &mut String::new()));
    }
}
