//! Datasets as open data: CSV (UTF-8 with BOM, so Excel reads Chinese) and JSON.
//!
//! CSV cells are quoted as RFC 4180 requires, and a cell that a spreadsheet
//! would run as a formula (`=`, `+`, `-`, `@` first) is neutralised with a
//! leading apostrophe — except plain negative numbers.

use crate::stats::Computed;

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
        let line: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        s.push_str(&line.join(","));
        s.push_str("\r\n");
    }
    s
}

/// One CSV cell, quoted when needed and defused against formula injection.
pub fn cell(v: &str) -> String {
    let numeric = crate::number::Dec::parse(v).is_some();
    let mut v = v.to_string();
    if !numeric && v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.insert(0, '\'');
    }
    if v.contains([',', '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells() {
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("-5"), "-5");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(cell("研究生"), "研究生");
    }
}
