//! `content/**/*.md` → [`Chapter`]s.
//!
//! Finds chapter files, splits the `---` fenced YAML front matter from the
//! Markdown body, and parses the front matter into typed fields. Line numbers
//! of front-matter errors are absolute in the `.md` file. `_index.md` is the
//! cover page. Chapters are ordered by `weight`, then by path.
//!
//! Takes the site root (files found and read by `source`); produces the chapters, each holding
//! its file's text once (front matter and body are ranges of it), and reports duplicate slugs
//! (errors) and weights (warnings). Front matter of the common shape is read by
//! [`frontmatter`]'s fast path, any other by the YAML parser of `source::yaml`; [`chart`] is the
//! `charts:` entry.

use rayon::prelude::*;
use serde::Deserialize;
use std::path::Path;

use crate::diag::{Diagnostic, Error, Result, Sink};

pub mod chart;
pub mod frontmatter;

/// One entry of the cover's “数读” (key figures) block.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFigure {
    pub label: String,
    /// An expression such as `{{ data.orgs.total | num }}`.
    pub value: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub note: String,
}

/// Front matter of a chapter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub summary: String,
    pub slug: Option<String>,
    pub template: Option<String>,
    #[serde(default)]
    pub draft: bool,
    /// An appendix (`appendix: true`): after every other chapter in the contents and the
    /// reading order, whatever its weight; `new chapter` adds new chapters before appendices.
    #[serde(default)]
    pub appendix: bool,
    /// Free-form figures for this chapter, available as `page.data`.
    #[serde(default)]
    pub data: Option<serde_json::Map<String, serde_json::Value>>,
    /// Numbers typed in the body on purpose, exempt from fact-checking (`["3", "2.5%"]`).
    #[serde(default)]
    pub free_numbers: Vec<String>,
    /// Charts of this chapter, placed with `{{ figure(id="…") }}`.
    #[serde(default)]
    pub charts: Vec<crate::content::chart::ChartSpec>,
    /// Cover only: the key figures block.
    #[serde(default)]
    pub key_figures: Vec<KeyFigure>,
}

/// A parsed chapter (or the cover).
#[derive(Debug, Clone)]
pub struct Chapter {
    /// Path relative to the site root, `/`-separated (`content/01-overview.md`).
    pub file: String,
    /// Path relative to `content/` (`01-overview.md`), used to resolve links.
    pub rel: String,
    pub front: FrontMatter,
    /// 1-based line of the file on which the body starts.
    pub body_line: usize,
    pub slug: String,
    pub is_index: bool,
    /// The file's text as read (BOM removed, CRLF as LF); the parts below are ranges of it, so
    /// a chapter holds its text once.
    text: String,
    /// The front matter's YAML text (it starts on line 2 of the file).
    front_range: std::ops::Range<usize>,
    body_start: usize,
}

impl Chapter {
    /// The Markdown after the front matter.
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// The front matter's YAML text (from line 2 of the file).
    pub fn front_source(&self) -> &str {
        &self.text[self.front_range.clone()]
    }

    /// The file's text as read (BOM removed, CRLF as LF), for snippets: line numbers match the
    /// file, and nothing is read from disk again.
    pub fn source(&self) -> &str {
        &self.text
    }

    /// The file's lines up to the end of the front matter, for snippets of front-matter errors.
    pub fn source_head(&self) -> &str {
        &self.text[..self.body_start]
    }
}

pub use crate::source::read_text;

/// Splits `---\nyaml\n---\nbody` into (yaml, body, body_line). The YAML starts on line 2.
pub fn split_front_matter<'a>(file: &str, src: &'a str) -> Result<(&'a str, &'a str, usize)> {
    if src.trim().is_empty() {
        return Err(Error::one(
            Diagnostic::error(file, 1, 1, "the file is empty; a chapter needs front matter with at least `title:`")
                .with_help("start the file with `---`, `title: …`, `---`, then the text; or delete the file"),
        ));
    }
    let Some(rest) = src.strip_prefix("---\n").or_else(|| (src == "---").then_some("")) else {
        return Err(Error::one(
            Diagnostic::error(file, 1, 1, "a chapter must start with `---` and YAML front matter (at least `title:`)")
                .with_source(src)
                .with_help("put `---`, then `title: …`, then `---` at the top of the file"),
        ));
    };
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok((yaml, body, i + 3));
        }
        offset += line.len();
    }
    Err(Error::one(
        Diagnostic::error(file, 1, 1, "front matter is not closed: no line `---` after the opening one")
            .with_source(src)
            .with_help("add a line `---` after the last front-matter field (`title:`, `weight:` …)"),
    ))
}

/// Parses one chapter file's text.
pub fn parse(file: &str, rel: &str, text: String) -> Result<Chapter> {
    let src = text.as_str();
    let (yaml, body, body_line) = split_front_matter(file, src)?;
    if yaml.trim().is_empty() {
        return Err(Error::one(
            Diagnostic::error(file, 2, 1, "front matter is empty; `title` is required").with_source(src),
        ));
    }
    // Most front matter is a few `key: value` lines: read by a fast path, else by the YAML
    // parser, which also reports every error. The two agree wherever the fast path answers
    // (tests compare them on every fixture and on generated front matter).
    let front: FrontMatter = match crate::content::frontmatter::parse(yaml) {
        Some(front) => front,
        None => {
            let mut front: FrontMatter = crate::source::yaml::parse_yaml(yaml)
                .map_err(|e| Error::one(crate::source::yaml::located(file, src, 1, &e)))?;
            if let Some(data) = &mut front.data {
                crate::content::frontmatter::exact_data(yaml, data)
                    .map_err(|(line, col, m)| Error::one(Diagnostic::error(file, line + 1, col, m).with_source(src)))?;
            }
            front
        }
    };
    let is_index = rel == "_index.md";
    let stem = crate::util::path::slashed(&Path::new(rel).with_extension(""));
    let slug_line = yaml.lines().position(|l| l.starts_with("slug:")).map(|i| i + 2);
    let slug = match &front.slug {
        Some(s) => {
            if !slug_chars_ok(s) {
                return Err(Error::one(
                    Diagnostic::error(
                        file,
                        slug_line.unwrap_or(2),
                        1,
                        format!("`slug` must be letters, digits, `-` and `_`, found {s:?}"),
                    )
                    .with_source(src),
                ));
            }
            s.clone()
        }
        None => {
            let slug = default_slug(&stem);
            if let Some(c) = crate::util::path::slug_path_problem(&slug) {
                return Err(Error::one(unclean_file_name(file, &slug, c)));
            }
            slug
        }
    };
    if let Some(why) = crate::util::path::length_problem(&format!("{slug}/index.html")) {
        let url = crate::util::text::head(&slug, 60);
        let d = match slug_line.filter(|_| front.slug.is_some()) {
            Some(line) => Diagnostic::error(file, line, 7, format!("`slug` makes a URL too long to publish: {why}"))
                .with_source(src)
                .with_help("choose a shorter `slug:`"),
            None => Diagnostic::error(
                file,
                0,
                0,
                format!("this chapter's URL /{url} (from the file name) is too long to publish: {why}"),
            )
            .with_help(
                "rename the file (or its folder) to something shorter, or set a shorter `slug:` in the front matter",
            ),
        };
        return Err(Error::one(d));
    }
    if !is_index && let Some(taken) = reserved_slug(&slug) {
        let d = match slug_line.filter(|_| front.slug.is_some()) {
            Some(line) => Diagnostic::error(file, line, 7, format!("slug `{slug}` is taken: /{slug}/ is {taken}"))
                .with_source(src)
                .with_help("choose another `slug:`"),
            None => Diagnostic::error(
                file,
                0,
                0,
                format!("this chapter's URL would be /{slug}/ (from the file name), which is {taken}"),
            )
            .with_help("rename the file or set another `slug:` in the front matter"),
        };
        return Err(Error::one(d));
    }
    Ok(Chapter {
        file: file.to_string(),
        rel: rel.to_string(),
        front,
        body_line,
        slug,
        is_index,
        // The parts are slices of the text: their places in it.
        front_range: offset_in(src, yaml)..offset_in(src, yaml) + yaml.len(),
        body_start: offset_in(src, body),
        text,
    })
}

/// A file name that cannot be a URL (`a?b.md`): the error names the character.
fn unclean_file_name(file: &str, slug: &str, c: char) -> Diagnostic {
    let url = crate::util::text::escape_controls(slug);
    Diagnostic::error(
        file,
        0,
        0,
        format!(
            "this chapter's URL would be /{url}/ (from the file name), and {} cannot be part of a URL",
            crate::util::text::describe_char(c)
        ),
    )
    .with_help(
        "rename the file (or its folder) to letters, digits, `-`, `_` and `.`, or set `slug:` in the front matter",
    )
}

/// Where `part`, a slice of `whole`, starts in it.
fn offset_in(whole: &str, part: &str) -> usize {
    part.as_ptr() as usize - whole.as_ptr() as usize
}

/// Whether `s` can be a chapter's URL name (see also [`reserved_slug`]).
pub fn valid_slug(s: &str) -> bool {
    slug_chars_ok(s) && reserved_slug(s).is_none()
}

fn slug_chars_ok(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// URL names the site itself uses (a chapter there would overwrite them or be overwritten), with what they are.
pub const RESERVED_SLUGS: &[(&str, &str)] = &[
    ("data", "where the open data files are published"),
    ("figures", "where the figures' SVG and CSV files are published"),
    ("search", "the search page"),
    ("full", "the whole-paper page"),
    ("static", "reserved for static files"),
];

/// What a reserved slug (or the first folder of a nested one, `search/x`) is used for.
pub fn reserved_slug(slug: &str) -> Option<&'static str> {
    let first = slug.split('/').next().unwrap_or(slug);
    RESERVED_SLUGS.iter().find(|(s, _)| *s == first).map(|(_, why)| *why)
}

/// The default slug is the file's path without `.md`, as in Zola (`03-achievements.md` →
/// `03-achievements`): stable, and unique because file names are. Set `slug:` for a nicer URL.
pub fn default_slug(stem: &str) -> String {
    stem.to_string()
}

/// Loads all chapters under `root/content`, ordered by weight then path.
pub fn load_dir(root: &Path, drafts: bool, sink: &mut Sink) -> Result<Vec<Chapter>> {
    let dir = root.join("content");
    // Anything there that is not a folder is refused by the walk, with what it is.
    if std::fs::symlink_metadata(&dir).is_err() {
        return Err(Error::one(Diagnostic::error(
            "content",
            0,
            0,
            "no content/ folder: chapters live in content/*.md",
        )));
    }
    let mut out = Vec::new();
    let is_md = |p: &Path| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        p.extension().and_then(|e| e.to_str()) == Some("md") && !name.ends_with('~')
    };
    // The walk is one thread (it applies the symlink policy in order); reading and parsing run in
    // parallel, and their results are taken in file order, so messages do not depend on threads.
    let files = crate::source::walk(root, &dir, &is_md, sink)?;
    let parsed: Vec<Result<Chapter>> = files
        .par_iter()
        .map(|f| {
            let rel = crate::util::path::display(&dir, &f.path);
            parse(&f.display, &rel, read_text(&f.real, &f.display)?)
        })
        .collect();
    for r in parsed {
        if let Some(ch) = sink.take(r)?
            && (drafts || !ch.front.draft)
        {
            out.push(ch);
        }
    }
    let key = |c: &Chapter| (!c.is_index, c.front.appendix, c.front.weight);
    out.sort_by(|a, b| (key(a), &a.rel).cmp(&(key(b), &b.rel)));
    check_duplicates(&out, sink);
    Ok(out)
}

/// Duplicate slugs would overwrite each other's page (an error); duplicate weights leave the
/// order to file names (a warning). One pass with maps (a pairwise check would be N² for a large
/// site).
fn check_duplicates(chapters: &[Chapter], sink: &mut Sink) {
    let line_of = |c: &Chapter, key: &str| -> Option<usize> {
        c.front_source().lines().position(|l| l.starts_with(key)).map(|i| i + 2)
    };
    let mut slugs: std::collections::BTreeMap<&str, &Chapter> = std::collections::BTreeMap::new();
    let mut weights: std::collections::BTreeMap<(bool, i64), &Chapter> = std::collections::BTreeMap::new();
    for b in chapters.iter().filter(|c| !c.is_index) {
        if let Some(a) = slugs.get(b.slug.as_str()) {
            let line = line_of(b, "slug:").unwrap_or(1);
            sink.push(
                Diagnostic::error(&b.file, line, 1, format!("slug `{}` is also used by {}", b.slug, a.file))
                    .with_source(b.source_head())
                    .with_help("two chapters cannot share a URL; give one of them a different `slug:`"),
            );
        } else {
            slugs.insert(b.slug.as_str(), b);
        }
        match weights.get(&(b.front.appendix, b.front.weight)) {
            Some(a) if a.slug != b.slug => {
                let (line, col) = line_of(b, "weight:").map_or((1, 1), |l| (l, 9));
                sink.push(
                    Diagnostic::warning(
                        &b.file,
                        line,
                        col,
                        format!(
                            "weight {} is also used by {}; their order falls back to the file names",
                            b.front.weight, a.file
                        ),
                    )
                    .with_source(b.source_head())
                    .with_help("give each chapter its own `weight:` (smaller comes first)"),
                );
            }
            Some(_) => {}
            None => {
                weights.insert((b.front.appendix, b.front.weight), b);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_locates() {
        let src = "---\ntitle: 概况\nweight: 2\n---\n正文\n";
        let ch = parse("content/01-a.md", "01-a.md", src.to_string()).unwrap();
        assert_eq!(ch.body(), "正文\n");
        assert_eq!(ch.body_line, 5);
        assert_eq!(ch.slug, "01-a");
        let Err(Error::Input(d)) = parse("content/x.md", "x.md", "---\ntitle: t\nweight: abc\n---\n".to_string())
        else {
            panic!()
        };
        assert_eq!((d[0].line, d[0].file.as_str()), (3, "content/x.md"));
    }

    #[test]
    fn slugs_from_file_names_are_clean_or_refused() {
        let text = || "---\ntitle: t\n---\n正文\n".to_string();
        for a in (1..=255u8).chain([b'.', b'/']) {
            for b in [b'a', b'.', b'/', a] {
                let name = String::from_utf8_lossy(&[b'x', a, b]).into_owned();
                let rel = format!("{name}.md");
                if let Ok(ch) = parse(&format!("content/{rel}"), &rel, text()) {
                    let page = format!("{}/index.html", ch.slug);
                    assert!(crate::util::path::is_clean_relative(&page), "{name:?} → {page:?}");
                    assert!(!ch.slug.contains(['?', '#', '%', '\\', ' ']), "{name:?}");
                }
            }
        }
    }

    #[test]
    fn missing_title_and_unclosed() {
        let Err(Error::Input(d)) = parse("content/x.md", "x.md", "---\nweight: 1\n---\n".to_string()) else { panic!() };
        assert!(d[0].message.contains("title"), "{}", d[0].message);
        let Err(Error::Input(d)) = parse("content/x.md", "x.md", "---\ntitle: t\n".to_string()) else { panic!() };
        assert!(d[0].message.contains("not closed"));
    }
}
