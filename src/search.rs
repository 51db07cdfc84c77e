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
//! shards its query needs: `search/meta.json` (the sections), one
//! `search/s<N>.json` per shard (token → delta-encoded section ids) and
//! `search/t<N>.json` per chapter (section texts for snippets), all loaded
//! lazily on the search page. The same tokenizer runs in
//! `themes/default/static/js/search.js`; keep the two in step.

use serde_json::{Value, json};
use std::collections::BTreeMap;

/// One searchable section.
#[derive(Debug, Clone)]
pub struct Doc {
    pub url: String,
    pub chapter: String,
    pub title: String,
    pub text: String,
    /// Index of the chapter (for the text file).
    pub page: usize,
}

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

/// Tokens of indexed text: CJK unigrams and bigrams, and words.
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
    let mut h: u32 = 0x811c_9dc5;
    for b in token.as_bytes() {
        h ^= *b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h % shards
}

/// Builds the index files: relative path → JSON text.
pub fn build(docs: &[Doc]) -> BTreeMap<String, String> {
    // Hashed while collecting, sorted once per shard when written: the output is the same
    // bytes as with an ordered map, at a fraction of the comparisons on large sites.
    let mut postings: std::collections::HashMap<String, Vec<u32>> = std::collections::HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        let mut toks = index_tokens(&format!("{} {}", d.title, d.text));
        toks.sort_unstable();
        toks.dedup();
        for t in toks {
            postings.entry(t).or_default().push(i as u32);
        }
    }
    let total: usize = postings.values().map(Vec::len).sum();
    // About 8,000 postings a shard, a power of two between 1 and 256.
    let shards = (total / 8000).clamp(1, 256).next_power_of_two() as u32;
    let mut buckets: Vec<Vec<(&str, &Vec<u32>)>> = vec![Vec::new(); shards as usize];
    for (tok, ids) in &postings {
        buckets[shard_of(tok, shards) as usize].push((tok.as_str(), ids));
    }
    let shard_json: Vec<String> = buckets
        .iter_mut()
        .map(|b| {
            b.sort_unstable_by(|x, y| x.0.cmp(y.0));
            let mut js = String::from("{");
            for (k, (tok, ids)) in b.iter().enumerate() {
                if k > 0 {
                    js.push(',');
                }
                js.push_str(&serde_json::to_string(tok).unwrap_or_default());
                js.push_str(":[");
                let mut prev = 0;
                for (j, &id) in ids.iter().enumerate() {
                    if j > 0 {
                        js.push(',');
                    }
                    js.push_str(&(id - prev).to_string());
                    prev = id;
                }
                js.push(']');
            }
            js.push('}');
            js
        })
        .collect();
    let mut out = BTreeMap::new();
    // Each doc: [url, chapter title, section title, page, index of its text in t<page>.json].
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    let entries: Vec<Value> = docs
        .iter()
        .map(|d| {
            let n = seen.entry(d.page).or_insert(0);
            let e = json!([d.url, d.chapter, d.title, d.page, *n]);
            *n += 1;
            e
        })
        .collect();
    let meta = json!({ "v": 1, "shards": shards, "docs": entries });
    out.insert("search/meta.json".to_string(), inert(meta.to_string()));
    for (i, js) in shard_json.into_iter().enumerate() {
        out.insert(format!("search/s{i}.json"), inert(js));
    }
    let mut pages: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for d in docs {
        pages.entry(d.page).or_default().push(d.text.as_str());
    }
    for (p, texts) in pages {
        out.insert(format!("search/t{p}.json"), inert(serde_json::to_string(&texts).unwrap_or_default()));
    }
    out
}

/// JSON with `<`, `>` and `&` written as `\u003c` … : the same data, but inert even if a
/// file is ever pasted into a page or served with the wrong type. (They only occur inside strings.)
pub fn inert(json: String) -> String {
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
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

    #[test]
    fn shards_are_stable() {
        assert_eq!(shard_of("猎德", 1), 0);
        assert_eq!(shard_of("a", 16), (0x811c9dc5_u32 ^ 0x61).wrapping_mul(0x01000193) % 16);
        let docs =
            vec![Doc {
                url: "/a/#x".into(), chapter: "甲".into(), title: "乙".into(), text: "猎德街".into(), page: 0
            }];
        let files = build(&docs);
        assert!(files["search/meta.json"].contains("\"shards\":1"));
        assert!(files["search/s0.json"].contains("\"猎德\":[0]"));
        assert_eq!(files["search/t0.json"], "[\"猎德街\"]");
    }
}
