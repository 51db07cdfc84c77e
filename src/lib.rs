//! baipi — a static site generator for statistical white papers.
//!
//! The pipeline, one module a stage, each a function from values to values:
//!
//! ```text
//! site.toml ─► config::load ─► Config
//! content/**/*.md ─► content::load_dir ─► Chapter (front matter + body)
//! data/**/*.yaml ─► data::load_dir ─► Dataset ─► stats::compute ─► Computed (+ checks)
//! Chapter body ─► prose (tera expressions over data) ─► markdown ─► HTML
//! Site ─► build::render_into (pages, search, open data) ─► Output { path → bytes }
//!          └─ with a write::Stager, pages and the search index are written as they render
//! Output ─► write::Stager::commit (changed files only, by rename)   |   Output ─► serve (memory)
//! ```
//!
//! Only `write` touches the output folder, and nothing it writes takes effect before the commit.

pub mod build;
pub mod charts;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod data;
pub mod diagnostics;
pub mod factcheck;
pub mod files;
pub mod format;
pub mod frontmatter;
pub mod init;
pub mod markdown;
pub mod number;
pub mod opendata;
pub mod outdir;
pub mod prose;
pub mod search;
pub mod serve;
pub mod site;
pub mod stats;
pub mod theme;
pub mod write;
