//! A static, client-side full-text index that works for Chinese.
//!
//! Chinese has no spaces, so words are not split on whitespace (mdBook's
//! failure). Each run of CJK characters is indexed as its characters and
//! its overlapping character pairs (bigrams); runs of Latin letters and
//! digits as lowercase words. A query is cut the same way and a section
//! matches when it has every query token; the browser then confirms the
//! exact phrase in the section text and highlights it.
//!
//! The index is sharded by token hash so that the browser fetches only the
//! shards its query needs: `search/meta.json` (the shard count and where each text file
//! starts), one `search/s<N>.json` per shard (token → delta-encoded chapter numbers; tokens
//! of chapter titles also as `^token`, for ranking) and `search/t<N>.json` per block of whole
//! chapters (their URLs, titles and sections' ids, titles and texts, for the phrase check and
//! snippets), all loaded lazily on the search page.
//! Postings are per chapter, not per section: a section is found in the browser among the
//! few chapters that match, and the index is about half the size. The same tokenizer runs in
//! `themes/default/static/js/search.js`; keep the two in step.
//!
//! The index is built while the chapters are rendered ([`Indexer`]): each chapter goes into the
//! postings of the thread that rendered it, and its text block is written as soon as the
//! block's last chapter is in, so a large site's text is never held whole. On a large site the
//! browser fetches the texts of the matching chapters a batch at a time (see `search.js`).

#[cfg(test)]
use std::collections::BTreeMap;

use crate::util::escape::push_json_str;

/// One searchable chapter, for building an index from whole chapters in tests (a build adds
/// chapters to an [`Indexer`] as it renders them).
#[cfg(test)]
#[derive(Debug, Clone)]
pub struct Doc {
    /// The chapter's URL.
    pub url: String,
    pub chapter: String,
    pub sections: Vec<Section>,
}

/// One section of a chapter: its heading's id (empty before the first heading), title, text.
pub use crate::markdown::Section;

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Lowercase; full-width ASCII forms to ASCII (ＷｅｂＶｉｓｉｏｎ → webvision).
pub fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Tokens of indexed text: CJK unigrams and bigrams, and words. The reference the keyed
/// tokenizer ([`for_each_token`]) is tested against.
#[cfg(test)]
pub fn index_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_runs(&normalize(text), |run, cjk| {
        if cjk {
            let cs: Vec<char> = run.chars().collect();
            for (i, c) in cs.iter().enumerate() {
                out.push(c.to_string());
                if let Some(n) = cs.get(i + 1) {
                    out.push(format!("{c}{n}"));
                }
            }
        } else {
            out.push(run.to_string());
        }
    });
    out
}

/// Tokens of a query: bigrams of each CJK run (its character if it is one long), and words.
pub fn query_tokens(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_runs(&normalize(q), |run, cjk| {
        if cjk {
            let cs: Vec<char> = run.chars().collect();
            if cs.len() == 1 {
                out.push(run.to_string());
            }
            for w in cs.windows(2) {
                out.push(w.iter().collect());
            }
        } else {
            out.push(run.to_string());
        }
    });
    out.sort();
    out.dedup();
    out
}

fn for_runs(s: &str, mut f: impl FnMut(&str, bool)) {
    let mut start: Option<(usize, bool)> = None;
    for (i, c) in s.char_indices() {
        let kind = if is_cjk(c) {
            Some(true)
        } else if c.is_alphanumeric() {
            Some(false)
        } else {
            None
        };
        match (start, kind) {
            (Some((_, k)), Some(k2)) if k == k2 => {}
            (Some((b, k)), _) => {
                f(&s[b..i], k);
                start = kind.map(|k| (i, k));
            }
            (None, Some(k)) => start = Some((i, k)),
            (None, None) => {}
        }
    }
    if let Some((b, k)) = start {
        f(&s[b..], k);
    }
}

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

/// A token as a number: a CJK character (`c << 21`), a CJK pair (`c1 << 21 | c2`), or a word of up
/// to 8 ASCII bytes (tag bit 63, the bytes packed 7 bits each, the length in bits 56..60). Longer
/// or non-ASCII words are kept as strings. Keys only group postings; the output is ordered by the
/// token's text, so it does not depend on this encoding.
const WORD: u64 = 1 << 63;

/// Marks a token of a chapter's title (`^` before it in the shard files): the browser ranks the
/// chapters whose title has the query first without loading every title.
const TITLE: u64 = 1 << 62;

fn word_key(w: &[u8]) -> Option<u64> {
    if w.len() > 8 || !w.is_ascii() {
        return None;
    }
    let mut k = WORD | (w.len() as u64) << 56;
    for (i, b) in w.iter().enumerate() {
        k |= (*b as u64) << (7 * i);
    }
    Some(k)
}

/// A token's text without allocating: up to 8 bytes inline (every keyed token), else borrowed.
#[derive(Clone, Copy)]
enum Tok<'a> {
    Inline([u8; 8], u8),
    Rare(&'a str),
}

impl<'a> Tok<'a> {
    fn of_key(k: u64) -> Tok<'a> {
        let k = k & !TITLE;
        let mut buf = [0u8; 8];
        let mut n = 0;
        if k & WORD != 0 {
            n = ((k >> 56) & 0xF) as usize;
            for (i, b) in buf.iter_mut().enumerate().take(n) {
                *b = ((k >> (7 * i)) & 0x7F) as u8;
            }
        } else {
            for c in
                [(k >> 21) as u32, (k & 0x1F_FFFF) as u32].into_iter().filter(|&c| c != 0).filter_map(char::from_u32)
            {
                n += c.encode_utf8(&mut buf[n..]).len();
            }
        }
        Tok::Inline(buf, n as u8)
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Tok::Inline(b, n) => &b[..*n as usize],
            Tok::Rare(s) => s.as_bytes(),
        }
    }
}

/// Calls `key` with every index token of `parts` (joined by spaces) as a key, or `rare` with it as
/// a string when it has no key: the same tokens as [`index_tokens`], without building strings.
fn for_each_token(parts: &[&str], mut key: impl FnMut(u64), mut rare: impl FnMut(&str)) {
    struct State {
        word: String,
        ascii_only: bool,
        prev_cjk: u64,
    }
    #[inline(always)]
    fn flush(st: &mut State, key: &mut impl FnMut(u64), rare: &mut impl FnMut(&str)) {
        if !st.word.is_empty() {
            match word_key(st.word.as_bytes()) {
                Some(k) if st.ascii_only => key(k),
                _ => rare(&st.word),
            }
            st.word.clear();
            st.ascii_only = true;
        }
    }
    // One character of normalized text (full-width forms mapped, lowercased).
    #[inline(always)]
    fn step(c: char, st: &mut State, key: &mut impl FnMut(u64), rare: &mut impl FnMut(&str)) {
        if c.is_ascii() {
            st.prev_cjk = 0;
            if c.is_ascii_alphanumeric() {
                st.word.push(c.to_ascii_lowercase());
            } else {
                flush(st, key, rare);
            }
        } else if is_cjk(c) {
            flush(st, key, rare);
            let k = (c as u64) << 21;
            key(k);
            if st.prev_cjk != 0 {
                key((st.prev_cjk << 21) | c as u64);
            }
            st.prev_cjk = c as u64;
        } else {
            st.prev_cjk = 0;
            if c.is_alphanumeric() {
                st.ascii_only = false;
                st.word.push(c);
            } else {
                flush(st, key, rare);
            }
        }
    }
    let mut st = State { word: String::new(), ascii_only: true, prev_cjk: 0 };
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            step(' ', &mut st, &mut key, &mut rare);
        }
        for c in part.chars() {
            match c as u32 {
                0..=0x7F => step(c, &mut st, &mut key, &mut rare),
                0xFF01..=0xFF5E => step(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c), &mut st, &mut key, &mut rare),
                _ if is_cjk(c) => step(c, &mut st, &mut key, &mut rare),
                // Common CJK punctuation and spaces (“”、。《》…): separators, without the
                // Unicode tables. (U+3005–3007 and U+3021–303C include letters and numerals.)
                0x2000..=0x206F | 0x3000..=0x3004 | 0x3008..=0x3020 => step(' ', &mut st, &mut key, &mut rare),
                _ => {
                    for l in c.to_lowercase() {
                        step(l, &mut st, &mut key, &mut rare);
                    }
                }
            }
        }
    }
    flush(&mut st, &mut key, &mut rare);
}

type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Mix>>;

/// A multiplicative hash for integer keys (the std SipHash is several times slower here).
#[derive(Default)]
struct Mix(u64);

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
struct Postings {
    /// Keyed CJK characters and pairs, and keyed title tokens: few keys, each hit over and over.
    keys: FastMap<u64, Ids>,
    /// Keyed words and numbers of the text, as (key, chapter) once per chapter, in the order
    /// seen: a site has tens of thousands of different numbers, and a table of them misses the
    /// cache on nearly every lookup, where appending to this log does not. Sorted into lists by
    /// [`Postings::word_lists`] when the shards are written.
    word_log: Vec<(u64, u32)>,
    /// The words of the chapter being added, to log each once.
    chapter_words: KeySet,
    words: FastMap<String, Ids>,
    /// Title tokens that have no key.
    title_words: FastMap<String, Ids>,
}

/// Chapter numbers in the order they were added (each once), stored as LEB128 zigzag steps
/// from the one before. A thread takes chapters mostly in ascending order, so nearly every step
/// is small and positive and takes one byte; the rare step back (after the thread took work from
/// another) takes a few. The lists are sorted when the shards are written.
#[derive(Default)]
struct Ids {
    /// The last id pushed, plus one (0: none yet): a repeat within a chapter is seen without
    /// touching the bytes.
    last: u32,
    len: u32,
    bytes: Vec<u8>,
}

impl Ids {
    fn push(&mut self, id: u32) {
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
    fn steps(&self) -> impl Iterator<Item = u64> + '_ {
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

    /// Writes the steps as comma-separated numbers, when none of them is a step back (the ids
    /// ascending); else returns false, having written part of them.
    fn write_steps(&self, js: &mut String) -> bool {
        for (n, d) in self.steps().enumerate() {
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

    /// The ids, in the order they were pushed.
    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
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
    fn add(&mut self, id: u32, title: &str, sections: &[Section]) {
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
    fn word_lists(&mut self) -> Vec<(u64, Ids)> {
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
struct KeySet {
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

fn push_num(js: &mut String, n: u32) {
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

/// Bytes of chapter source after which a text file ends (at the end of a chapter). Blocks are
/// cut by the sources' sizes, known before anything is rendered, so that a block's file can be
/// written as soon as its last chapter is rendered.
const TEXT_BLOCK: usize = 48 * 1024;

type Emit<'a> = &'a (dyn Fn(String, String) -> crate::diag::Result<()> + Sync);

/// Builds the index while the chapters are rendered, from any thread: each chapter's sections
/// are tokenized into the postings of the thread that rendered it (so no section text is kept),
/// and each text file is handed to `emit` as soon as its last chapter is in. [`Indexer::finish`]
/// writes the shards and `meta.json`. The files do not depend on the number of threads or on
/// the order in which chapters are added.
pub struct Indexer<'a> {
    /// Chapters of each text block, in order.
    blocks: Vec<std::ops::Range<usize>>,
    block_of: Vec<u32>,
    /// Per block: the JSON of its chapters added so far, and how many are still to come.
    pending: Vec<std::sync::Mutex<(Vec<String>, usize)>>,
    /// One set of postings per thread of the pool (the lock is never contended).
    runs: Vec<std::sync::Mutex<Postings>>,
    emit: Emit<'a>,
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<'a> Indexer<'a> {
    /// An index of chapters whose sources have `sizes` bytes, handing files to `emit`.
    pub fn new(sizes: &[usize], emit: Emit<'a>) -> Indexer<'a> {
        let mut blocks: Vec<std::ops::Range<usize>> = Vec::new();
        let mut size = 0;
        for (i, n) in sizes.iter().enumerate() {
            match blocks.last_mut() {
                Some(g) if size < TEXT_BLOCK => g.end = i + 1,
                _ => {
                    blocks.push(i..i + 1);
                    size = 0;
                }
            }
            size += n;
        }
        let block_of = blocks.iter().enumerate().flat_map(|(b, g)| std::iter::repeat_n(b as u32, g.len())).collect();
        let pending = blocks.iter().map(|g| std::sync::Mutex::new((vec![String::new(); g.len()], g.len()))).collect();
        let runs = (0..rayon::current_num_threads().max(1)).map(|_| Default::default()).collect();
        Indexer { blocks, block_of, pending, runs, emit }
    }

    /// Adds chapter `id` (its place in `sizes`): its URL, title and sections; each chapter once.
    pub fn add(&self, id: usize, url: &str, title: &str, sections: &[Section]) -> crate::diag::Result<()> {
        let run = rayon::current_thread_index().unwrap_or(0) % self.runs.len();
        lock(&self.runs[run]).add(id as u32, title, sections);
        // The chapter's entry of its text file, [url, title, [[“#id” or “”, title, text], …]]
        // (inert JSON, as every file of the index).
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
        let b = self.block_of[id] as usize;
        let done = {
            let mut p = lock(&self.pending[b]);
            p.0[id - self.blocks[b].start] = texts;
            p.1 -= 1;
            if p.1 > 0 {
                return Ok(());
            }
            std::mem::take(&mut p.0)
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
        (self.emit)(format!("search/t{b}.json"), file)
    }

    /// Writes the shards and `meta.json`.
    pub fn finish(self) -> crate::diag::Result<()> {
        use rayon::prelude::*;
        let mut runs: Vec<Postings> =
            self.runs.into_iter().map(|r| r.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)).collect();
        let word_lists: Vec<Vec<(u64, Ids)>> = runs.par_iter_mut().map(Postings::word_lists).collect();
        let total: usize = runs
            .iter()
            .flat_map(|r| r.keys.values().chain(r.words.values()).chain(r.title_words.values()))
            .chain(word_lists.iter().flatten().map(|(_, ids)| ids))
            .map(|ids| ids.len as usize)
            .sum();
        // About 8,000 postings a shard, a power of two between 1 and 256.
        let shards = (total / 8000).clamp(1, 256).next_power_of_two() as u32;
        // Every (token, in a title, ids) goes to its shard; the token text decides both the shard
        // and the order. A title token is in the same shard as the token itself.
        // Each entry carries its token's first eight bytes as a big-endian number: tokens are
        // ordered by comparing two integers, and by their bytes only when those are equal.
        type Entry<'r> = (u64, Tok<'r>, bool, &'r Ids);
        fn entry<'r>(tok: Tok<'r>, title: bool, ids: &'r Ids) -> Entry<'r> {
            let mut head = [0u8; 8];
            let b = tok.bytes();
            let n = b.len().min(8);
            head[..n].copy_from_slice(&b[..n]);
            (u64::from_be_bytes(head), tok, title, ids)
        }
        let mut buckets: Vec<Vec<Entry>> = vec![Vec::new(); shards as usize];
        for (run, words) in runs.iter().zip(&word_lists) {
            for (k, ids) in run.keys.iter().chain(words.iter().map(|(k, ids)| (k, ids))) {
                let tok = Tok::of_key(*k);
                buckets[shard_of_bytes(tok.bytes(), shards) as usize].push(entry(tok, k & TITLE != 0, ids));
            }
            for (words, title) in [(&run.words, false), (&run.title_words, true)] {
                for (w, ids) in words {
                    buckets[shard_of(w, shards) as usize].push(entry(Tok::Rare(w), title, ids));
                }
            }
        }
        let same = |x: &Entry, y: &Entry| x.0 == y.0 && x.2 == y.2 && x.1.bytes() == y.1.bytes();
        let emit = self.emit;
        let pages = self.block_of.len();
        buckets.into_par_iter().enumerate().try_for_each(|(i, mut b)| {
            // (No token has a zero byte, so a shorter token padded with zeros sorts first, as
            // comparing the bytes would.)
            b.sort_unstable_by(|x, y| {
                x.0.cmp(&y.0).then_with(|| x.1.bytes().cmp(y.1.bytes())).then_with(|| x.2.cmp(&y.2))
            });
            let mut js = String::with_capacity(
                b.iter().map(|e| e.1.bytes().len() + 5 + 4 * e.3.len as usize).sum::<usize>() + 2,
            );
            js.push('{');
            let mut ids: Vec<u32> = Vec::new();
            let mut seen = vec![0u64; pages.div_ceil(64)];
            let mut k = 0;
            while k < b.len() {
                // One token: its lists from every thread, merged.
                let first = k;
                let (text, title) = (b[k].1.bytes(), b[k].2);
                while k < b.len() && same(&b[k], &b[first]) {
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
                if k - first == 1 && b[first].3.write_steps(&mut js) {
                    js.push(']');
                    continue;
                }
                js.truncate(mark);
                // Else its lists from every thread, merged. A token in many chapters (a common
                // character) is merged in a bitset of all chapters, read in order; a rarer one by
                // sorting (each list is a few ascending runs, which a merging sort finds).
                let total: usize = b[first..k].iter().map(|e| e.3.len as usize).sum();
                let mut prev = 0;
                let mut put = |j: usize, id: u32| {
                    if j > 0 {
                        js.push(',');
                    }
                    push_num(&mut js, id - prev);
                    prev = id;
                };
                if total * 32 > pages {
                    for e in &b[first..k] {
                        for id in e.3.iter() {
                            seen[id as usize / 64] |= 1 << (id % 64);
                        }
                    }
                    let mut j = 0;
                    for (w, word) in seen.iter_mut().enumerate() {
                        let mut bits = std::mem::take(word);
                        while bits != 0 {
                            put(j, (w * 64) as u32 + bits.trailing_zeros());
                            j += 1;
                            bits &= bits - 1;
                        }
                    }
                } else {
                    ids.clear();
                    for e in &b[first..k] {
                        ids.extend(e.3.iter());
                    }
                    ids.sort();
                    for (j, &id) in ids.iter().enumerate() {
                        put(j, id);
                    }
                }
                js.push(']');
            }
            js.push('}');
            // Tokens are letters, digits and CJK characters and the rest numbers: already inert.
            emit(format!("search/s{i}.json"), js)
        })?;
        // Freeing some hundred thousand lists takes a while: done on the side.
        let _ = std::thread::Builder::new().spawn(move || drop((runs, word_lists)));
        // meta.json: {"v": 3, "shards": S, "pages": N, "blocks": [first chapter of each text file]}.
        // Chapter n (what the postings hold) is in the last block that starts at or before n;
        // its URL and title are in its entry there. A few bytes a block, not a line per chapter.
        let mut meta = String::with_capacity(self.blocks.len() * 6 + 64);
        meta.push_str("{\"v\":3,\"shards\":");
        push_num(&mut meta, shards);
        meta.push_str(",\"pages\":");
        push_num(&mut meta, self.block_of.len() as u32);
        meta.push_str(",\"blocks\":[");
        for (b, g) in self.blocks.iter().enumerate() {
            if b > 0 {
                meta.push(',');
            }
            push_num(&mut meta, g.start as u32);
        }
        meta.push_str("]}");
        emit("search/meta.json".to_string(), meta)
    }
}

/// Builds the index files of `docs`: relative path → JSON text.
#[cfg(test)]
pub fn build(docs: &[Doc]) -> BTreeMap<String, String> {
    let files = std::sync::Mutex::new(BTreeMap::new());
    let _ = build_into(docs, &|path, json| {
        lock(&files).insert(path, json);
        Ok(())
    });
    files.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Builds the index files of `docs` in parallel, handing each (relative path, JSON text) to
/// `emit` as soon as it is made; stops at the first error `emit` returns.
#[cfg(test)]
pub fn build_into(docs: &[Doc], emit: Emit<'_>) -> crate::diag::Result<()> {
    use rayon::prelude::*;
    let sizes: Vec<usize> =
        docs.iter().map(|d| d.sections.iter().map(|s| s.title.len() + s.text.len()).sum()).collect();
    let ix = Indexer::new(&sizes, emit);
    docs.par_iter().enumerate().try_for_each(|(i, d)| ix.add(i, &d.url, &d.chapter, &d.sections))?;
    ix.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_chinese_and_words() {
        assert_eq!(query_tokens("猎德"), ["猎德"]);
        assert_eq!(query_tokens("三会一课"), ["一课", "三会", "会一"]);
        assert_eq!(query_tokens("ＷｅｂＶｉｓｉｏｎ 竞赛"), ["webvision", "竞赛"]);
        assert_eq!(query_tokens("党"), ["党"]);
        assert_eq!(index_tokens("猎德街39个"), ["猎", "猎德", "德", "德街", "街", "39", "个"]);
    }

    #[test]
    fn every_query_token_is_indexed() {
        let text = "2020年，天河区组建了两新组织党员突击队；三会一课制度；WebVision竞赛";
        let idx = index_tokens(text);
        for q in ["党员突击队", "三会一课", "WebVision", "突击"] {
            for t in query_tokens(q) {
                assert!(idx.contains(&t), "{q}: {t} not indexed");
            }
        }
    }

    /// The keyed tokenizer finds exactly the tokens of the reference one, including words that
    /// are long, non-ASCII, full-width or change length when lowercased.
    #[test]
    fn keyed_tokens_match_the_reference() {
        let text = "天河区ＷｅｂＶｉｓｉｏｎ竞赛 2021年6月 İstanbul ÆØÅ straße ΣΟΦΙΑ abcdefgh abcdefghi x1 党 \
                    “两新”组织、《白皮书》。〇々〆 １２３Ａ R&D COVID-19 𠀀𠀁字 😀表 é—中\u{3000}文 Ⅻ年 ﹏丨";
        let mut got = Vec::new();
        let mut words = Vec::new();
        for_each_token(
            &[text],
            |k| got.push(String::from_utf8(Tok::of_key(k).bytes().to_vec()).unwrap()),
            |w| words.push(w.to_string()),
        );
        assert!(words.iter().any(|w| w == "abcdefghi") && words.iter().any(|w| w == "straße"));
        got.extend(words);
        got.sort();
        got.dedup();
        let mut want = index_tokens(text);
        want.sort();
        want.dedup();
        assert_eq!(got, want);
    }

    #[test]
    fn index_does_not_depend_on_threads_or_order() {
        let docs: Vec<Doc> = (0..1300)
            .map(|i| Doc {
                url: format!("/p{i}/"),
                chapter: "章".into(),
                sections: (0..2)
                    .map(|k| Section {
                        id: format!("s{k}"),
                        title: format!("第{}节", i % 7),
                        // A token of the second section only, and one in both; `x…` is in 40
                        // chapters in a row (few enough to be merged by sorting, not a bitset).
                        text: if k == 0 {
                            format!("猎德街 党员 word{}", i % 5)
                        } else {
                            format!("街道 {} x{}", i % 11, i / 40)
                        },
                    })
                    .collect(),
            })
            .collect();
        let files = build(&docs);
        // Chapters are added from whatever thread renders them, in any order: the files are
        // the same on one thread, on several, and with the chapters added back to front.
        for threads in [1, 3, 5] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            assert!(pool.install(|| build(&docs)) == files, "{threads} threads");
        }
        let backwards = std::sync::Mutex::new(BTreeMap::new());
        let emit = |path: String, json: String| {
            backwards.lock().unwrap().insert(path, json);
            Ok(())
        };
        let sizes: Vec<usize> =
            docs.iter().map(|d| d.sections.iter().map(|s| s.title.len() + s.text.len()).sum()).collect();
        let ix = Indexer::new(&sizes, &emit);
        for (i, d) in docs.iter().enumerate().rev() {
            ix.add(i, &d.url, &d.chapter, &d.sections).unwrap();
        }
        ix.finish().unwrap();
        assert!(backwards.into_inner().unwrap() == files, "chapters added back to front");
        let meta: serde_json::Value = serde_json::from_str(&files["search/meta.json"]).unwrap();
        let shards = meta["shards"].as_u64().unwrap() as u32;
        assert!(shards > 1, "{shards}");
        let ids = |t: &str| {
            let idx: serde_json::Value =
                serde_json::from_str(&files[&format!("search/s{}.json", shard_of(t, shards))]).unwrap();
            let mut id = 0;
            idx[t]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    id += d.as_u64().unwrap();
                    id
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("猎德"), (0..1300).collect::<Vec<u64>>());
        assert_eq!(ids("节"), (0..1300).collect::<Vec<u64>>(), "once per chapter, not per section");
        assert_eq!(ids("word3"), (0..1300).filter(|i| i % 5 == 3).collect::<Vec<u64>>());
        assert_eq!(ids("10"), (0..1300).filter(|i| i % 11 == 10).collect::<Vec<u64>>());
        // No pair across the end of one section and the start of the next.
        assert!(
            serde_json::from_str::<serde_json::Value>(&files[&format!("search/s{}.json", shard_of("街街", shards))])
                .unwrap()
                .get("街街")
                .is_none()
        );
    }

    /// Text files hold whole chapters, about TEXT_BLOCK bytes each, and every chapter's entry
    /// points at its own sections.
    #[test]
    fn text_blocks_keep_chapters_whole() {
        let docs: Vec<Doc> = (0..100)
            .map(|i| Doc {
                url: format!("/p{i}/"),
                chapter: format!("第{i}章"),
                sections: (0..3)
                    .map(|k| Section {
                        id: if k == 0 { String::new() } else { format!("s{k}") },
                        title: format!("节{k}"),
                        text: format!("{i}号文本").repeat(100 + (i + k) % 7),
                    })
                    .collect(),
            })
            .collect();
        let files = build(&docs);
        let meta: serde_json::Value = serde_json::from_str(&files["search/meta.json"]).unwrap();
        assert_eq!(meta["pages"].as_u64().unwrap() as usize, docs.len());
        let starts: Vec<usize> =
            meta["blocks"].as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as usize).collect();
        assert_eq!(starts[0], 0);
        assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
        for (i, d) in docs.iter().enumerate() {
            // Chapter i is in the last block that starts at or before it (as search.js finds it).
            let block = starts.iter().rposition(|&s| s <= i).unwrap();
            let n = i - starts[block];
            type Entry = (String, String, Vec<(String, String, String)>);
            let texts: Vec<Entry> = serde_json::from_str(&files[&format!("search/t{block}.json")]).unwrap();
            assert_eq!((texts[n].0.as_str(), texts[n].1.as_str()), (d.url.as_str(), d.chapter.as_str()));
            let want: Vec<(String, String, String)> = d
                .sections
                .iter()
                .map(|s| {
                    let anchor = if s.id.is_empty() { String::new() } else { format!("#{}", s.id) };
                    (anchor, s.title.clone(), s.text.clone())
                })
                .collect();
            assert_eq!(texts[n].2, want);
        }
        let blocks = files.keys().filter(|k| k.starts_with("search/t")).count();
        let total: usize = docs.iter().flat_map(|d| &d.sections).map(|s| s.title.len() + s.text.len()).sum();
        assert!(blocks > 1 && blocks <= total / TEXT_BLOCK + 1, "{blocks} blocks for {total} bytes");
    }

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
        // Ascending ids are written as their deltas straight from the steps; a step back is
        // refused (the caller then sorts).
        let mut up = Ids::default();
        for id in [3u32, 4, 4, 9, 200, 70_000] {
            up.push(id);
        }
        let mut js = String::new();
        assert!(up.write_steps(&mut js));
        assert_eq!(js, "3,1,5,191,69800");
        assert!(!ids.write_steps(&mut String::new()));
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

    #[test]
    fn shards_are_stable() {
        assert_eq!(shard_of("猎德", 1), 0);
        assert_eq!(shard_of("a", 16), (0x811c9dc5_u32 ^ 0x61).wrapping_mul(0x01000193) % 16);
        let docs = vec![Doc {
            url: "/a/".into(),
            chapter: "甲".into(),
            sections: vec![Section { id: "x".into(), title: "乙".into(), text: "猎德街".into() }],
        }];
        let files = build(&docs);
        assert!(files["search/meta.json"].contains("\"shards\":1"));
        assert!(files["search/s0.json"].contains("\"猎德\":[0]"));
        // The chapter title's tokens, marked, for ranking; the section title's are plain tokens.
        assert!(files["search/s0.json"].contains("\"^甲\":[0]") && !files["search/s0.json"].contains("\"^乙\""));
        assert!(files["search/s0.json"].contains("\"乙\":[0]") && !files["search/s0.json"].contains("\"甲\":"));
        assert_eq!(files["search/meta.json"], "{\"v\":3,\"shards\":1,\"pages\":1,\"blocks\":[0]}");
        assert_eq!(files["search/t0.json"], "[[\"/a/\",\"甲\",[[\"#x\",\"乙\",\"猎德街\"]]]]");
    }
}
