//! `data/NAME.csv` → a [`Grid`]: UTF-8 (a BOM is dropped), comma-separated, fields quoted as
//! in RFC 4180. Each cell keeps its line and character column.

use std::path::Path;

use super::{Grid, GridCell, Row};
use crate::diag::{Diagnostic, Error, Result};

/// Reads the CSV file `path` (shown as `file`).
pub fn grid(path: &Path, file: &str) -> Result<Grid> {
    let text = crate::source::read_text(path, file)?;
    from_text(text, file)
}

/// Splits CSV `text` into rows of cells with their positions.
pub fn from_text(text: String, file: &str) -> Result<Grid> {
    let line_starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut rows = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                return Err(Error::one(Diagnostic::error(file, line, 0, format!("cannot read the CSV: {e}"))));
            }
        }
        let Some(pos) = record.position() else { continue };
        let start = pos.byte() as usize;
        let line = pos.line() as usize;
        let cols = field_columns(&text, start, &line_starts, line, record.len());
        let cells =
            record.iter().zip(cols).map(|(s, col)| GridCell { shown: s.to_string(), col, problem: None }).collect();
        rows.push(Row { line, cells });
    }
    let mut grid = Grid::new(file, None, text, line_starts);
    grid.rows = rows;
    Ok(grid)
}

/// The 1-based character column of each of the `n` fields of the record starting at byte
/// `start` (on `line`); a field after a quoted line break counts from its own line's start.
fn field_columns(text: &str, start: usize, starts: &[usize], line: usize, n: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(n);
    let mut i = start;
    let mut line_start = starts.get(line.wrapping_sub(1)).copied().unwrap_or(start);
    while out.len() < n {
        out.push(text[line_start..i.min(text.len())].chars().count() + 1);
        let mut quoted = false;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => quoted = !quoted,
                b',' if !quoted => break,
                b'\n' if !quoted => break,
                b'\n' => line_start = i + 1,
                _ => {}
            }
            i += 1;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_keep_their_columns() {
        let g = from_text("键,名称,数值\nle30,\"30岁,及以下\",3957\n".into(), "data/x.csv").unwrap();
        let cols: Vec<(usize, usize, &str)> =
            g.rows.iter().flat_map(|r| r.cells.iter().map(move |c| (r.line, c.col, c.shown.as_str()))).collect();
        assert_eq!(cols[3..], [(2, 1, "le30"), (2, 6, "30岁,及以下"), (2, 16, "3957")]);
    }
}
