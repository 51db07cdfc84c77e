//! `site.toml` → [`Config`].
//!
//! The raw file is parsed with unknown keys rejected (a typo is an error, not
//! a silent default), then validated into a [`Config`] that the rest of the
//! pipeline can trust: a normalised base URL and path prefix, a language, a
//! theme name.

use serde::{Deserialize, Serialize};
use std::path::Path;

use crate::diag::{Diagnostic, Error, Result, line_col};
use crate::format::{Grouping, NumberFormat};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default)]
    description: String,
    output_dir: Option<String>,
    #[serde(default)]
    publication: Publication,
    #[serde(default)]
    stats: StatsConfig,
    #[serde(default)]
    numbers: RawNumbers,
    #[serde(default)]
    build: BuildConfig,
    #[serde(default)]
    pdf: PdfConfig,
}

/// The PDF edition (`[pdf]`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PdfConfig {
    /// Typeset the whole paper as a PDF (on unless turned off).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Its file name in the output folder.
    #[serde(default = "default_pdf_file")]
    pub file: String,
    /// The document's keywords (its metadata); the chapter titles when empty.
    #[serde(default)]
    pub keywords: Vec<String>,
}

impl Default for PdfConfig {
    fn default() -> Self {
        PdfConfig { enabled: true, file: default_pdf_file(), keywords: Vec::new() }
    }
}

fn default_pdf_file() -> String {
    "paper.pdf".into()
}

/// A PDF file name baipi accepts: letters, digits, `-`, `_` and `.`, ending in `.pdf`, not hidden.
fn is_pdf_name(name: &str) -> bool {
    name.len() > 4
        && name.ends_with(".pdf")
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// `[numbers]`: how numbers are printed everywhere on the site ([`NumberFormat`]).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNumbers {
    grouping: Option<String>,
    group_min_digits: Option<u32>,
    share_digits: Option<u32>,
    wan_from: Option<i64>,
    yi_from: Option<i64>,
}

/// How the output is written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BuildConfig {
    /// Write a `.gz` copy next to every text file (for `gzip_static`).
    #[serde(default)]
    pub precompress: bool,
    /// Build the full-text search index and page (on unless turned off).
    #[serde(default = "yes")]
    pub search: bool,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig { precompress: false, search: true }
    }
}

fn yes() -> bool {
    true
}

fn default_language() -> String {
    "zh-CN".into()
}
fn default_theme() -> String {
    "default".into()
}

/// Who published the paper, when, and where the source lives.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    #[serde(default)]
    pub publishers: Vec<String>,
    /// ISO date, e.g. `2021-08-15`.
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub source_title: String,
    #[serde(default)]
    pub source_publisher: String,
    #[serde(default)]
    pub source_url: String,
}

/// `[stats]`, the older home of `share_digits` (now `[numbers]`); still read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatsConfig {
    share_digits: Option<u32>,
}

/// The validated site configuration.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    /// Absolute base URL with a trailing slash, or a path such as `/`.
    pub base_url: String,
    /// Path part of the base URL, always starting and ending with `/`.
    pub base_path: String,
    pub language: String,
    pub theme: String,
    pub description: String,
    pub output_dir: Option<String>,
    pub publication: Publication,
    /// How numbers are printed (`[numbers]`).
    pub numbers: NumberFormat,
    pub build: BuildConfig,
    pub pdf: PdfConfig,
}

pub const FILE: &str = "site.toml";

/// Reads and validates `root/site.toml`.
pub fn load(root: &Path) -> Result<Config> {
    let path = root.join(FILE);
    if let Err(e) = std::fs::metadata(&path) {
        return Err(match e.kind() {
            std::io::ErrorKind::NotFound => Error::one(Diagnostic::error(
                FILE,
                0,
                0,
                format!("no {FILE} in {}: is this a baipi site? (`baipi init DIR` creates one)", root.display()),
            )),
            _ => Error::io(&path, e),
        });
    }
    let src = crate::source::read_text(&path, FILE)?;
    parse(&src)
}

/// Parses the text of `site.toml`.
pub fn parse(src: &str) -> Result<Config> {
    if src.trim().is_empty() {
        return Err(Error::one(
            Diagnostic::error(FILE, 1, 1, "site.toml is empty; it needs at least `title` and `base_url`")
                .with_help("write `title = \"…\"` and `base_url = \"/\"` (see README)"),
        ));
    }
    let raw: RawConfig = toml::from_str(src).map_err(|e| Error::one(crate::source::toml_error(FILE, src, &e)))?;
    let at = |key: &str| {
        let off = src.find(&format!("{key} =")).or_else(|| src.find(key)).unwrap_or(0);
        line_col(src, off)
    };
    let mut errs = Vec::new();
    let mut check = |ok: bool, key: &str, msg: String| {
        if !ok {
            let (l, c) = at(key);
            errs.push(Diagnostic::error(FILE, l, c, msg).with_source(src));
        }
    };
    check(!raw.title.trim().is_empty(), "title", "`title` must not be empty".into());
    check(!raw.language.trim().is_empty(), "language", "`language` must not be empty".into());
    check(
        !raw.theme.is_empty() && !raw.theme.contains(['/', '\\']) && raw.theme != ".." && raw.theme != ".",
        "theme",
        format!("`theme` must be a folder name under themes/, found {:?}", raw.theme),
    );
    let numbers = numbers(&raw, &mut check);
    let url = raw.publication.source_url.trim();
    check(
        url.is_empty()
            || ((url.starts_with("https://") || url.starts_with("http://")) && !url.contains(['"', '<', '>', ' '])),
        "source_url",
        format!("`publication.source_url` must be an http(s) URL, found {url:?}"),
    );
    check(
        is_pdf_name(&raw.pdf.file),
        "file",
        format!(
            "`pdf.file` must be a file name of letters, digits, `-`, `_` and `.` ending in `.pdf`, found {:?}",
            raw.pdf.file
        ),
    );
    let base_path = base_path_of(&raw.base_url);
    check(
        base_path.is_some(),
        "base_url",
        format!("`base_url` must be an http(s) URL or a path starting with `/`, found {:?}", raw.base_url),
    );
    if !errs.is_empty() {
        return Err(Error::Input(errs));
    }
    let mut base_url = raw.base_url.trim().to_string();
    if !base_url.ends_with('/') {
        base_url.push('/');
    }
    Ok(Config {
        title: raw.title,
        base_url,
        base_path: base_path.unwrap_or_else(|| "/".into()),
        language: raw.language,
        theme: raw.theme,
        description: raw.description,
        output_dir: raw.output_dir,
        publication: raw.publication,
        numbers,
        build: raw.build,
        pdf: raw.pdf,
    })
}

/// The `[numbers]` table (and `[stats] share_digits`) as a [`NumberFormat`]; each value out
/// of range goes to `check` with what is allowed.
fn numbers(raw: &RawConfig, check: &mut impl FnMut(bool, &str, String)) -> NumberFormat {
    let n = &raw.numbers;
    let mut f = NumberFormat::default();
    if let Some(g) = &n.grouping {
        let known = Grouping::from_name(g);
        let hint = match crate::util::text::nearest(g, Grouping::NAMES.iter().copied()) {
            Some(near) => format!(" (did you mean `{near}`?)"),
            None => String::new(),
        };
        check(
            known.is_some(),
            "grouping",
            format!("`numbers.grouping` must be one of {}, found {g:?}{hint}", quoted(Grouping::NAMES)),
        );
        f.grouping = known.unwrap_or(f.grouping);
    }
    if let Some(d) = n.group_min_digits {
        check(
            (4..=5).contains(&d),
            "group_min_digits",
            format!("`numbers.group_min_digits` must be 4 or 5, found {d}"),
        );
        f.group_min_digits = d;
    }
    check(
        n.share_digits.is_none() || raw.stats.share_digits.is_none() || n.share_digits == raw.stats.share_digits,
        "share_digits",
        "`share_digits` is set twice, in [numbers] and in [stats], with different values: keep the one in [numbers]"
            .into(),
    );
    if let Some(d) = n.share_digits.or(raw.stats.share_digits) {
        check(d <= 6, "share_digits", format!("`share_digits` must be between 0 and 6, found {d}"));
        f.share_digits = d;
    }
    if let Some(w) = n.wan_from {
        check(w >= 10_000, "wan_from", format!("`numbers.wan_from` must be at least 10000 (1万), found {w}"));
        f.wan_from = w;
    }
    if let Some(y) = n.yi_from {
        check(
            y >= 100_000_000 && y > f.wan_from,
            "yi_from",
            format!("`numbers.yi_from` must be at least 100000000 (1亿) and above `wan_from`, found {y}"),
        );
        f.yi_from = y;
    }
    f
}

fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// `https://host/a/b` → `/a/b/`; `/x` → `/x/`; anything else → None.
pub fn base_path_of(url: &str) -> Option<String> {
    let url = url.trim();
    let path = if let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) {
        let host_end = rest.find('/').unwrap_or(rest.len());
        if host_end == 0 {
            return None;
        }
        &rest[host_end..]
    } else if url.starts_with('/') {
        url
    } else {
        return None;
    };
    if path.contains(['?', '#', ' ', '"', '<', '>']) {
        return None;
    }
    let mut p = String::from("/");
    p.push_str(path.trim_matches('/'));
    if !p.ends_with('/') {
        p.push('/');
    }
    Some(p)
}

impl Config {
    /// Overrides the base URL (from `--base-url`).
    pub fn with_base_url(mut self, url: &str) -> Result<Self> {
        let bp = base_path_of(url).ok_or_else(|| {
            Error::Io(format!("--base-url must be an http(s) URL or a path starting with `/`, found {url:?}"))
        })?;
        self.base_url = if url.ends_with('/') { url.to_string() } else { format!("{url}/") };
        self.base_path = bp;
        Ok(self)
    }

    /// Whether `base_url` is an absolute URL (`https://…`), not only a path like `/`.
    pub fn has_absolute_base(&self) -> bool {
        self.base_url.starts_with("http://") || self.base_url.starts_with("https://")
    }

    /// The absolute URL of a site path like `overview/` (for canonical links, `og:url` and the
    /// sitemap), or an empty text when `base_url` is only a path: those places require an
    /// absolute URL, and a relative one there is wrong (the theme leaves the tags out).
    pub fn absolute(&self, path: &str) -> String {
        if self.has_absolute_base() { format!("{}{}", self.base_url, path) } else { String::new() }
    }

    /// The warning a build prints once when `base_url` is only a path (see [`Config::absolute`]).
    pub fn relative_base_warning(&self) -> Option<String> {
        (!self.has_absolute_base()).then(|| {
            format!(
                "warning: site.toml's `base_url` is {:?}, a path, so the pages have no canonical link or og:url and \
                 no sitemap.xml is written (they need absolute URLs)\n  = help: before publishing, set \
                 `base_url = \"https://your.domain{}\"` in site.toml (or build with `--base-url https://…`)\n",
                self.base_url, self.base_path
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        assert_eq!(base_path_of("https://h/tianhe-2021/").as_deref(), Some("/tianhe-2021/"));
        assert_eq!(base_path_of("https://h").as_deref(), Some("/"));
        assert_eq!(base_path_of("/").as_deref(), Some("/"));
        assert_eq!(base_path_of("h/x"), None);
    }

    #[test]
    fn source_url_must_be_http() {
        let Err(Error::Input(d)) =
            parse("title = \"t\"\nbase_url = \"/\"\n[publication]\nsource_url = \"javascript:alert(1)\"\n")
        else {
            panic!()
        };
        assert_eq!(d[0].line, 4);
        assert!(d[0].message.contains("must be an http(s) URL"));
    }

    #[test]
    fn unknown_key_is_located() {
        let Err(Error::Input(d)) = parse("title = \"t\"\nbase_url = \"/\"\ntitel = 1\n") else { panic!() };
        assert_eq!((d[0].line, d[0].col), (3, 1));
        assert!(d[0].message.contains("titel"), "{}", d[0].message);
    }
}
