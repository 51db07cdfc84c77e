//! Workbooks written in the tests (`.xlsx` with `rust_xlsxwriter`, `.ods` as its XML), so
//! that every spreadsheet case is made from a readable description instead of a binary file in
//! the repository.

use rust_xlsxwriter::{Format, Formula, Workbook};

/// One cell as a statistics office might fill it.
#[derive(Debug, Clone, Copy)]
pub enum Cell {
    Empty,
    Text(&'static str),
    Num(f64),
    /// A number with a number format, e.g. `Fmt(0.8305, "0.00%")`.
    Fmt(f64, &'static str),
    /// A formula saved without a computed value.
    Formula(&'static str),
    /// A date `(year, month, day)` with a date format, e.g. `Date(2021, 6, 30, "yyyy-mm-dd")`.
    Date(u16, u8, u8, &'static str),
}

/// A worksheet: its name, rows from A1, and merged areas `(first row, first col, last row,
/// last col)`, 0-based, each keeping the text of its first cell.
pub struct Sheet {
    pub name: &'static str,
    pub rows: Vec<Vec<Cell>>,
    pub merged: Vec<(u32, u16, u32, u16)>,
}

/// Shorthand for a row of text cells.
pub fn texts(cells: &[&'static str]) -> Vec<Cell> {
    cells.iter().map(|t| if t.is_empty() { Cell::Empty } else { Cell::Text(t) }).collect()
}

/// The `.xlsx` bytes of `sheets`.
pub fn xlsx(sheets: &[Sheet]) -> Vec<u8> {
    let mut wb = Workbook::new();
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(s.name).unwrap();
        for (r, row) in s.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match *cell {
                    Cell::Empty => {}
                    Cell::Text(t) => _ = ws.write_string(r, c, t).unwrap(),
                    Cell::Num(n) => _ = ws.write_number(r, c, n).unwrap(),
                    Cell::Fmt(n, f) => {
                        _ = ws.write_number_with_format(r, c, n, &Format::new().set_num_format(f)).unwrap()
                    }
                    Cell::Formula(f) => _ = ws.write_formula(r, c, Formula::new(f).set_result("")).unwrap(),
                    Cell::Date(y, m, d, f) => {
                        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(y, m, d).unwrap();
                        _ = ws.write_datetime_with_format(r, c, &date, &Format::new().set_num_format(f)).unwrap()
                    }
                }
            }
        }
        for &(r0, c0, r1, c1) in &s.merged {
            let text = match s.rows[r0 as usize][c0 as usize] {
                Cell::Text(t) => t,
                _ => "",
            };
            ws.merge_range(r0, c0, r1, c1, text, &Format::new()).unwrap();
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    if sheets.iter().any(|s| s.rows.iter().flatten().any(|c| matches!(c, Cell::Formula(_)))) {
        without_formula_values(&bytes)
    } else {
        bytes
    }
}

/// The `.ods` bytes of `sheets` (LibreOffice's layout: a merged area is its first cell with
/// `number-columns-spanned`/`number-rows-spanned`, the others `covered-table-cell`s).
pub fn ods(sheets: &[Sheet]) -> Vec<u8> {
    use std::fmt::Write as _;
    use std::io::Write;
    let mut xml = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#,
        r#"xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" "#,
        r#"office:version="1.3"><office:body><office:spreadsheet>"#
    ));
    for s in sheets {
        write!(xml, r#"<table:table table:name="{}">"#, s.name).unwrap();
        for (r, row) in s.rows.iter().enumerate() {
            xml.push_str("<table:table-row>");
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                let span = s.merged.iter().find(|m| (m.0, m.1) == (r, c));
                let covered = s.merged.iter().any(|m| (m.0..=m.2).contains(&r) && (m.1..=m.3).contains(&c));
                if covered && span.is_none() {
                    xml.push_str("<table:covered-table-cell/>");
                    continue;
                }
                let span = span.map_or(String::new(), |m| {
                    format!(
                        r#" table:number-columns-spanned="{}" table:number-rows-spanned="{}""#,
                        m.3 - m.1 + 1,
                        m.2 - m.0 + 1
                    )
                });
                let body = match *cell {
                    Cell::Empty => String::new(),
                    Cell::Text(t) => format!(r#" office:value-type="string"><text:p>{t}</text:p"#),
                    Cell::Num(n) => format!(r#" office:value-type="float" office:value="{n}"><text:p>{n}</text:p"#),
                    Cell::Fmt(n, _) => {
                        format!(r#" office:value-type="percentage" office:value="{n}"><text:p>{}%</text:p"#, n * 100.0)
                    }
                    Cell::Formula(f) => format!(r#" table:formula="of:{f}""#),
                    Cell::Date(y, m, d, _) => {
                        format!(
                            r#" office:value-type="date" office:date-value="{y:04}-{m:02}-{d:02}"><text:p>{y}/{m}/{d}</text:p"#
                        )
                    }
                };
                let close = if body.ends_with("</text:p") { "></table:table-cell>" } else { "/>" };
                write!(xml, "<table:table-cell{span}{body}{close}").unwrap();
            }
            xml.push_str("</table:table-row>");
        }
        xml.push_str("</table:table>");
    }
    xml.push_str("</office:spreadsheet></office:body></office:document-content>");
    let manifest = concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">"#,
        r#"<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>"#,
        r#"<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#
    );
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text, options) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet", stored),
        ("META-INF/manifest.xml", manifest, deflated),
        ("content.xml", xml.as_str(), deflated),
    ] {
        zout.start_file(name, options).unwrap();
        zout.write_all(text.as_bytes()).unwrap();
    }
    zout.finish().unwrap().into_inner()
}

/// The workbook with the saved values of its formulas removed (as a program that does not
/// calculate leaves them); `rust_xlsxwriter` always saves a value.
fn without_formula_values(bytes: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut text = Vec::new();
        f.read_to_end(&mut text).unwrap();
        if name.starts_with("xl/worksheets/") {
            text = String::from_utf8(text).unwrap().replace("</f><v>0</v>", "</f>").into_bytes();
        }
        zout.start_file(name, stored).unwrap();
        zout.write_all(&text).unwrap();
    }
    zout.finish().unwrap().into_inner()
}

/// The member statistics of the bundled paper as a statistics office would send them: one
/// sheet per breakdown, a merged title row, shares formatted as percentages, a 合计 row.
pub fn members() -> Vec<u8> {
    use Cell::*;
    let header = || texts(&["键", "名称", "数值", "公布占比", "说明"]);
    let pct = |v: f64| Fmt(v, "0.00%");
    let by_type = Sheet {
        name: "单位类型",
        rows: vec![
            texts(&["表1 两新组织党员按单位类型分布（截至2021年6月）"]),
            header(),
            vec![Text("nonpublic"), Text("非公企业党员"), Num(11591.0), pct(0.9004)],
            vec![Text("social"), Text("社会组织党员"), Num(1282.0), pct(0.0996)],
            vec![Text("合计"), Empty, Num(12873.0)],
        ],
        merged: vec![(0, 0, 0, 4)],
    };
    let age = |k, l, v| vec![Text(k), Text(l), Num(v)];
    let by_age = Sheet {
        name: "年龄",
        rows: vec![
            texts(&["表2 两新组织党员年龄构成"]),
            header(),
            age("le30", "30岁及以下", 3957.0),
            age("a31_40", "31～40岁", 6280.0),
            age("a41_50", "41～50岁", 1572.0),
            age("a51_60", "51～60岁", 654.0),
            age("ge61", "61岁及以上", 410.0),
            vec![Text("合计"), Empty, Num(12873.0)],
        ],
        merged: vec![(0, 0, 0, 4)],
    };
    let by_education = Sheet {
        name: "学历",
        rows: vec![
            texts(&["表3 两新组织党员学历构成（报道未列出本科以下人数）"]),
            header(),
            vec![Text("graduate"), Text("研究生"), Num(2648.0), pct(0.2057)],
            vec![Text("bachelor"), Text("本科"), Num(7721.0), pct(0.5998)],
        ],
        merged: vec![(0, 0, 0, 4)],
    };
    xlsx(&[by_type, by_age, by_education])
}
