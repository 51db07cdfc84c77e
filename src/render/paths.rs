//! Every path the site emits, declared once.
//!
//! The functions and constants here name the output files; the code that emits a file and
//! the [`Plan`] that the link and image checks consult both take their paths from here, and
//! the plan lists a generated page only when the same condition that emits it holds. So
//! whatever `check` accepts as a link target is a file the build writes.

use std::collections::BTreeSet;

use crate::charts::Figure;
use crate::site::Site;
use crate::theme::Theme;

/// The cover.
pub const INDEX: &str = "index.html";
/// The page a host serves for a missing URL.
pub const NOT_FOUND: &str = "404.html";
pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";
/// The search page (its index files are `search/*.json`).
pub const SEARCH_PAGE: &str = "search/index.html";
/// The whole paper on one page.
pub const FULL_PAGE: &str = "full/index.html";

/// The whole-paper page is made for sites up to this many chapters.
pub const FULL_PAGE_MAX_CHAPTERS: usize = 300;

/// A chapter's page.
pub fn chapter_page(slug: &str) -> String {
    format!("{slug}/index.html")
}

/// A chapter's URL under the site's base path.
pub fn chapter_url(base_path: &str, slug: &str) -> String {
    format!("{base_path}{slug}/")
}

/// A dataset's open-data file: `data/NAME.csv` or `data/NAME.json`.
pub fn dataset_file(name: &str, ext: &str) -> String {
    format!("data/{name}.{ext}")
}

/// A figure's download: `figures/ID.svg` or `figures/ID.csv`.
pub fn figure_file(id: &str, ext: &str) -> String {
    format!("figures/{id}.{ext}")
}

/// What the site will emit, known before any chapter renders.
pub struct Plan {
    /// The whole-paper page is made (the theme has `full.html`, the site is not too large).
    pub full_page: bool,
    /// The search index and page are made (`[build] search` and the theme has `search.html`).
    pub search: bool,
    /// The theme has a `404.html`.
    pub not_found: bool,
    /// The theme loaded: its static files are known, so a missing file can be reported.
    pub statics_known: bool,
    known: BTreeSet<String>,
}

impl Plan {
    /// The plan for `site` with its figures and theme (`None` when the theme failed to load).
    pub fn new(site: &Site, figures: &[Figure], theme: Option<&Theme>) -> Plan {
        let has = |tpl: &str| theme.is_some_and(|t| t.templates.iter().any(|(name, _, _)| name == tpl));
        let full_page = has("full.html") && site.chapters.len() <= FULL_PAGE_MAX_CHAPTERS;
        let search = site.config.build.search && has("search.html");
        let not_found = has("404.html");
        let mut known: BTreeSet<String> = [INDEX, SITEMAP, ROBOTS].map(String::from).into();
        known.extend(site.chapters.iter().map(|c| chapter_page(&c.slug)));
        known.extend(site.computed.iter().flat_map(|c| [dataset_file(&c.name, "csv"), dataset_file(&c.name, "json")]));
        known.extend(figures.iter().flat_map(|f| [figure_file(&f.id, "svg"), figure_file(&f.id, "csv")]));
        for (on, path) in [(full_page, FULL_PAGE), (search, SEARCH_PAGE), (not_found, NOT_FOUND)] {
            if on {
                known.insert(path.to_string());
            }
        }
        if let Some(th) = theme {
            known.extend(th.statics.keys().cloned());
            known.extend(th.fingerprints.values().cloned());
        }
        Plan { full_page, search, not_found, statics_known: theme.is_some(), known }
    }

    /// Whether the site has a file at `path` (relative, `/`-separated), or a page whose
    /// folder URL it is (`a/` or `a` for `a/index.html`).
    pub fn has(&self, path: &str) -> bool {
        self.known.contains(path)
            || self.known.contains(&format!("{path}index.html"))
            || self.known.contains(&format!("{path}/index.html"))
    }
}
