//! The search index (sharded postings of characters and bigrams, text blocks per chapter), its
//! page and box, and `[build] search = false`.

use crate::support::library::{search_shard, search_tokens};
use crate::support::{Site, files_of};

#[test]
fn search_index_finds_chinese_terms() {
    let s = Site::fixture("basic");
    let out = s.build();
    let meta: serde_json::Value = serde_json::from_str(&out.read("search/meta.json")).unwrap();
    let shards = meta["shards"].as_u64().unwrap() as u32;
    let starts: Vec<usize> = meta["blocks"].as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as usize).collect();
    // Chapter `id`'s entry: [url, title, sections] in the last text file starting at or before it.
    let entry = |id: usize| -> serde_json::Value {
        let block = starts.iter().rposition(|&s| s <= id).unwrap();
        let texts: serde_json::Value = serde_json::from_str(&out.read(&format!("search/t{block}.json"))).unwrap();
        texts[id - starts[block]].clone()
    };
    // Every bigram of 社会组织 leads to the chapter that holds it, and its text has the section.
    for tok in search_tokens("社会组织") {
        let shard: serde_json::Value =
            serde_json::from_str(&out.read(&format!("search/s{}.json", search_shard(&tok, shards)))).unwrap();
        let deltas = shard[&tok].as_array().unwrap_or_else(|| panic!("{tok} not indexed"));
        let mut id = 0;
        let hits: Vec<serde_json::Value> = deltas
            .iter()
            .map(|d| {
                id += d.as_u64().unwrap() as usize;
                entry(id)
            })
            .collect();
        let first = hits.iter().find(|e| e[0] == "/first/").unwrap_or_else(|| panic!("{tok}: {hits:?}"));
        let sections = first[2].as_array().unwrap();
        assert!(
            sections.iter().any(|s| s[0] == "#一-概况" && s[2].as_str().unwrap().contains("社会组织")),
            "{sections:?}"
        );
    }
    let search_page = out.read("search/index.html");
    assert!(search_page.contains("id=\"search-results\" class=\"search-results\" data-base=\"/\""));
    assert!(out.read("index.html").contains(r#"<form class="search-mini" role="search""#));
}

/// `[build] search = false` leaves out the search index, its page and the search box (like
/// Zola's `build_search_index`); the rest of the site is unchanged, and nothing links to the
/// missing page.
#[test]
fn search_can_be_turned_off() {
    let on = Site::fixture("basic");
    let off = Site::fixture("basic");
    off.append("site.toml", "\n[build]\nsearch = false\n");
    let (a, b) = (on.build(), off.build());
    assert!(a.join("search/index.html").exists() && a.join("search/meta.json").exists());
    assert!(!b.join("search").exists());
    let page = b.read("first/index.html");
    assert!(!page.contains("search/") && !page.contains("search-mini"), "{page}");
    assert!(a.read("first/index.html").contains("search-mini"));
    assert_eq!(a.files().iter().filter(|(f, _)| !f.starts_with("search/")).count(), files_of(&b).len());
}
