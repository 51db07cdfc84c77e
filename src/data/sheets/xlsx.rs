//! Workbooks (`.xlsx`, `.xlsm`, `.xls`, `.ods`) → one [`Grid`] per worksheet, each cell as the
//! spreadsheet shows it: a number with the decimals of its number format (`0.8305` formatted
//! `0.00%` is `83.05%`), text as typed. A formula without a cached value, an error value and a
//! merged cell below the title row are marked as problems of their cell.

use calamine::{Data, Dimensions, Reader, Sheets};
use std::io::Cursor;
use std::path::Path;

use super::{Grid, GridCell, Row};
use crate::diag::{Diagnostic, Error, Result};
use crate::number::Dec;

type Book = Sheets<Cursor<Vec<u8>>>;

/// Reads every worksheet of the workbook `path` (shown as `file`).
pub fn grids(path: &Path, file: &str) -> Result<Vec<Grid>> {
    let bytes = crate::source::read_limited(path, file)?;
    let unreadable = |e: &dyn std::fmt::Display| {
        Error::one(
            Diagnostic::error(file, 0, 0, format!("cannot read the workbook: {e}"))
                .with_help("save it again from the spreadsheet program as .xlsx, or export the sheet as CSV"),
        )
    };
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let values = book.worksheet_range(&name).map_err(|e| unreadable(&e))?;
        // Only an empty cell can be a formula without a saved value (a full sheet skips a pass).
        let (h, w) = values.get_size();
        let full = values.used_cells().count() == h * w;
        let formulas = if full { Default::default() } else { book.worksheet_formula(&name).unwrap_or_default() };
        let styles = book.worksheet_style(&name).ok();
        let merged = merged(&mut book, &name);
        let mut g = Grid { file: file.to_string(), sheet: Some(name), ..Grid::default() };
        let Some((r0, c0)) = values.start().or(formulas.start()) else {
            out.push(g);
            continue;
        };
        let end = values.end().unwrap_or((r0, c0)).max(formulas.end().unwrap_or((r0, c0)));
        for r in r0..=end.0 {
            let cells = (c0..=end.1)
                .map(|c| {
                    let v = values.get_value((r, c)).unwrap_or(&Data::Empty);
                    let f = formulas.get_value((r, c)).filter(|f| !f.is_empty());
                    let format = styles.as_ref().and_then(|s| s.get((r, c))).and_then(|s| s.number_format.as_ref());
                    let code = format.map(|n| format_code(&n.format_code, n.format_id)).unwrap_or_default();
                    cell(v, f, &code, c as usize + 1)
                })
                .collect();
            g.rows.push(Row { line: r as usize + 1, cells });
        }
        mark_merged(&mut g, &merged);
        out.push(g);
    }
    Ok(out)
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
                c.problem = Some(format!(
                    "merged cell ({area}): baipi reads one value per cell; unmerge the area and fill in each cell"
                ));
            }
        }
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
        _ => "General",
    }
    .to_string()
}

fn cell(v: &Data, formula: Option<&String>, code: &str, col: usize) -> GridCell {
    let mut c = GridCell { col, ..GridCell::default() };
    match v {
        Data::Empty | Data::String(_) if formula.is_some() && v.to_string().is_empty() => {
            c.shown = format!("={}", formula.map(String::as_str).unwrap_or(""));
            c.problem = Some(format!(
                "the formula `{}` has no saved value: baipi reads the values a spreadsheet program saved",
                c.shown
            ));
        }
        Data::Empty => {}
        Data::String(s) => c.shown = s.clone(),
        Data::Int(i) => c.shown = shown(Dec::from_int(*i), code),
        Data::Float(f) => match Dec::from_f64(*f) {
            Some(d) => c.shown = shown(d, code),
            None => c.problem = Some(format!("the cell holds {f}, which is not a finite number")),
        },
        Data::Bool(b) => c.shown = if *b { "TRUE".into() } else { "FALSE".into() },
        Data::Error(e) => {
            c.shown = e.to_string();
            c.problem = Some(format!("the cell shows the error {e}"));
        }
        Data::DateTime(_) => {
            c.problem =
                Some("the cell holds a date; baipi reads dates as text (format the cell as text: 2021-06)".into())
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => c.shown = s.clone(),
    }
    c
}

/// A number as its format shows it: the format's decimals (`General`: as stored, shortest),
/// `%` scaling; no thousands separators.
fn shown(d: Dec, code: &str) -> String {
    let section = code.split(';').next().unwrap_or("");
    let percent = section.contains('%');
    let v = if percent { d.ratio_scaled(Dec::from_int(1), 100, d.scale()).unwrap_or(d).normalized() } else { d };
    let general = section.eq_ignore_ascii_case("general") || !section.contains(['0', '#']);
    let text = if general {
        v.to_string()
    } else {
        let decimals =
            section.split_once('.').map_or(0, |(_, f)| f.chars().take_while(|c| *c == '0' || *c == '#').count());
        v.fixed(decimals as u32)
    };
    if percent { format!("{text}%") } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_show_their_format() {
        let d = |s: &str| Dec::parse(s).unwrap();
        assert_eq!(shown(d("0.8305"), "0.00%"), "83.05%");
        assert_eq!(shown(d("0.830490405"), "0.00%"), "83.05%");
        assert_eq!(shown(d("63"), "0.0"), "63.0");
        assert_eq!(shown(d("12873"), "#,##0"), "12873");
        assert_eq!(shown(d("29.9"), "General"), "29.9");
        assert_eq!(shown(d("0.5"), "General"), "0.5");
    }
}
