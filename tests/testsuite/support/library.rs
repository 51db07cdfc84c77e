//! Every call the tests make into the baipi library (all other tests run the binary). When a
//! module of `src/` moves, only the line here that names it changes.

use std::path::Path;

/// What the in-memory render (the one `serve` and `check` use) produced for a site.
pub struct InMemory {
    /// Every output file as (path relative to the output folder, bytes), sorted by path.
    pub files: Vec<(String, Vec<u8>)>,
    /// The files the render handed to a stager instead of keeping them (none without one).
    pub staged: Vec<String>,
}

/// Renders the site in `root` in memory with default options, as `serve` and `check` do
/// (`baipi::pipeline::render_site`), writing nothing. Panics if the site does not render.
pub fn render_in_memory(root: &Path) -> InMemory {
    let out = baipi::pipeline::render_site(root, &baipi::site::Options::default())
        .unwrap_or_else(|e| panic!("{}: {e:?}", root.display()))
        .out;
    InMemory { files: out.files.into_iter().collect(), staged: out.staged.into_keys().collect() }
}

/// The tokens the search page looks up for query `q` (`baipi::search::query_tokens`).
pub fn search_tokens(q: &str) -> Vec<String> {
    baipi::search::query_tokens(q)
}

/// The search shard (`search/s<N>.json`) that holds `token` when there are `shards` shards
/// (`baipi::search::shard_of`).
pub fn search_shard(token: &str, shards: u32) -> u32 {
    baipi::search::shard_of(token, shards)
}

/// The ids a heading never takes (`baipi::markdown::RESERVED_IDS`).
pub fn reserved_ids() -> &'static [&'static str] {
    baipi::markdown::RESERVED_IDS
}
