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
//!
//! The parts, in the order a build uses them:
//! - `tokenize`: text → tokens (strings for queries, numeric keys for the index);
//! - `postings`: the token → chapters lists one thread gathers;
//! - `texts`: the chapters cut into text files, each written when complete;
//! - `shards`: every thread's lists merged and written by shard.
//!
//! It takes each chapter's URL, title and [`Section`]s (from `markdown`) and produces the
//! files of `search/` through the `emit` callback the build gives it.

use std::sync::Mutex;

#[cfg(test)]
use std::collections::BTreeMap;

mod postings;
mod shards;
mod texts;
mod tokenize;

/// One section of a chapter: its heading's id (empty before the first heading), title, text.
pub use crate::markdown::Section;
pub use shards::shard_of;
#[cfg(test)]
pub use tokenize::index_tokens;
pub use tokenize::{normalize, query_tokens};

use postings::Postings;
use shards::push_num;
use texts::Blocks;

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

/// Where the index's files go: (path relative to the output folder, JSON text); an error stops
/// the build.
type Emit<'a> = &'a (dyn Fn(String, String) -> crate::diag::Result<()> + Sync);

/// Builds the index while the chapters are rendered, from any thread: each chapter's sections
/// are tokenized into the postings of the thread that rendered it (so no section text is kept),
/// and each text file is handed to `emit` as soon as its last chapter is in. [`Indexer::finish`]
/// writes the shards and `meta.json`. The files do not depend on the number of threads or on
/// the order in which chapters are added.
pub struct Indexer<'a> {
    /// The text files, and the chapters of those not yet complete.
    texts: Blocks,
    /// One set of postings per thread of the pool (the lock is never contended).
    runs: Vec<Mutex<Postings>>,
    emit: Emit<'a>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<'a> Indexer<'a> {
    /// An index of chapters whose sources have `sizes` bytes, handing files to `emit`.
    pub fn new(sizes: &[usize], emit: Emit<'a>) -> Indexer<'a> {
        let runs = (0..rayon::current_num_threads().max(1)).map(|_| Default::default()).collect();
        Indexer { texts: Blocks::new(sizes), runs, emit }
    }

    /// Adds chapter `id` (its place in `sizes`): its URL, title and sections; each chapter once.
    pub fn add(&self, id: usize, url: &str, title: &str, sections: &[Section]) -> crate::diag::Result<()> {
        let run = rayon::current_thread_index().unwrap_or(0) % self.runs.len();
        lock(&self.runs[run]).add(id as u32, title, sections);
        match self.texts.put(id, texts::entry(url, title, sections)) {
            Some((path, file)) => (self.emit)(path, file),
            None => Ok(()),
        }
    }

    /// Writes the shards and `meta.json`.
    pub fn finish(self) -> crate::diag::Result<()> {
        use rayon::prelude::*;
        let mut runs: Vec<Postings> =
            self.runs.into_iter().map(|r| r.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)).collect();
        let word_lists: Vec<Vec<(u64, postings::Ids)>> = runs.par_iter_mut().map(Postings::word_lists).collect();
        let shards = shards::count(&runs, &word_lists);
        let buckets = shards::buckets(&runs, &word_lists, shards);
        let (emit, pages) = (self.emit, self.texts.chapters());
        buckets
            .into_par_iter()
            .enumerate()
            .try_for_each(|(i, b)| emit(format!("search/s{i}.json"), shards::write(b, pages)))?;
        // Freeing some hundred thousand lists takes a while: done on the side.
        let _ = std::thread::Builder::new().spawn(move || drop((runs, word_lists)));
        emit("search/meta.json".to_string(), meta(shards, &self.texts))
    }
}

/// `search/meta.json`: `{"v": 3, "shards": S, "pages": N, "blocks": [first chapter of each
/// text file]}`. Chapter n (what the postings hold) is in the last block that starts at or
/// before n; its URL and title are in its entry there. A few bytes a block, not a line per
/// chapter.
fn meta(shards: u32, texts: &Blocks) -> String {
    let starts = texts.starts();
    let mut meta = String::with_capacity(starts.len() * 6 + 64);
    meta.push_str("{\"v\":3,\"shards\":");
    push_num(&mut meta, shards);
    meta.push_str(",\"pages\":");
    push_num(&mut meta, texts.chapters() as u32);
    meta.push_str(",\"blocks\":[");
    for (b, start) in starts.enumerate() {
        if b > 0 {
            meta.push(',');
        }
        push_num(&mut meta, start as u32);
    }
    meta.push_str("]}");
    meta
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
    use texts::TEXT_BLOCK;

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
