//! Every path the site emits, declared once.
//!
//! The functions and constants here name the output files; the code that emits a file and
//! the [`Plan`] that the link and image checks consult both take their paths from here, and
//! the plan lists a generated page only when the same condition that emits it holds. So
//! whatever `check` accepts as a link target is a file the build writes.

use std::collections::BTreeMap;

use crate::charts::Figure;
use crate::diag::Diagnostic;
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
/// … and up to this many figures (each figure would be held twice more in memory, in its
/// chapter's HTML kept for the page and in the page itself).
pub const FULL_PAGE_MAX_FIGURES: usize = 1_000;

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
    /// Every file the site will have, with what makes it.
    known: BTreeMap<String, Maker>,
}

/// What makes an output file, for messages about it.
#[derive(Debug, Clone)]
enum Maker {
    /// A chapter's page (its file).
    Chapter(String),
    /// A page or file baipi generates (what it is).
    Generated(&'static str),
    /// A dataset's open data (its file).
    Dataset(String),
    /// A figure's download (the chapter that declares it).
    Figure(String),
    /// A static file of the theme or the site (its file).
    Static(String),
}

impl Plan {
    /// The plan for `site` with its figures and theme (`None` when the theme failed to load).
    pub fn new(site: &Site, figures: &[Figure], theme: Option<&Theme>) -> Plan {
        let has = |tpl: &str| theme.is_some_and(|t| t.templates.iter().any(|t| t.name == tpl));
        let full_page =
            has("full.html") && site.chapters.len() <= FULL_PAGE_MAX_CHAPTERS && figures.len() <= FULL_PAGE_MAX_FIGURES;
        let search = site.config.build.search && has("search.html");
        let not_found = has("404.html");
        let mut known: BTreeMap<String, Maker> = BTreeMap::new();
        let mut add = |path: String, maker: Maker| {
            known.entry(path).or_insert(maker);
        };
        add(INDEX.into(), Maker::Generated("the cover"));
        add(SITEMAP.into(), Maker::Generated("the sitemap"));
        add(ROBOTS.into(), Maker::Generated("robots.txt"));
        for c in &site.chapters {
            add(chapter_page(&c.slug), Maker::Chapter(c.file.clone()));
        }
        for (c, d) in site.computed.iter().zip(&site.datasets) {
            add(dataset_file(&c.name, "csv"), Maker::Dataset(d.file.clone()));
            add(dataset_file(&c.name, "json"), Maker::Dataset(d.file.clone()));
        }
        // Chart id → the chapter that declares it, once (not a search of every chapter per figure).
        let declared: std::collections::HashMap<&str, &str> = site
            .chapters
            .iter()
            .chain(&site.index)
            .flat_map(|c| c.front.charts.iter().map(move |s| (s.id.value.as_str(), c.file.as_str())))
            .collect();
        for f in figures {
            let file = declared.get(f.id.as_str()).map(|f| f.to_string()).unwrap_or_default();
            add(figure_file(&f.id, "svg"), Maker::Figure(file.clone()));
            add(figure_file(&f.id, "csv"), Maker::Figure(file));
        }
        let pages = [(full_page, FULL_PAGE, "the whole-paper page"), (search, SEARCH_PAGE, "the search page")];
        for (on, path, what) in pages.into_iter().chain([(not_found, NOT_FOUND, "the 404 page")]) {
            if on {
                add(path.to_string(), Maker::Generated(what));
            }
        }
        if theme.is_some_and(|th| super::pdf::wanted(site, th)) {
            add(site.config.pdf.file.clone(), Maker::Generated("the PDF edition"));
        }
        if let Some(th) = theme {
            for rel in th.statics.keys() {
                let file = if site.root.join("static").join(rel).exists() {
                    format!("static/{rel}")
                } else {
                    format!("themes/{}/static/{rel}", site.config.theme)
                };
                add(th.fingerprints.get(rel).unwrap_or(rel).clone(), Maker::Static(file));
            }
        }
        Plan { full_page, search, not_found, statics_known: theme.is_some(), known }
    }

    /// Whether the site has a file at `path` (relative, `/`-separated), or a page whose
    /// folder URL it is (`a/` or `a` for `a/index.html`).
    pub fn has(&self, path: &str) -> bool {
        self.known.contains_key(path)
            || self.known.contains_key(&format!("{path}index.html"))
            || self.known.contains_key(&format!("{path}/index.html"))
    }

    /// Files the site would write inside a folder that is itself one of its files (a chapter
    /// `index.html.md` makes `index.html/index.html`, under the cover's `index.html`): no
    /// build could write both, so each is an error located at what asks for the folder. Found
    /// before anything is written.
    pub fn collisions(&self) -> Vec<Diagnostic> {
        let mut out = self.too_long();
        for (path, maker) in &self.known {
            let Some(file) = path.match_indices('/').map(|(i, _)| &path[..i]).find(|p| self.known.contains_key(*p))
            else {
                continue;
            };
            let other = self.known.get(file).map(Maker::describe).unwrap_or_default();
            let (at, what, help) = match maker {
                Maker::Chapter(f) => {
                    (f.clone(), "this chapter's page", "give the chapter another `slug:`, or rename its file")
                }
                Maker::Dataset(f) => (f.clone(), "this dataset's open data", "rename the dataset file"),
                Maker::Figure(f) => (f.clone(), "a figure of this chapter", "give the chart another `id:`"),
                Maker::Generated(w) => (String::new(), *w, "rename what takes its place"),
                Maker::Static(f) => (f.clone(), "this static file", "rename or move the file"),
            };
            let msg = format!("{what} would be /{path}, inside /{file}/, but /{file} is a file of the site ({other})");
            out.push(Diagnostic::error(at, 0, 0, msg).with_help(help));
        }
        out
    }
}

impl Plan {
    /// Files whose paths are too long for a file system
    /// ([`crate::util::path::length_problem`]), each an error at what names it; found before
    /// anything is written. (Chapters and charts are checked where their slug and id are read;
    /// this finds the rest: datasets, static files with their fingerprints.)
    fn too_long(&self) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = Vec::new();
        for (path, maker) in &self.known {
            let Some(why) = crate::util::path::length_problem(path) else { continue };
            let (at, what, help) = match maker {
                Maker::Chapter(f) => (f.clone(), "this chapter's page", "set a shorter `slug:`"),
                Maker::Dataset(f) => (f.clone(), "this dataset's open data", "give the file a shorter name"),
                Maker::Figure(f) => (f.clone(), "a figure of this chapter", "give the chart a shorter `id:`"),
                Maker::Generated(w) => (String::new(), *w, "use shorter names"),
                Maker::Static(f) => (f.clone(), "this static file", "give the file (or its folders) a shorter name"),
            };
            // A dataset's two files (CSV and JSON) are one problem.
            if !at.is_empty() && out.iter().any(|d| d.file == at) {
                continue;
            }
            let msg = format!("{what} would be /{}, too long to publish: {why}", crate::util::text::head(path, 60));
            out.push(Diagnostic::error(at, 0, 0, msg).with_help(help));
        }
        out
    }
}

impl Maker {
    fn describe(&self) -> String {
        match self {
            Maker::Chapter(f) => format!("the page of {f}"),
            Maker::Generated(w) => w.to_string(),
            Maker::Dataset(f) => format!("open data of {f}"),
            Maker::Figure(f) => format!("a figure of {f}"),
            Maker::Static(f) => format!("the static file {f}"),
        }
    }
}
