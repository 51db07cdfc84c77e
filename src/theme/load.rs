//! Reading a theme from disk.
//!
//! Owns the theme's files: it takes the site root and the theme's name, reads
//! `themes/<name>/templates/` and the site's own `templates/` (a site's template overrides the
//! theme's of the same name), both `static/` folders, and `themes/<name>/theme.toml` (the chart
//! style), and produces a [`Theme`]. Every problem is located: a missing theme at its line of
//! `site.toml`, a missing chart font at its line of `theme.toml`.

use std::collections::BTreeMap;
use std::path::Path;

use super::{REQUIRED, Theme, content_hash, find_line};
use crate::diag::{Diagnostic, Error, Result, Sink};

/// `themes/<name>/theme.toml`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeToml {
    #[serde(default)]
    charts: Option<crate::charts::Style>,
    #[serde(default)]
    pdf: PdfToml,
}

/// `[pdf]` of `theme.toml`: the PDF edition's template and fonts.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PdfToml {
    /// The main template in the theme's `pdf/` folder (default `paper.typ`).
    template: Option<String>,
    /// Font files, relative to the theme folder.
    #[serde(default)]
    fonts: Vec<String>,
}

/// Reads `themes/<name>` and the site's own `templates/` and `static/`.
pub fn load(root: &Path, name: &str) -> Result<Theme> {
    let dir = root.join("themes").join(name);
    if !dir.is_dir() {
        return Err(Error::one(not_found(root, name)));
    }
    let mut sink = Sink::default();
    let templates = read_templates(root, &dir, &mut sink)?;
    sink.finish()?;
    if let Some(req) = REQUIRED.iter().find(|req| !templates.contains_key(**req)) {
        return Err(Error::one(
            Diagnostic::error(
                format!("themes/{name}/templates/{req}"),
                0,
                0,
                format!("theme `{name}` has no template `{req}`, which every theme must provide"),
            )
            .with_help(format!("copy themes/default/templates/{req} into themes/{name}/templates/ and adapt it")),
        ));
    }
    let mut statics = read_tree(root, &dir.join("static"), &mut sink)?;
    statics.extend(read_tree(root, &root.join("static"), &mut sink)?);
    sink.finish()?;
    let (chart_style, pdf_toml) = chart_style(root, &dir, name)?;
    let pdf = pdf_theme(root, &dir, name, pdf_toml, &mut sink)?;
    sink.finish()?;
    let fingerprints = fingerprints(&statics);
    Ok(Theme {
        templates: templates.into_iter().map(|(name, (file, text))| super::Template { name, file, text }).collect(),
        statics,
        dir,
        chart_style,
        fingerprints,
        pdf,
    })
}

/// The PDF edition's files: the theme's `pdf/` folder, overridden file by file from the site's
/// `templates/pdf/`, and the fonts `theme.toml` registers (read when the PDF is made).
fn pdf_theme(root: &Path, dir: &Path, name: &str, toml: PdfToml, sink: &mut Sink) -> Result<super::PdfTheme> {
    let mut files = BTreeMap::new();
    for (base, shown) in
        [(dir.join("pdf"), format!("themes/{name}/pdf")), (root.join("templates/pdf"), "templates/pdf".into())]
    {
        for (rel, bytes) in read_tree(root, &base, sink)? {
            files.insert(rel.clone(), (format!("{shown}/{rel}"), bytes));
        }
    }
    let fonts = toml.fonts.iter().map(|f| (format!("themes/{name}/{f}"), dir.join(f))).collect();
    Ok(super::PdfTheme { main: toml.template.unwrap_or_else(|| "paper.typ".into()), files, fonts })
}

/// No folder `themes/<name>`: said at the `theme =` line of site.toml, with the nearest theme.
fn not_found(root: &Path, name: &str) -> Diagnostic {
    let available: Vec<String> = std::fs::read_dir(root.join("themes"))
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    let toml = crate::source::read_text(&root.join(crate::config::FILE), crate::config::FILE).unwrap_or_default();
    let (line, col) =
        find_line(&toml, |l| l.trim_start().starts_with("theme") && l.contains('='), |l| l.find(['"', '\'']));
    let d = Diagnostic::error(
        crate::config::FILE,
        line,
        col,
        format!("theme `{name}` not found: no folder themes/{name}/"),
    )
    .with_source(&toml);
    match crate::util::text::nearest(name, available.iter().map(String::as_str)) {
        Some(n) => d.with_help(format!("did you mean `{n}`?")),
        None => d,
    }
}

/// The templates of the theme in `dir` and of the site's `templates/`: name → (file, text).
fn read_templates(root: &Path, dir: &Path, sink: &mut Sink) -> Result<BTreeMap<String, (String, String)>> {
    let mut templates = BTreeMap::new();
    let is_template = |p: &Path| {
        let n = p.to_string_lossy();
        n.ends_with(".html") || n.ends_with(".xml") || n.ends_with(".txt")
    };
    for base in [dir.join("templates"), root.join("templates")] {
        for f in crate::source::walk(root, &base, &is_template, sink)? {
            let rel = crate::util::path::display(&base, &f.path);
            if let Some(text) = sink.take(crate::source::read_text(&f.real, &f.display))? {
                templates.insert(rel, (f.display, text));
            }
        }
    }
    Ok(templates)
}

/// All files under `dir` (relative `/` paths → bytes), hidden ones included; empty if `dir` is
/// missing. Links follow [`crate::source::walk`]'s rules; refusals go to `sink`; what is left out
/// (`.git/`, editor files: [`crate::source::left_out_of_static`]) is named by
/// [`crate::source::static_left_out`]. Static files have no size limit (a
/// report in PDF may well be large); they are copied as they are.
pub fn read_tree(root: &Path, dir: &Path, sink: &mut Sink) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    for f in crate::source::walk_static(root, dir, sink)? {
        let rel = crate::util::path::display(dir, &f.path);
        if f.path.to_str().is_none() || !crate::util::path::is_clean_relative(&rel) {
            sink.push(unclean_static(&f.display, &rel));
            continue;
        }
        if let Some(bytes) = sink.take(crate::source::read_binary(&f.real, &f.display))? {
            out.insert(rel, bytes);
        }
    }
    Ok(out)
}

/// A static file whose name cannot be published as is (`x\\..\\y`, a control character, a
/// name that is not UTF-8): its output path would not be the file's own.
fn unclean_static(display: &str, rel: &str) -> Diagnostic {
    let why = match rel.chars().find(|c| *c == '\\' || c.is_control() || *c == '\u{fffd}') {
        Some(c) => format!("{} cannot be part of a published file's name", crate::util::text::describe_char(c)),
        None => "its path is not a clean relative path".into(),
    };
    Diagnostic::error(display, 0, 0, format!("this static file cannot be published under its name: {why}"))
        .with_help("rename the file to letters, digits, `-`, `_` and `.` (a `\\` is not a folder separator)")
}

/// The chart style of `theme.toml` in the theme folder `dir` (the default one without it), and
/// its `[pdf]` table.
fn chart_style(root: &Path, dir: &Path, name: &str) -> Result<(crate::charts::Style, PdfToml)> {
    let toml_path = dir.join("theme.toml");
    let toml_file = format!("themes/{name}/theme.toml");
    if std::fs::symlink_metadata(&toml_path).is_err() {
        return Ok((crate::charts::Style::default(), PdfToml::default()));
    }
    let src = crate::source::read_text(&toml_path, &toml_file)?;
    let t: ThemeToml = toml::from_str(&src).map_err(|e| Error::one(crate::source::toml_error(&toml_file, &src, &e)))?;
    let style = t.charts.unwrap_or_default();
    let pdf = t.pdf;
    let problems = style.problems();
    if !problems.is_empty() {
        let at = |key: &str| {
            find_line(&src, |l| l.trim_start().starts_with(key) && l.contains('='), |l| l.find('=').map(|i| i + 2))
        };
        return Err(Error::Input(
            problems
                .into_iter()
                .map(|(key, msg)| {
                    let (line, col) = at(key);
                    Diagnostic::error(&toml_file, line, col, msg).with_source(&src)
                })
                .collect(),
        ));
    }
    // The fonts must exist inside the site: say so at their line of theme.toml, not when the
    // first chart is drawn or the PDF typeset.
    let root_canon = crate::source::canonical_root(root)?;
    let font_at = |font: &str, what: &str, help: &str| {
        font_problem(&root_canon, dir, name, font).map(|why| {
            let (line, col) = find_line(
                &src,
                |l| l.contains(&format!("\"{font}\"")) || l.contains(&format!("'{font}'")),
                |l| l.find(font).map(|i| i.saturating_sub(1)),
            );
            Diagnostic::error(&toml_file, line, col, format!("{what} `{font}` {why}")).with_source(&src).with_help(help)
        })
    };
    if let Some(font) = &style.font
        && let Some(d) =
            font_at(font, "chart font", "the path is relative to the theme folder; fix it or remove the `font` line")
    {
        return Err(Error::one(d));
    }
    let pdf_fonts: Vec<Diagnostic> = pdf
        .fonts
        .iter()
        .filter_map(|f| {
            font_at(f, "PDF font", "the path is relative to the theme folder; fix it or remove it from `[pdf] fonts`")
        })
        .collect();
    if !pdf_fonts.is_empty() {
        return Err(Error::Input(pdf_fonts));
    }
    Ok((style, pdf))
}

/// Why the font file `font` (relative to the theme folder `dir`) cannot be used; none when it is
/// a regular file inside the site.
fn font_problem(root_canon: &Path, dir: &Path, name: &str, font: &str) -> Option<String> {
    let e = crate::source::resolve_inside(root_canon, &dir.join(font), "").err()?;
    let p = Path::new(font);
    let leads_out = p.is_absolute() || p.components().any(|c| matches!(c, std::path::Component::ParentDir));
    Some(match e {
        _ if leads_out => {
            "cannot be used: the path leads out of the site folder; baipi reads only files inside the site".into()
        }
        // There, but not a regular file inside the site (a pipe, a link out …): say what it is.
        Error::Input(ds) if std::fs::symlink_metadata(dir.join(font)).is_ok() => {
            format!("cannot be used: {}", ds.into_iter().next().map(|d| d.message).unwrap_or_default())
        }
        _ => format!("not found: no file themes/{name}/{font} inside the site folder"),
    })
}

/// Static path → fingerprinted path for the CSS and JS files (their URLs change with their
/// content, so they can be cached for ever).
fn fingerprints(statics: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, String> {
    statics
        .iter()
        .filter(|(rel, _)| rel.ends_with(".css") || rel.ends_with(".js"))
        .map(|(rel, bytes)| {
            let (stem, ext) = rel.rsplit_once('.').unwrap_or((rel, ""));
            (rel.clone(), format!("{stem}.{}.{ext}", content_hash(bytes)))
        })
        .collect()
}
