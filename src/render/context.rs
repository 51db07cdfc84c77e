//! What templates and prose see: `site` (configuration, chapter and dataset links), `data`,
//! and a chapter's `page`; and where each chapter file is linked to.

use std::collections::BTreeMap;

use tera::Context;

use super::paths;
use crate::content::Chapter;
use crate::site::Site;
use crate::theme::{ChapterLink, DatasetLink, SiteView};

/// What templates see as `site`: the configuration, every chapter's link and every dataset's.
pub fn site_view(site: &Site) -> SiteView {
    let cfg = &site.config;
    let bp = &cfg.base_path;
    let links: Vec<ChapterLink> = site
        .chapters
        .iter()
        .enumerate()
        .map(|(i, c)| ChapterLink {
            title: c.front.title.clone(),
            url: paths::chapter_url(bp, &c.slug),
            summary: c.front.summary.clone(),
            number: i + 1,
            slug: c.slug.clone(),
        })
        .collect();
    let datasets: Vec<DatasetLink> = site
        .computed
        .iter()
        .zip(&site.datasets)
        .map(|(c, d)| DatasetLink {
            name: c.name.clone(),
            title: d.def.title.clone(),
            description: d.def.description.clone(),
            unit: d.def.unit.clone(),
            as_of: d.def.as_of.as_ref().map(|a| a.0.clone()).unwrap_or_default(),
            source: d.def.source.clone(),
            csv_url: format!("{bp}{}", paths::dataset_file(&c.name, "csv")),
            json_url: format!("{bp}{}", paths::dataset_file(&c.name, "json")),
            file: d.file.clone(),
        })
        .collect();
    SiteView {
        title: cfg.title.clone(),
        description: cfg.description.clone(),
        language: cfg.language.clone(),
        base_url: cfg.base_url.clone(),
        base_path: bp.clone(),
        publication: cfg.publication.clone(),
        chapter_count: links.len(),
        sources: site
            .chapters
            .iter()
            .zip(&links)
            .find(|(c, _)| c.front.template.as_deref() == Some("sources.html"))
            .map(|(_, l)| l.clone()),
        chapters: links,
        datasets,
        generator: concat!("baipi ", env!("CARGO_PKG_VERSION")),
        search: cfg.build.search,
        live_reload: site.live_reload.clone(),
    }
}

/// What prose in a chapter sees as `page` (title, slug, summary and its front-matter data).
pub fn page_context(ch: &Chapter) -> Context {
    let mut ctx = Context::new();
    ctx.insert(
        "page",
        &serde_json::json!({
            "title": ch.front.title,
            "slug": ch.slug,
            "summary": ch.front.summary,
            "data": ch.front.data.clone().map(serde_json::Value::Object).unwrap_or_default(),
        }),
    );
    ctx
}

/// Link targets: chapter file (relative to content/) → URL; the cover's file links to the site.
pub fn chapter_urls(site: &Site) -> BTreeMap<&str, String> {
    let bp = &site.config.base_path;
    site.chapters
        .iter()
        .map(|c| (c.rel.as_str(), paths::chapter_url(bp, &c.slug)))
        .chain(site.index.iter().map(|c| (c.rel.as_str(), bp.clone())))
        .collect()
}
