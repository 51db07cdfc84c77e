//! Spreadsheet datasets: `data/NAME.csv`, `data/NAME.xlsx` (also `.xlsm`, `.xls`, `.ods`) with
//! their metadata in `data/NAME.meta.yaml`, read into the same [`DatasetFile`] as YAML.
//!
//! A sheet (or the CSV file) is a [`Grid`] of cells as shown; [`layout`] finds the optional
//! title row, the header, the rows of parts or single figures and the 合计 rows; [`reading`]
//! reads a cell's text as a number. Every number and key keeps the cell it came from in the
//! dataset's [`Origin`], so the consistency checks of [`crate::stats`] point at
//! `data/survey.csv:5:3` or `data/members.xlsx:年龄!C3`.

use serde::Deserialize;
use serde_saphyr::{Location, Spanned};
use std::path::Path;
use std::sync::Arc;

use super::{AsOf, Breakdown, Dataset, DatasetFile, Fact, Group, Ordered, Pos, Remainder, Series};
use crate::diag::{Diagnostic, Error, Result, Sink};
use crate::number::Dec;
use crate::source::yaml::{self, parse_yaml};

pub mod csv;
pub mod layout;
pub mod package;
pub mod reading;
pub mod xlsx;

/// Extensions read as spreadsheets.
pub const EXTENSIONS: [&str; 5] = ["csv", "xlsx", "xlsm", "xls", "ods"];
/// The metadata file of `NAME.csv` is `NAME.meta.yaml`.
pub const META_SUFFIX: &str = ".meta.yaml";
/// Positions at or above this line are cells of [`Origin::cells`], not lines of the metadata.
const CELL_LINE: usize = 1 << 30;

/// Where a spreadsheet dataset's numbers and keys were read from.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// `data/NAME.meta.yaml` (its text is the dataset's `source`); empty when there is none.
    pub meta_file: String,
    pub cells: Vec<Cell>,
}

/// One cell, as a location for messages. Cheap to make (every number and key has one): the
/// text of a location is only written when a message needs it.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    place: Arc<Place>,
    /// CSV: the 1-based line (0: the file itself); worksheet: the 1-based row.
    line: usize,
    /// CSV: the 1-based character column; worksheet: the 1-based column number.
    col: usize,
}

/// The file (and worksheet) cells are in, with a CSV file's text for the line under a message.
#[derive(Debug, Default)]
pub struct Place {
    file: String,
    sheet: Option<String>,
    text: String,
    line_starts: Vec<usize>,
}

impl Place {
    /// The text of line `line` (1-based) of a CSV file.
    fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts.get(line.wrapping_sub(1)).copied().unwrap_or(self.text.len());
        let end = self.text[start..].find('\n').map_or(self.text.len(), |e| start + e);
        &self.text[start..end]
    }
}

impl Cell {
    /// `data/survey.csv`, or `data/members.xlsx:年龄!C3` for a workbook.
    pub fn at(&self) -> String {
        match &self.place.sheet {
            Some(s) => format!("{}:{s}!{}{}", self.place.file, column_name(self.col), self.line),
            None => self.place.file.clone(),
        }
    }

    pub fn error(&self, msg: impl Into<String>) -> Diagnostic {
        match &self.place.sheet {
            Some(_) => Diagnostic::error(self.at(), 0, 0, msg),
            None if self.line > 0 => {
                Diagnostic::error(&self.place.file, self.line, self.col, msg).with_line(self.place.line_text(self.line))
            }
            None => Diagnostic::error(&self.place.file, 0, 0, msg),
        }
    }
}

impl Origin {
    /// See [`Dataset::diagnostic`].
    pub fn diagnostic(&self, ds: &Dataset, pos: Pos, msg: String) -> Diagnostic {
        match pos.line.checked_sub(CELL_LINE).and_then(|i| self.cells.get(i)) {
            Some(c) => c.error(msg),
            None => Diagnostic::error(&self.meta_file, pos.line, pos.col, msg).with_source(&ds.source),
        }
    }

    /// Where the cell of `pos` is, in words: `line 3` (CSV) or `年龄!B3` (a workbook).
    pub fn diagnostic_at(&self, pos: Pos) -> String {
        match pos.line.checked_sub(CELL_LINE).and_then(|i| self.cells.get(i)) {
            Some(c) if c.place.sheet.is_some() => format!("{}{}", column_name(c.col), c.line),
            Some(c) if c.line > 0 => format!("line {}", c.line),
            Some(c) => c.place.file.clone(),
            None => format!("line {}", pos.line),
        }
    }

    /// `value`, located at `cell`.
    pub fn spanned<T>(&mut self, value: T, cell: Cell) -> Spanned<T> {
        self.cells.push(cell);
        let at = location(CELL_LINE + self.cells.len() - 1, 1);
        Spanned::new(value, at, at)
    }
}

/// A serde-saphyr location (its constructor is private; its `Deserialize` is not).
fn location(line: usize, col: usize) -> Location {
    use serde::de::value::{Error as DeError, MapDeserializer};
    let fields = [("line", line as u64), ("column", col as u64)];
    Location::deserialize(MapDeserializer::<_, DeError>::new(fields.into_iter())).unwrap_or(Location::UNKNOWN)
}

/// A sheet's cells as shown, row by row.
#[derive(Debug, Default)]
pub struct Grid {
    /// `data/survey.csv` or `data/members.xlsx`.
    pub file: String,
    /// The worksheet's name; `None` for CSV.
    pub sheet: Option<String>,
    pub rows: Vec<Row>,
    place: Arc<Place>,
}

#[derive(Debug, Default)]
pub struct Row {
    /// CSV line or worksheet row (1-based).
    pub line: usize,
    pub cells: Vec<GridCell>,
}

#[derive(Debug, Default, Clone)]
pub struct GridCell {
    /// The text as the editor sees it (`83.05%` for 0.8305 formatted as a percentage).
    pub shown: String,
    /// CSV: 1-based character column; worksheet: 1-based column number.
    pub col: usize,
    /// Why the cell cannot be read at all (a formula without a value, a merged cell …).
    pub problem: Option<Problem>,
}

/// Why a cell cannot be read, and what to do about it.
#[derive(Debug, Default, Clone)]
pub struct Problem {
    pub why: String,
    pub help: String,
}

impl Problem {
    pub fn new(why: impl Into<String>, help: impl Into<String>) -> Option<Problem> {
        Some(Problem { why: why.into(), help: help.into() })
    }
}

impl GridCell {
    pub fn is_blank(&self) -> bool {
        self.shown.trim().is_empty() && self.problem.is_none()
    }
}

impl Grid {
    /// A worksheet's grid (`sheet`) or a CSV file's (`None`, with its `text` split at
    /// `line_starts` for the line under a message).
    pub fn new(file: &str, sheet: Option<String>, text: String, line_starts: Vec<usize>) -> Grid {
        let place = Place { file: file.to_string(), sheet: sheet.clone(), text, line_starts };
        Grid { file: file.to_string(), sheet, rows: Vec::new(), place: Arc::new(place) }
    }

    /// The location of `cell` in row `row`.
    pub fn cell(&self, row: &Row, cell: &GridCell) -> Cell {
        Cell { place: self.place.clone(), line: row.line, col: cell.col }
    }

    /// The location of a whole row (its first cell).
    pub fn row_at(&self, row: &Row) -> Cell {
        let col = row.cells.first().map_or(1, |c| c.col);
        Cell { place: self.place.clone(), line: row.line, col }
    }

    /// The location of the sheet itself (its first cell) or of the CSV file.
    pub fn at(&self) -> Cell {
        let (line, col) = if self.sheet.is_some() { (1, 1) } else { (0, 0) };
        Cell { place: self.place.clone(), line, col }
    }

    /// The text of CSV line `line` (empty for a worksheet).
    pub fn line_text(&self, line: usize) -> &str {
        if self.sheet.is_some() { "" } else { self.place.line_text(line) }
    }
}

/// `1` → `A`, `27` → `AA`.
pub fn column_name(mut n: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// `data/NAME.meta.yaml`: a YAML dataset without the parts, which come from the sheets.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Else the title row of the file (CSV) or of the first sheet.
    pub title: Option<String>,
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
    pub digits: Option<u32>,
    #[serde(default)]
    pub values: Ordered<Fact>,
    #[serde(default)]
    pub breakdowns: Ordered<BreakdownMeta>,
    /// Series: written out in the metadata (`periods:`), or read from a sheet with a period column.
    #[serde(default)]
    pub series: Ordered<SeriesMeta>,
}

/// A series' metadata; its periods are written here or are the rows of a sheet with a 期间
/// (period) column: the sheet named `sheet:` (or the key), or the rows whose 分项 is the key.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesMeta {
    /// Else the sheet's title row.
    pub title: Option<String>,
    pub sheet: Option<String>,
    pub unit: Option<String>,
    pub digits: Option<u32>,
    pub base: Option<Spanned<super::Period>>,
    #[serde(default)]
    pub note: String,
    pub periods: Option<Spanned<Vec<super::SeriesPeriod>>>,
}

impl SeriesMeta {
    pub(crate) fn into_series(self, title: String, periods: Spanned<Vec<super::SeriesPeriod>>) -> Series {
        Series { title, unit: self.unit, digits: self.digits, base: self.base, note: self.note, periods }
    }
}

/// A breakdown's metadata; its parts are the rows of its sheet, or of the CSV rows naming it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakdownMeta {
    /// Else the sheet's title row.
    pub title: Option<String>,
    /// The worksheet holding the parts, when its name is not the key (`sheet: 年龄`).
    pub sheet: Option<String>,
    pub unit: Option<String>,
    pub as_of: Option<AsOf>,
    pub total: Option<Spanned<Dec>>,
    #[serde(default)]
    pub complete: bool,
    pub digits: Option<u32>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub respondents: String,
    #[serde(default)]
    pub groups: Ordered<Group>,
    pub remainder: Option<Remainder>,
}

impl BreakdownMeta {
    fn into_breakdown(self, title: String, parts: Spanned<Vec<super::Part>>) -> Breakdown {
        Breakdown {
            title,
            unit: self.unit,
            as_of: self.as_of,
            total: self.total,
            complete: self.complete,
            digits: self.digits,
            note: self.note,
            respondents: self.respondents,
            parts,
            groups: self.groups,
            remainder: self.remainder,
        }
    }
}

/// What `data/` holds in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Yaml,
    Sheet,
    /// `NAME.meta.yaml`, read with its spreadsheet.
    Meta,
    /// An editor's lock or temporary file.
    Skip,
    Other,
}

impl Kind {
    pub fn of(path: &Path) -> Kind {
        let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        if is_lock_file(&name) {
            Kind::Skip
        } else if name.ends_with(META_SUFFIX) {
            Kind::Meta
        } else if ext == "yaml" || ext == "yml" {
            Kind::Yaml
        } else if EXTENSIONS.contains(&ext.as_str()) {
            Kind::Sheet
        } else {
            Kind::Other
        }
    }
}

/// The warning for a file of `data/` that is not read as a dataset (none for a metadata file
/// whose spreadsheet is beside it).
pub fn not_read(path: &Path, file: &str, kind: Kind) -> Option<Diagnostic> {
    let stem = path.file_name()?.to_string_lossy().strip_suffix(META_SUFFIX).map(str::to_string);
    match (kind, stem) {
        (Kind::Meta, Some(stem)) => {
            if EXTENSIONS.iter().any(|e| path.with_file_name(format!("{stem}.{e}")).is_file()) {
                return None;
            }
            let d = Diagnostic::warning(
                file,
                0,
                0,
                format!(
                    "not read: a metadata file, but there is no spreadsheet `{stem}.csv` or `{stem}.xlsx` beside it"
                ),
            );
            Some(d.with_help("put the spreadsheet beside it, or rename it to `NAME.yaml` if it is a whole dataset"))
        }
        _ => {
            let d = Diagnostic::warning(
                file,
                0,
                0,
                "not read: baipi reads datasets from .yaml, .csv, .xlsx, .xlsm, .xls and .ods files",
            );
            Some(d.with_help(
                "convert it to one of these, or move it out of data/ (files offered for download go in static/)",
            ))
        }
    }
}

/// Whether `name` is an editor's lock or temporary file, skipped without a word.
pub fn is_lock_file(name: &str) -> bool {
    name.starts_with("~$") || name.starts_with(".~lock.") || name.ends_with('~') || name.ends_with(".tmp")
}

/// Reads the spreadsheet `path` (shown as `file`) and its metadata beside it as dataset `name`.
pub fn load(name: &str, file: &str, path: &Path, sink: &mut Sink) -> Result<Option<Dataset>> {
    let meta_path = meta_path(path);
    let meta_file = meta_file_name(file);
    let meta_text = if std::fs::symlink_metadata(&meta_path).is_ok() {
        crate::source::read_text(&meta_path, &meta_file)?
    } else {
        String::new()
    };
    let meta = if meta_text.trim().is_empty() {
        Meta::default()
    } else {
        parse_yaml::<Meta>(&meta_text).map_err(|e| Error::one(yaml::located(&meta_file, &meta_text, 0, &e)))?
    };
    let is_csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let grids = if is_csv { vec![csv::grid(path, file)?] } else { xlsx::grids(path, file)? };
    let mut origin =
        Origin { meta_file: if meta_text.is_empty() { String::new() } else { meta_file }, cells: Vec::new() };
    let before = sink.items.len();
    let def = layout::dataset(&grids, meta, &meta_text, &mut origin, sink);
    if sink.items[before..].iter().any(|d| d.severity == crate::diag::Severity::Error) {
        return Ok(None);
    }
    Ok(def.map(|def| Dataset {
        name: name.to_string(),
        file: file.to_string(),
        source: meta_text,
        line_offset: 0,
        def,
        sheet: Some(origin),
    }))
}

/// `data/x.csv` → `data/x.meta.yaml`.
pub fn meta_path(path: &Path) -> std::path::PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!("{stem}{META_SUFFIX}"))
}

fn meta_file_name(file: &str) -> String {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    format!("{stem}{META_SUFFIX}")
}

/// A dataset file with everything but the parts, for [`layout`] to fill in.
pub(crate) fn dataset_file(meta: &Meta, title: String) -> DatasetFile {
    DatasetFile {
        title,
        description: meta.description.clone(),
        as_of: meta.as_of.clone(),
        unit: meta.unit.clone(),
        source: meta.source.clone(),
        respondents: meta.respondents.clone(),
        total: meta.total.clone(),
        digits: meta.digits,
        values: meta.values.clone(),
        breakdowns: Ordered::default(),
        series: Ordered::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_locations() {
        assert_eq!(column_name(1), "A");
        assert_eq!(column_name(3), "C");
        assert_eq!(column_name(28), "AB");
        let mut o = Origin::default();
        let grid = Grid::new("data/x.xlsx", Some("S".into()), String::new(), Vec::new());
        let row = Row { line: 3, cells: vec![GridCell { col: 3, ..GridCell::default() }] };
        let s = o.spanned(1, grid.cell(&row, &row.cells[0]));
        assert_eq!(Pos::of(&s).line, CELL_LINE);
        assert_eq!(o.cells[0].at(), "data/x.xlsx:S!C3");
        assert_eq!(o.diagnostic_at(Pos::of(&s)), "C3");
        assert!(is_lock_file("~$members.xlsx") && is_lock_file(".~lock.x.ods#") && !is_lock_file("x.csv"));
    }
}
