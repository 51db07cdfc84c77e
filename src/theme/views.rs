//! The view types templates see.
//!
//! Owns the structs a template's context holds (`site`, `page` and what they link to). The
//! render stage fills them from the loaded site; tera serializes them. Templates get these
//! dedicated views, never internal types, so renaming internals cannot break a theme: a field
//! here is part of the theme interface.

use serde::Serialize;

use crate::markdown::TocEntry;

/// A link to a chapter.
#[derive(Debug, Clone, Serialize)]
pub struct ChapterLink {
    pub title: String,
    pub url: String,
    pub summary: String,
    /// 1-based position among the chapters.
    pub number: usize,
    pub slug: String,
}

/// The site, as templates see it (in the global context as `site`).
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    pub base_url: String,
    /// Path prefix of every URL, `/` or `/sub/path/`.
    pub base_path: String,
    pub publication: crate::config::Publication,
    pub chapters: Vec<ChapterLink>,
    pub chapter_count: usize,
    /// The chapter that documents the data (template `sources.html`), if any: linked from every page.
    pub sources: Option<ChapterLink>,
    pub datasets: Vec<DatasetLink>,
    pub generator: &'static str,
    /// Whether the site has its search page (`[build] search`).
    pub search: bool,
    /// The live-reload script's URL under `baipi serve`; `None` (null) in built sites.
    pub live_reload: Option<String>,
}

/// A dataset on the data page.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetLink {
    pub name: String,
    pub title: String,
    pub description: String,
    pub unit: String,
    pub as_of: String,
    pub source: String,
    pub csv_url: String,
    pub json_url: String,
    pub file: String,
}

/// A key figure on the cover.
#[derive(Debug, Clone, Serialize)]
pub struct KeyFigureView {
    pub label: String,
    pub value: String,
    pub unit: String,
    pub note: String,
}

/// The page being rendered (`page` in the template context).
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub title: String,
    pub summary: String,
    pub url: String,
    pub permalink: String,
    pub slug: String,
    pub number: usize,
    pub content: String,
    pub toc: Vec<TocEntry>,
    pub prev: Option<ChapterLink>,
    pub next: Option<ChapterLink>,
    pub key_figures: Vec<KeyFigureView>,
    pub data: serde_json::Value,
    pub description: String,
    /// The full-text page only: every chapter, in order.
    pub chapters: Vec<FullChapter>,
}

/// A chapter on the whole-paper page, with ids prefixed so they stay unique.
#[derive(Debug, Clone, Serialize)]
pub struct FullChapter {
    pub title: String,
    pub summary: String,
    /// Anchor of the chapter on the page.
    pub anchor: String,
    pub number: usize,
    pub content: String,
    pub toc: Vec<TocEntry>,
}
