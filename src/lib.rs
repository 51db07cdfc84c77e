//! baipi — a static site generator for statistical white papers.
//!
//! The modules are the pipeline's stages, listed here from the bottom up: each imports only
//! modules above it in this list (`tests/layers.rs` enforces it).
//!
//! ```text
//! site.toml ─► config ─► Config
//! content/**/*.md ─► content ─► Chapter (front matter + body)
//! data/**/*.yaml ─► data ─► Dataset ─► stats ─► Computed (+ consistency checks)
//! all three ─► site ─► Site (immutable) ─► factcheck (prose against data)
//! chart specs + data ─► charts ─► Figure (SVG, table, summary)
//! Chapter body ─► prose (expressions over data) ─► markdown ─► HTML
//! Site + figures + theme ─► render ─► Output { path → bytes } (+ search index)
//! Output ─► output::Stager (changed files only, by rename)   |   Output ─► serve (memory)
//! ```
//!
//! Only `output` touches the output folder, and nothing it writes takes effect before the commit.

// Layer 0: no knowledge of sites.
pub mod number;
pub mod util;
// Layer 1: problems and where they are; reading source files.
pub mod diag;
pub mod source;
// Layer 2: formatting numbers and Markdown, shared by the stages.
pub mod format;
pub mod markdown;
// Layer 3: loading.
pub mod config;
pub mod content;
pub mod data;
pub mod stats;
pub mod site;
// Layer 4: what is made of the loaded site.
pub mod factcheck;
pub mod prose;
pub mod charts;
pub mod search;
pub mod theme;
// Layer 5: rendering and writing.
pub mod pdf;
pub mod output;
pub mod render;
pub mod pipeline;
// Layer 6: the commands.
pub mod report;
pub mod serve;
pub mod cli;
