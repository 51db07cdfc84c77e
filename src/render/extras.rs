//! The files around the pages: content files chapters link to, figure downloads, open data,
//! the sitemap and robots.txt, and the theme's and site's static files.

use rayon::prelude::*;

use super::chapter::RenderedChapter;
use super::paths;
use crate::charts::{self, Figure};
use crate::diag::{Diagnostic, Error, Result};
use crate::output::Output;
use crate::site::Site;
use crate::theme::Theme;

/// Copies the files from content/ that chapters reference (each once).
pub fn assets(rendered: &[Option<RenderedChapter>], out: &mut Output) -> Result<()> {
    for asset in rendered.iter().flatten().flat_map(|r| &r.assets) {
        if !out.files.contains_key(&asset.path) {
            let bytes = crate::source::read_binary(&asset.from, &format!("content/{}", asset.path))?;
            out.files.insert(asset.path.clone(), bytes);
        }
    }
    Ok(())
}

/// Every figure as SVG and CSV, for download.
pub fn figures(figures: &[Figure], out: &mut Output) {
    let files: Vec<[(String, Vec<u8>); 2]> = figures
        .par_iter()
        .map(|f| {
            [
                (paths::figure_file(&f.id, "svg"), charts::svg_file(f).into_bytes()),
                (paths::figure_file(&f.id, "csv"), charts::csv_file(f).into_bytes()),
            ]
        })
        .collect();
    out.files.extend(files.into_iter().flatten());
}

/// Every dataset as open data, CSV and JSON.
pub fn open_data(site: &Site, out: &mut Output) -> Result<()> {
    for c in &site.computed {
        out.files.insert(paths::dataset_file(&c.name, "csv"), super::opendata::csv(c).into_bytes());
        let json = serde_json::to_string_pretty(c).map_err(|e| Error::Io(e.to_string()))?;
        out.files.insert(paths::dataset_file(&c.name, "json"), (crate::util::escape::inert(json) + "\n").into_bytes());
    }
    Ok(())
}

/// The sitemap (cover, chapters, whole-paper page) and robots.txt pointing to it. A sitemap
/// lists absolute URLs only: with a `base_url` that is only a path there is none, and
/// robots.txt has no `Sitemap:` line.
pub fn sitemap_and_robots(site: &Site, out: &mut Output) {
    let cfg = &site.config;
    if !cfg.has_absolute_base() {
        out.files.insert(paths::ROBOTS.into(), b"User-agent: *\nAllow: /\n".to_vec());
        return;
    }
    let mut urls = vec![cfg.absolute("")];
    urls.extend(site.chapters.iter().map(|c| cfg.absolute(&format!("{}/", c.slug))));
    if out.files.contains_key(paths::FULL_PAGE) {
        urls.push(cfg.absolute("full/"));
    }
    if out.files.contains_key(&cfg.pdf.file) || out.pdf_later.is_some() {
        urls.push(cfg.absolute(&cfg.pdf.file));
    }
    out.files.insert(paths::SITEMAP.into(), sitemap(&urls).into_bytes());
    let robots = format!("User-agent: *\nAllow: /\nSitemap: {}\n", cfg.absolute(paths::SITEMAP));
    out.files.insert(paths::ROBOTS.into(), robots.into_bytes());
}

fn sitemap(urls: &[String]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for u in urls {
        s.push_str(&format!("  <url><loc>{}</loc></url>\n", crate::util::escape::html(u)));
    }
    s.push_str("</urlset>\n");
    s
}

/// Adds the static files. A static file where the site generates one would be silently
/// dropped: that is an error naming the file instead.
pub fn statics(site: &Site, th: &Theme, out: &mut Output) -> Result<()> {
    let mut clashes = Vec::new();
    for (rel, bytes) in &th.statics {
        let name = th.fingerprints.get(rel).unwrap_or(rel);
        // A staged file (a chapter page, the search index) is never the same as a static file;
        // nor is the `.gz` copy that precompressing makes of a generated file.
        let generated_gz = site.config.build.precompress
            && name.strip_suffix(".gz").is_some_and(|base| {
                out.files.get(base).is_some_and(|b| crate::output::compressible(base, b))
                    && !th.statics.contains_key(base)
            });
        if generated_gz
            || out.staged.contains_key(name)
            || out.files.get(name).is_some_and(|existing| existing != bytes)
        {
            let file = if site.root.join("static").join(rel).exists() {
                format!("static/{rel}")
            } else {
                format!("themes/{}/static/{rel}", site.config.theme)
            };
            clashes.push(
                Diagnostic::error(file, 0, 0, format!("the site generates /{name} itself, so this file would be lost"))
                    .with_help("rename or move the file (or the chapter whose URL it takes)"),
            );
            continue;
        }
        out.files.insert(name.clone(), bytes.clone());
    }
    if clashes.is_empty() { Ok(()) } else { Err(Error::Input(clashes)) }
}
