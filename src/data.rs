//! `data/**/*.yaml` → [`Dataset`]s.
//!
//! Owns the dataset file format. Takes the files under `data/`; produces one [`Dataset`]
//! per file (its dotted name, path, text and parsed [`DatasetFile`]), or located errors for
//! YAML that does not fit the format.
//!
//! A dataset file holds metadata (title, unit, as-of date, source), an optional `total`,
//! named `values` (single published figures), named `breakdowns` (labelled parts of a
//! total) and named `series` (a quantity over years, quarters or months). Parsing keeps the source location of every number so that a failed consistency
//! check can point at the exact line and column. Statistics are computed in
//! [`crate::stats`].

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_saphyr::Spanned;
use std::fmt;
use std::path::Path;

use crate::diag::{Diagnostic, Error, Result, Sink};
use crate::number::Dec;
use crate::source::yaml::{self, parse_yaml};
pub use crate::source::yaml::{Ordered, Pos};

pub mod period;
pub mod sheets;

pub use period::{Frequency, Period};

/// A date such as `2021-06` or `2021`, accepted quoted or not; or [`AsOf::UNDATED`], for
/// figures whose source gives no date (a breakdown or value then does not take the dataset's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsOf(pub String);

impl<'de> Deserialize<'de> for AsOf {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = AsOf;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2021-06")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<AsOf, E> {
                if v != AsOf::UNDATED && crate::format::parse_date(v).is_none() {
                    return Err(E::custom(format!(
                        "expected a date such as 2021-06 or 2021-06-30, or `{}`, found {v:?}",
                        AsOf::UNDATED
                    )));
                }
                Ok(AsOf(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<AsOf, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<AsOf, E> {
                self.visit_str(&v.to_string())
            }
        }
        d.deserialize_any(V)
    }
}

impl AsOf {
    /// The source gives no date for these figures.
    pub const UNDATED: &'static str = crate::format::UNDATED;
}

/// One dataset file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetFile {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub as_of: Option<AsOf>,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub respondents: String,
    pub total: Option<Spanned<Dec>>,
    /// Decimal places of computed shares in this dataset.
    pub digits: Option<u32>,
    #[serde(default)]
    pub values: Ordered<Fact>,
    #[serde(default)]
    pub breakdowns: Ordered<Breakdown>,
    /// Quantities over time (`series:`), each under its key.
    #[serde(default)]
    pub series: Ordered<Series>,
}

/// A single published figure.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub label: String,
    pub value: Spanned<Dec>,
    pub unit: Option<String>,
    /// Printed before the number: 超过, 约, 近.
    #[serde(default)]
    pub prefix: String,
    /// Printed after the number, before the unit: 多, 余.
    #[serde(default)]
    pub suffix: String,
    pub as_of: Option<AsOf>,
    #[serde(default)]
    pub respondents: String,
    #[serde(default)]
    pub note: String,
}

/// A quantity over time: its periods in order, each with a value, a published growth or both.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Series {
    pub title: String,
    pub unit: Option<String>,
    /// Decimal places of computed growth rates and indices, else the dataset's.
    pub digits: Option<u32>,
    /// The period whose value is 100 in the index; else the first with a value.
    pub base: Option<Spanned<Period>>,
    #[serde(default)]
    pub note: String,
    pub periods: Spanned<Vec<SeriesPeriod>>,
}

/// One period of a series.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesPeriod {
    pub period: Spanned<Period>,
    /// The published value; a period may carry only its growth.
    pub value: Option<Spanned<Dec>>,
    /// Printed before and after the value: 超过, 约, 近; 多, 余.
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub suffix: String,
    /// The growth over the previous period the publication printed, in percent.
    pub published_growth: Option<Spanned<Dec>>,
    /// Printed before and after the growth: `超过` 20%, 20%`多`.
    #[serde(default)]
    pub growth_prefix: String,
    #[serde(default)]
    pub growth_suffix: String,
    #[serde(default)]
    pub note: String,
}

/// Labelled parts of a total.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breakdown {
    pub title: String,
    pub unit: Option<String>,
    /// Its own date (or `undated`), else the dataset's.
    pub as_of: Option<AsOf>,
    /// Defaults to the dataset's total (or 100 for a unit of `%`).
    pub total: Option<Spanned<Dec>>,
    /// The parts (with the remainder, if declared) exhaust the total.
    #[serde(default)]
    pub complete: bool,
    pub digits: Option<u32>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub respondents: String,
    pub parts: Spanned<Vec<Part>>,
    #[serde(default)]
    pub groups: Ordered<Group>,
    pub remainder: Option<Remainder>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub key: Spanned<String>,
    pub label: String,
    pub value: Spanned<Dec>,
    /// The percentage the publication printed, checked against the computed share.
    pub published_share: Option<Spanned<Dec>>,
    #[serde(default)]
    pub note: String,
}

/// A named sum of parts (e.g. 40岁及以下 = 30岁及以下 + 31—40岁).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub label: String,
    pub parts: Vec<Spanned<String>>,
    pub published_share: Option<Spanned<Dec>>,
    pub published_value: Option<Spanned<Dec>>,
}

/// Declares the unlisted rest of the total as a derived part.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remainder {
    /// Located, so that a key that takes a reserved name is reported where it is written.
    pub key: Spanned<String>,
    pub label: String,
    #[serde(default)]
    pub note: String,
}

/// A loaded dataset: its name (`members`), file and parsed contents.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub name: String,
    /// Path relative to the site root, e.g. `data/members.yaml`.
    pub file: String,
    pub source: String,
    /// Lines before the YAML text (non-zero for front-matter datasets).
    pub line_offset: usize,
    pub def: DatasetFile,
    /// For a spreadsheet dataset (`.csv`, `.xlsx` …): its metadata file and the cells its
    /// numbers and keys were read from; `None` for YAML.
    pub sheet: Option<sheets::Origin>,
}

impl Dataset {
    /// An error at `pos` of one of this dataset's numbers or keys: its line and column in the
    /// YAML text, or the spreadsheet cell it was read from.
    pub fn diagnostic(&self, pos: Pos, msg: String) -> Diagnostic {
        match &self.sheet {
            Some(origin) => origin.diagnostic(self, pos, msg),
            None => Diagnostic::error(&self.file, pos.line + self.line_offset, pos.col, msg).with_source(&self.source),
        }
    }
}

/// Parses one dataset file's text.
pub fn parse(name: &str, file: &str, source: String) -> Result<Dataset> {
    if source.trim().is_empty() {
        return Err(Error::one(
            Diagnostic::error(file, 1, 1, "the file is empty; a dataset needs at least `title:`")
                .with_help("write `title: …` and the figures (see README, “添加一个数据集”), or delete the file"),
        ));
    }
    let def: DatasetFile = parse_yaml(&source).map_err(|e| Error::one(yaml::located(file, &source, 0, &e)))?;
    Ok(Dataset { name: name.to_string(), file: file.to_string(), source, line_offset: 0, def, sheet: None })
}

/// Loads every dataset under `root/data`, sorted by name: `*.yaml`/`*.yml`, and the
/// spreadsheets of [`sheets::EXTENSIONS`] with their `NAME.meta.yaml`. Any other file is named
/// in a warning; editors' lock and temporary files are skipped.
pub fn load_dir(root: &Path, sink: &mut Sink) -> Result<Vec<Dataset>> {
    let dir = root.join("data");
    let mut out: Vec<Dataset> = Vec::new();
    // A missing folder has no datasets; anything else that is not a folder is refused by the walk.
    if std::fs::symlink_metadata(&dir).is_err() {
        return Ok(out);
    }
    let kind = |p: &Path| sheets::Kind::of(p);
    for f in crate::source::walk(root, &dir, &|p| kind(p) != sheets::Kind::Skip, sink)? {
        let file = f.display.clone();
        let kind = kind(&f.path);
        if !matches!(kind, sheets::Kind::Yaml | sheets::Kind::Sheet) {
            sink.items.extend(sheets::not_read(&f.path, &file, kind));
            continue;
        }
        let name_path = f.path.strip_prefix(&dir).unwrap_or(&f.path).with_extension("");
        let name = name_path.to_string_lossy().replace(['\\', '/'], ".");
        if !name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            sink.push(Diagnostic::error(
                &file,
                0,
                0,
                "a dataset file name may contain only letters, digits and `_` (it becomes `data.<name>`)",
            ));
            continue;
        }
        if kind == sheets::Kind::Sheet {
            let read = sheets::load(&name, &file, &f.real, sink);
            if let Some(Some(ds)) = sink.take(read)? {
                out.push(ds);
            }
            continue;
        }
        let source = match crate::source::read_text(&f.real, &file) {
            Ok(s) => s,
            Err(Error::Input(d)) => {
                sink.items.extend(d);
                continue;
            }
            Err(e) => return Err(e),
        };
        if let Some(ds) = sink.take(parse(&name, &file, source))? {
            out.push(ds);
        }
    }
    check_names(&out, sink);
    Ok(out)
}

/// Two files may not give the same name (`orgs.yaml` and `orgs.yml`, `a/b.yaml` and
/// `a.b.yaml`), and a dataset's name may not also be a folder of datasets (`a.yaml` and
/// `a/b.yaml` would both be `data.a`): each is an error naming both files.
fn check_names(datasets: &[Dataset], sink: &mut Sink) {
    for (i, d) in datasets.iter().enumerate() {
        for other in &datasets[..i] {
            let (a, b) = (&other.name, &d.name);
            let why = if a == b {
                format!("gives the dataset name `data.{b}`, as {} does", other.file)
            } else if b.starts_with(&format!("{a}.")) || a.starts_with(&format!("{b}.")) {
                let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
                format!("and {}: `data.{short}` would be both a dataset and the folder of `data.{long}`", other.file)
            } else {
                continue;
            };
            sink.push(
                Diagnostic::error(&d.file, 0, 0, format!("this file {why}"))
                    .with_help("rename one of the files, so that every dataset has a name of its own"),
            );
        }
    }
}
