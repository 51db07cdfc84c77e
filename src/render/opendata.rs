//! Datasets as open data: CSV (UTF-8 with BOM, so Excel reads Chinese) and JSON.
//!
//! CSV cells are quoted as RFC 4180 requires, and a cell that a spreadsheet
//! would run as a formula (`=`, `+`, `-`, `@` first) is neutralised with a
//! leading apostrophe — except plain negative numbers.

use crate::stats::Computed;
use crate::util::escape::csv_cell;

/// The CSV text of a computed dataset.
pub fn csv(c: &Computed) -> String {
    let mut s = String::from("\u{feff}");
    s.push_str("dataset,section,key,label,value,unit,share_percent,cumulative_percent,derived,as_of,note\r\n");
    for r in &c.rows {
        let cells = [
            c.name.clone(),
            r.section.clone(),
            r.key.clone(),
            r.label.clone(),
            r.value.to_string(),
            r.unit.clone(),
            r.share.map(|d| d.to_string()).unwrap_or_default(),
            r.cumulative.map(|d| d.to_string()).unwrap_or_default(),
            if r.derived { "true".into() } else { "false".into() },
            r.as_of.clone(),
            r.note.clone(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        s.push_str(&line.join(","));
        s.push_str("\r\n");
    }
    s
}
