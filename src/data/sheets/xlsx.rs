//! Workbooks (`.xlsx`, `.xlsm`, `.xls`, `.ods`) → one [`Grid`] per worksheet, each cell as the
//! spreadsheet shows it: a number with the decimals of its number format (`0.8305` formatted
//! `0.00%` is `83.05%`), a date as `2021-06-30` (or `2021-06` when its format shows no day),
//! text as typed. A formula without a cached value, an error value and a merged cell below the
//! title row are marked as problems of their cell.
//!
//! An `.xlsx` sheet is read in one pass over its XML (values with their style ids); the merged
//! areas and whether the sheet has a formula without a saved value come from a scan of the
//! package ([`package`]); the formulas themselves are read (a second pass) only then, and only
//! when a cell outside the merged areas has no value.

use calamine::{Data, DataRef, Dimensions, ExcelDateTime, Reader, Sheets, Style, Xlsx};
use std::io::Cursor;
use std::path::Path;

use super::package::{self, SheetParts};
use super::{Grid, GridCell, Problem, Row};
use crate::diag::{Diagnostic, Error, Result};
use crate::number::Dec;

type Book = Sheets<Cursor<Vec<u8>>>;

/// A sheet larger than this many cells (its used area, rows × columns) is refused.
const MAX_CELLS: usize = 20_000_000;

/// Reads every worksheet of the workbook `path` (shown as `file`).
pub fn grids(path: &Path, file: &str) -> Result<Vec<Grid>> {
    let bytes = crate::source::read_limited(path, file)?;
    let parts = package::scan(&bytes);
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(file, &e))?;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let found = parts.as_ref().and_then(|p| p.get(&name));
        let cells = match &mut book {
            Sheets::Xlsx(x) => xlsx_cells(x, &name, found).map_err(|e| unreadable(file, &e))?,
            other => any_cells(other, &name, found).map_err(|e| unreadable(file, &e))?,
        };
        let merged = match found {
            Some(p) => p.merged.clone(),
            None => merged(&mut book, &name),
        };
        let mut g = grid(file, name, cells)?;
        mark_merged(&mut g, &merged);
        out.push(g);
    }
    Ok(out)
}

fn unreadable(file: &str, e: &dyn std::fmt::Display) -> Error {
    Error::one(
        Diagnostic::error(file, 0, 0, format!("cannot read the workbook: {e}"))
            .with_help("save it again from the spreadsheet program as .xlsx, or export the sheet as CSV"),
    )
}

/// The cells of a sheet with something to show, at their 0-based (row, column).
type Cells = Vec<((u32, u32), GridCell)>;

/// An `.xlsx` sheet: one pass for the values and style ids; the formulas only when a cell
/// without a value may be a formula without its value (the scan saw one, and the cell is not
/// merged).
fn xlsx_cells(
    x: &mut Xlsx<Cursor<Vec<u8>>>,
    name: &str,
    parts: Option<&SheetParts>,
) -> std::result::Result<Cells, calamine::Error> {
    let mut cells = Cells::new();
    let mut blanks = Vec::new();
    {
        let mut reader = match x.worksheet_cells_reader(name) {
            Ok(r) => r,
            Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(cells),
            Err(e) => return Err(e.into()),
        };
        let formats: Vec<Format> = reader.styles().iter().map(Format::of).collect();
        while let Some((c, style)) = reader.next_cell_with_style_id()? {
            let format = formats.get(style).unwrap_or(&Format::General);
            match cell(c.get_value(), format, c.get_position().1) {
                Some(g) => cells.push((c.get_position(), g)),
                None => blanks.push(c.get_position()),
            }
        }
    }
    let merged = parts.map_or(&[][..], |p| &p.merged[..]);
    blanks.retain(|p| !merged.iter().any(|m| m.contains(p.0, p.1)));
    if !blanks.is_empty() && parts.is_none_or(|p| p.formulas) {
        let formulas = x.worksheet_formula(name)?;
        for p in blanks {
            if let Some(f) = formulas.get_value(p).filter(|f| !f.is_empty()) {
                cells.push((p, without_value(f, p.1)));
            }
        }
    }
    Ok(cells)
}

/// Any other workbook (`.xls`, `.ods`): the values, the formulas and the styles the reader has.
fn any_cells(book: &mut Book, name: &str, parts: Option<&SheetParts>) -> std::result::Result<Cells, calamine::Error> {
    let values = book.worksheet_range(name)?;
    let formulas = if parts.is_some_and(|p| !p.formulas) { Default::default() } else { book.worksheet_formula(name)? };
    let styles = book.worksheet_style(name).ok();
    let mut cells = Cells::new();
    for (r, c, v) in values.used_cells() {
        let p = (values.start().unwrap_or_default().0 + r as u32, values.start().unwrap_or_default().1 + c as u32);
        let style = styles.as_ref().and_then(|s| s.get(p));
        let percent = parts.is_some_and(|s| s.percent.contains(&p));
        let format = if percent { Format::Percent } else { style.map_or(Format::General, Format::of) };
        cells.extend(cell(&as_ref(v), &format, p.1).map(|g| (p, g)));
    }
    for (r, c, f) in formulas.used_cells().filter(|(.., f)| !f.is_empty()) {
        let p = (formulas.start().unwrap_or_default().0 + r as u32, formulas.start().unwrap_or_default().1 + c as u32);
        if values.get_value(p).is_none_or(|v| matches!(v, Data::Empty) || v.to_string().is_empty()) {
            cells.push((p, without_value(f, p.1)));
        }
    }
    Ok(cells)
}

fn as_ref(v: &Data) -> DataRef<'_> {
    match v {
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::String(s) => DataRef::SharedString(s),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::Error(e) => DataRef::Error(e.clone()),
        Data::Empty => DataRef::Empty,
    }
}

/// The sheet's cells as rows of the used area (every row as wide as the widest).
fn grid(file: &str, name: String, mut cells: Cells) -> Result<Grid> {
    let mut g = Grid::new(file, Some(name), String::new(), Vec::new());
    if cells.is_empty() {
        return Ok(g);
    }
    cells.sort_by_key(|(p, _)| *p);
    let (r0, r1) = (cells[0].0.0, cells[cells.len() - 1].0.0);
    let (c0, c1) = cells.iter().fold((u32::MAX, 0), |(lo, hi), ((_, c), _)| (lo.min(*c), hi.max(*c)));
    let (height, width) = ((r1 - r0) as usize + 1, (c1 - c0) as usize + 1);
    if height.saturating_mul(width) > MAX_CELLS {
        let corner = format!("{}{}", super::column_name(c1 as usize + 1), r1 + 1);
        return Err(Error::one(g.at().error(format!(
            "the sheet's cells reach {corner}: {height} rows × {width} columns is more than baipi reads ({MAX_CELLS} cells)"
        )).with_help("delete the cells far from the table (select the empty rows and columns after it and delete them)")));
    }
    let blank = |c: u32| GridCell { col: c as usize + 1, ..GridCell::default() };
    g.rows = (r0..=r1).map(|r| Row { line: r as usize + 1, cells: (c0..=c1).map(blank).collect() }).collect();
    for ((r, c), cell) in cells {
        g.rows[(r - r0) as usize].cells[(c - c0) as usize] = cell;
    }
    Ok(g)
}

fn merged(book: &mut Book, name: &str) -> Vec<Dimensions> {
    match book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A merged cell cannot be read as a row of separate cells, except in the title row (the
/// first row with text); every cell of a merged area elsewhere is a problem.
fn mark_merged(g: &mut Grid, merged: &[Dimensions]) {
    let title_row = g.rows.iter().find(|r| r.cells.iter().any(|c| !c.is_blank())).map(|r| r.line);
    for m in merged {
        let (top, left) = (m.start.0 as usize + 1, m.start.1 as usize + 1);
        let (bottom, right) = (m.end.0 as usize + 1, m.end.1 as usize + 1);
        if top == bottom && Some(top) == title_row {
            continue;
        }
        let area = format!("{}{top}:{}{bottom}", super::column_name(left), super::column_name(right));
        for row in g.rows.iter_mut().filter(|r| (top..=bottom).contains(&r.line)) {
            for c in row.cells.iter_mut().filter(|c| (left..=right).contains(&c.col)) {
                c.problem = Problem::new(
                    format!("merged cell ({area}): baipi reads one value per cell"),
                    "unmerge the area and fill in each cell (a merged title row above the header is fine)",
                );
            }
        }
    }
}

/// How a cell's number format shows a number or a date.
#[derive(Debug, Clone, PartialEq)]
enum Format {
    General,
    /// `decimals` after the point; `percent`: scaled by 100 with a `%`.
    Fixed {
        decimals: u32,
        percent: bool,
    },
    /// A date format that shows no day (`yyyy年m月`, `mmm-yy`).
    Month,
    /// A percentage with the decimals stored (an `.ods` cell, whose format the reader does
    /// not give).
    Percent,
}

impl Format {
    fn of(style: &Style) -> Format {
        let Some(n) = &style.number_format else { return Format::General };
        Format::parse(&format_code(&n.format_code, n.format_id))
    }

    fn parse(code: &str) -> Format {
        let section = code.split(';').next().unwrap_or("");
        // Text in quotes or after `\` is shown as written, not a part of the format.
        let mut bare = String::new();
        let mut quoted = false;
        let mut chars = section.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => quoted = !quoted,
                '\\' => _ = chars.next(),
                _ if !quoted => bare.push(c.to_ascii_lowercase()),
                _ => {}
            }
        }
        let bare = bare.split(']').next_back().unwrap_or("").to_string(); // `[Red]`, `[$-804]`
        if bare.contains(['y', 'm']) && !bare.contains('d') && !bare.contains(['0', '#']) {
            return Format::Month;
        }
        if bare == "general" || !bare.contains(['0', '#']) {
            return Format::General;
        }
        let decimals =
            bare.split_once('.').map_or(0, |(_, f)| f.chars().take_while(|c| *c == '0' || *c == '#').count());
        Format::Fixed { decimals: decimals as u32, percent: bare.contains('%') }
    }
}

/// The format code of a cell, with Excel's built-in formats spelled out.
fn format_code(code: &str, id: Option<u32>) -> String {
    if !code.is_empty() {
        return code.to_string();
    }
    match id {
        Some(1) => "0",
        Some(2) => "0.00",
        Some(3) => "#,##0",
        Some(4) => "#,##0.00",
        Some(9) => "0%",
        Some(10) => "0.00%",
        Some(17) => "mmm-yy",
        Some(57) => "yyyy年m月",
        _ => "General",
    }
    .to_string()
}

/// A cell as shown, `None` when it shows nothing.
fn cell(v: &DataRef, format: &Format, col: u32) -> Option<GridCell> {
    let mut c = GridCell { col: col as usize + 1, ..GridCell::default() };
    match v {
        DataRef::Empty => return None,
        DataRef::String(s) if s.is_empty() => return None,
        DataRef::SharedString("") => return None,
        DataRef::String(s) => c.shown = s.clone(),
        DataRef::SharedString(s) => c.shown = s.to_string(),
        DataRef::Int(i) => c.shown = shown(Dec::from_int(*i), format),
        DataRef::Float(f) => match Dec::from_f64(*f) {
            Some(d) => c.shown = shown(d, format),
            None => {
                c.problem = Problem::new(format!("the cell holds {f}, which is not a finite number"), "type the figure")
            }
        },
        DataRef::Bool(b) => c.shown = if *b { "TRUE".into() } else { "FALSE".into() },
        DataRef::Error(e) => {
            c.shown = e.to_string();
            c.problem = Problem::new(
                format!("the cell shows the error {e}"),
                "correct the formula in the spreadsheet program, or type the figure",
            );
        }
        DataRef::DateTime(d) => c.shown = date(d, format),
        DataRef::DateTimeIso(s) => c.shown = iso_date(s),
        DataRef::DurationIso(s) => c.shown = s.clone(),
    }
    Some(c)
}

/// A formula saved without its value.
fn without_value(formula: &str, col: u32) -> GridCell {
    let shown = format!("={formula}");
    let problem = Problem::new(
        format!("the formula `{shown}` has no saved value: baipi reads the values a spreadsheet program saved"),
        "open the file in Excel, WPS or LibreOffice and save it again (they save each formula's value), or type the figure",
    );
    GridCell { shown, col: col as usize + 1, problem }
}

/// A date or time as `2021-06-30` (`2021-06` when the format shows no day), with `14:30` when
/// it has a time of day; a duration as `12:30:00`.
fn date(d: &ExcelDateTime, format: &Format) -> String {
    let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
    if d.is_duration() {
        let hours = (d.as_f64() * 24.0).floor();
        return format!("{hours}:{min:02}:{s:02}");
    }
    let mut out = if *format == Format::Month { format!("{y:04}-{m:02}") } else { format!("{y:04}-{m:02}-{day:02}") };
    if (h, min, s) != (0, 0, 0) {
        out.push_str(&format!(" {h:02}:{min:02}"));
    }
    out
}

/// An ISO date as [`date`] shows one: `2021-06-30T00:00:00` → `2021-06-30`,
/// `2021-06-30T14:30:00` → `2021-06-30 14:30`.
fn iso_date(s: &str) -> String {
    match s.split_once('T') {
        Some((day, "00:00:00" | "00:00")) => day.to_string(),
        Some((day, time)) => format!("{day} {}", time.get(..5).unwrap_or(time)),
        None => s.to_string(),
    }
}

/// A number as its format shows it: the format's decimals (`General`: as stored, shortest),
/// `%` scaling; no thousands separators.
fn shown(d: Dec, format: &Format) -> String {
    match *format {
        Format::Fixed { decimals, percent: true } => {
            let v = d.ratio_scaled(Dec::from_int(1), 100, d.scale()).unwrap_or(d).normalized();
            format!("{}%", v.fixed(decimals))
        }
        Format::Fixed { decimals, percent: false } => d.fixed(decimals),
        Format::Percent => format!("{}%", d.ratio_scaled(Dec::from_int(1), 100, d.scale()).unwrap_or(d).normalized()),
        Format::General | Format::Month => d.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_show_their_format() {
        let d = |s: &str| Dec::parse(s).unwrap();
        let f = Format::parse;
        assert_eq!(shown(d("0.8305"), &f("0.00%")), "83.05%");
        assert_eq!(shown(d("0.830490405"), &f("0.00%")), "83.05%");
        assert_eq!(shown(d("63"), &f("0.0")), "63.0");
        assert_eq!(shown(d("12873"), &f("#,##0")), "12873");
        assert_eq!(shown(d("12873"), &f("#,##0\"人\"")), "12873");
        assert_eq!(shown(d("29.9"), &f("General")), "29.9");
        assert_eq!(shown(d("0.5"), &f("General")), "0.5");
        assert_eq!(shown(d("0.5"), &f("[Red]0.00;[Blue]-0.00")), "0.50");
        assert_eq!(f("yyyy\"年\"m\"月\""), Format::Month);
        assert_eq!(f("yyyy-mm-dd"), Format::General);
        assert_eq!(iso_date("2021-06-30T00:00:00"), "2021-06-30");
        assert_eq!(iso_date("2021-06-30T14:30:00"), "2021-06-30 14:30");
        assert_eq!(iso_date("2021-06-30"), "2021-06-30");
    }
}
