//! Token → chapters, as one thread gathers them.
//!
//! Owns [`Postings`], the lists a thread builds from the chapters it renders, and the compact
//! list type [`Ids`]. It takes a chapter's number, title and sections, tokenized by
//! [`super::tokenize`], and produces, per token, the chapters it is in (each once, in the order
//! they were added); `shards` merges the threads' lists and writes them. The types are tuned
//! for a site of 10,000 chapters: integer keys with a cheap hash, one byte per list entry, and
//! the text's many different numbers logged instead of looked up.

use super::Section;
use super::tokenize::{TITLE, WORD, for_each_token};

pub(super) type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Mix>>;

/// A multiplicative hash for integer keys (the std SipHash is several times slower here).
#[derive(Default)]
pub(super) struct Mix(u64);

impl std::hash::Hasher for Mix {
    fn finish(&self) -> u64 {
        // The product's high bits are the well-mixed ones; the table indexes by the low bits.
        self.0.rotate_left(26)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(5) ^ *b as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// The postings one thread has gathered: token → the chapters it is in.
#[derive(Default)]
pub(super) struct Postings {
    /// Keyed CJK characters and pairs, and keyed title tokens: few keys, each hit over and over.
    pub(super) keys: FastMap<u64, Ids>,
    /// Keyed words and numbers of the text, as (key, chapter) once per chapter, in the order
    /// seen: a site has tens of thousands of different numbers, and a table of them misses the
    /// cache on nearly every lookup, where appending to this log does not. Sorted into lists by
    /// [`Postings::word_lists`] when the shards are written.
    word_log: Vec<(u64, u32)>,
    /// The words of the chapter being added, to log each once.
    chapter_words: KeySet,
    /// Words of the text that have no key.
    pub(super) words: FastMap<String, Ids>,
    /// Title tokens that have no key.
    pub(super) title_words: FastMap<String, Ids>,
}

/// Chapter numbers in the order they were added (each once), stored as LEB128 zigzag steps
/// from the one before. A thread takes chapters mostly in ascending order, so nearly every step
/// is small and positive and takes one byte; the rare step back (after the thread took work from
/// another) takes a few. The lists are sorted when the shards are written.
#[derive(Default)]
pub(super) struct Ids {
    /// The last id pushed, plus one (0: none yet): a repeat within a chapter is seen without
    /// touching the bytes.
    last: u32,
    /// How many ids.
    pub(super) len: u32,
    bytes: Vec<u8>,
}

impl Ids {
    pub(super) fn push(&mut self, id: u32) {
        if self.last == id + 1 {
            return;
        }
        let prev = i64::from(self.last.saturating_sub(1));
        let step = i64::from(id) - if self.last == 0 { 0 } else { prev };
        let mut d = ((step << 1) ^ (step >> 63)) as u64;
        loop {
            let b = (d & 0x7F) as u8;
            d >>= 7;
            if d == 0 {
                self.bytes.push(b);
                break;
            }
            self.bytes.push(b | 0x80);
        }
        self.last = id + 1;
        self.len += 1;
    }

    /// The steps as they are stored (zigzag: an odd number is a step back).
    #[inline]
    pub(super) fn steps(&self) -> impl Iterator<Item = u64> + '_ {
        let mut i = 0;
        std::iter::from_fn(move || {
            if i >= self.bytes.len() {
                return None;
            }
            let (mut d, mut shift) = (0u64, 0);
            while let Some(&b) = self.bytes.get(i) {
                i += 1;
                d |= u64::from(b & 0x7F) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    break;
                }
            }
            Some(d)
        })
    }

    /// The ids, in the order they were pushed.
    #[inline]
    pub(super) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let mut id = 0i64;
        self.steps().map(move |d| {
            id += (d >> 1) as i64 ^ -((d & 1) as i64);
            id as u32
        })
    }
}

fn push_word(words: &mut FastMap<String, Ids>, w: &str, id: u32) {
    match words.get_mut(w) {
        Some(ids) => ids.push(id),
        None => {
            let mut ids = Ids::default();
            ids.push(id);
            words.insert(w.to_string(), ids);
        }
    }
}

impl Postings {
    /// Adds chapter `id`: its title's tokens (marked [`TITLE`]) and its sections'.
    pub(super) fn add(&mut self, id: u32, title: &str, sections: &[Section]) {
        for_each_token(
            &[title],
            |k| self.keys.entry(k | TITLE).or_default().push(id),
            |w| push_word(&mut self.title_words, w, id),
        );
        for sec in sections {
            for_each_token(
                &[&sec.title, &sec.text],
                |k| {
                    if k & WORD == 0 {
                        self.keys.entry(k).or_default().push(id);
                    } else if self.chapter_words.insert(k) {
                        self.word_log.push((k, id));
                    }
                },
                |w| push_word(&mut self.words, w, id),
            );
        }
        self.chapter_words.clear();
    }

    /// The logged words as (key, chapters): the log sorted by key, then chapter.
    pub(super) fn word_lists(&mut self) -> Vec<(u64, Ids)> {
        let mut log = std::mem::take(&mut self.word_log);
        log.sort_unstable();
        let mut lists: Vec<(u64, Ids)> = Vec::new();
        for (k, id) in log {
            match lists.last_mut() {
                Some((last, ids)) if *last == k => ids.push(id),
                _ => {
                    let mut ids = Ids::default();
                    ids.push(id);
                    lists.push((k, ids));
                }
            }
        }
        lists
    }
}

/// A small set of keys (never 0), cleared after each chapter: open addressing in a table that
/// stays in the first-level cache, and a list of the slots used, so clearing is cheap.
#[derive(Default)]
pub(super) struct KeySet {
    slots: Vec<u64>,
    used: Vec<usize>,
}

impl KeySet {
    /// Adds `k`; whether it was new.
    fn insert(&mut self, k: u64) -> bool {
        if (self.used.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & mask;
        loop {
            match self.slots[i] {
                s if s == k => return false,
                0 => {
                    self.slots[i] = k;
                    self.used.push(i);
                    return true;
                }
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        let keys: Vec<u64> = self.used.iter().map(|&i| self.slots[i]).collect();
        self.slots = vec![0; (self.slots.len() * 2).max(512)];
        self.used.clear();
        for k in keys {
            self.insert(k);
        }
    }

    fn clear(&mut self) {
        for &i in &self.used {
            self.slots[i] = 0;
        }
        self.used.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_ids_round_trip() {
        let mut ids = Ids::default();
        // In the order pushed, steps back included (a thread that took work from another).
        let want = [0u32, 0, 1, 127, 128, 300, 300, 16_383, 16_384, 2_000_000, 4_000_000_000, 7, 8, 3_999_999_999, 2];
        for id in want {
            ids.push(id);
        }
        let mut dedup = want.to_vec();
        dedup.dedup();
        assert_eq!(ids.iter().collect::<Vec<_>>(), dedup);
        assert_eq!(ids.len as usize, dedup.len());
        let mut one = Ids::default();
        one.push(5);
        assert_eq!(one.iter().collect::<Vec<_>>(), [5]);
        assert_eq!(one.bytes.len(), 1);
    }

    #[test]
    fn key_set_grows_and_clears() {
        let mut set = KeySet::default();
        // More keys than the first table holds, some twice.
        for k in (1..=2000u64).chain(1..=2000) {
            set.insert(k * 0x1_0000_0001);
        }
        assert_eq!(set.used.len(), 2000);
        assert!(!set.insert(7 * 0x1_0000_0001));
        set.clear();
        assert!(set.slots.iter().all(|&s| s == 0) && set.used.is_empty());
        assert!(set.insert(7 * 0x1_0000_0001));
    }
}
