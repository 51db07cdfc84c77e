//! Spreadsheet datasets (`data/*.csv`, `data/*.xlsx` with `NAME.meta.yaml`): the bundled
//! paper's workbook, cell-exact errors for workbooks (the CSV cases are fixtures in
//! `tests/fixtures/invalid/csv-*`), files `data/` does not read, and the open-data round trip.

use crate::support::workbook::{self, Cell, Sheet, texts};
use crate::support::{Site, repo};

/// `data/members.xlsx` is made by [`workbook::members`]; run with `--ignored` after changing it.
#[test]
#[ignore]
fn write_bundled_members_workbook() {
    std::fs::write(repo().join("data/members.xlsx"), workbook::members()).unwrap();
}

#[test]
fn the_bundled_workbook_is_the_one_the_tests_describe() {
    let site = Site::fixtures(&["invalid/_base"]);
    site.write("data/members.xlsx", workbook::members());
    site.write("data/members.meta.yaml", std::fs::read(repo().join("data/members.meta.yaml")).unwrap());
    let ours = site.build();
    let bundled = Site::bundled();
    let out = crate::support::TempDir::new("bundled-members");
    let theirs = bundled.build_into(out.path());
    assert_eq!(ours.read("data/members.csv"), theirs.read("data/members.csv"));
}

/// A workbook with one mistake of each kind in sheet 年龄; every one is reported at its cell.
#[test]
fn workbook_errors_name_the_sheet_and_the_cell() {
    use Cell::*;
    let sheet = Sheet {
        name: "年龄",
        rows: vec![
            texts(&["两新组织党员年龄构成"]),
            texts(&["键", "名称", "数值"]),
            vec![Text("le30"), Text("30岁及以下"), Formula("=SUM(D1:D2)")],
            vec![Text("a31_40"), Text("31～40岁"), Text("6280"), Empty],
            vec![Text("a41_50"), Text("41～50岁"), Fmt(0.8305, "0.00%")],
            vec![Text("a51_60"), Text("51～60岁"), Text("六千二百八十")],
            vec![Text("ge61"), Text("61岁及以上"), Text("12,873")],
            vec![Text("合计"), Empty, Num(1.0)],
        ],
        merged: vec![(3, 2, 3, 3)],
    };
    let site = Site::fixtures(&["invalid/_base"]);
    site.write("data/members.xlsx", workbook::xlsx(&[sheet]));
    site.write("data/members.meta.yaml", "unit: 人\nbreakdowns:\n  by_age: { title: 按年龄, sheet: 年龄 }\n");
    let err = site.run(&["check"]).stderr();
    assert_reports(
        &err,
        &[
            (
                "data/members.xlsx:年龄!C3: error: the formula `=SUM(D1:D2)` has no saved value: baipi reads the values a spreadsheet program saved",
                "open the file in Excel, WPS or LibreOffice and save it again (they save each formula's value), or type the figure",
            ),
            (
                "data/members.xlsx:年龄!C4: error: merged cell (C4:D4): baipi reads one value per cell",
                "unmerge the area and fill in each cell (a merged title row above the header is fine)",
            ),
            (
                "data/members.xlsx:年龄!C5: error: `数值` (value): \"83.05%\" is a percentage, but these figures are counted in `人`",
                "write the count, or put the percentage in the 公布占比 (published_share) column",
            ),
            (
                "data/members.xlsx:年龄!C6: error: `数值` (value): \"六千二百八十\" is written in Chinese numerals, not digits",
                "write it in digits: 6280",
            ),
        ],
    );
    // "12,873" stored as text is read; the 合计 is not checked against parts that failed.
    assert!(!err.contains("C7") && !err.contains("合计 row"), "{err}");
}

/// A cell's number format gives the decimals of its figure: 0.4 formatted `0.0%` is 40.0.
#[test]
fn workbook_shares_keep_the_decimals_shown() {
    use Cell::*;
    let sheet = Sheet {
        name: "by_type",
        rows: vec![
            texts(&["键", "名称", "数值", "公布占比"]),
            vec![Text("a"), Text("甲"), Num(3.0), Fmt(0.4, "0.0%")],
            vec![Text("b"), Text("乙"), Num(7.0), Fmt(0.7, "0.0%")],
            vec![Text("合计"), Empty, Num(10.0)],
        ],
        merged: vec![],
    };
    let site = Site::fixtures(&["invalid/_base"]);
    site.write("data/t.xlsx", workbook::xlsx(&[sheet]));
    site.write("data/t.meta.yaml", "title: 测试\nunit: 个\nbreakdowns:\n  by_type: { title: 按类型 }\n");
    let err = site.run(&["check"]).stderr();
    assert!(err.contains("data/t.xlsx:by_type!D2: error: published_share of `a` is 40.0, but 3 / 10 = 30."), "{err}");
    assert!(!err.contains("by_type!D3"), "{err}");
}

/// Every other file in `data/` is named in a warning; editors' lock files are skipped quietly.
#[test]
fn files_data_does_not_read_are_named() {
    let site = Site::fixtures(&["invalid/_base"]);
    site.write("data/notes.docx", "PK");
    site.write("data/extra.json", "{}");
    site.write("data/lonely.meta.yaml", "title: x\n");
    site.write("data/~$orgs.xlsx", "lock");
    site.write("data/.~lock.orgs.ods#", "lock");
    let o = site.run(&["check"]);
    let err = o.stderr();
    assert!(o.success(), "{err}");
    let not_read = "not read: baipi reads datasets from .yaml, .csv, .xlsx, .xlsm, .xls and .ods files";
    let elsewhere = "convert it to one of these, or move it out of data/ (files offered for download go in static/)";
    let (docx, json) =
        (format!("data/notes.docx: warning: {not_read}"), format!("data/extra.json: warning: {not_read}"));
    assert_reports(
        &err,
        &[
            (&docx, elsewhere),
            (&json, elsewhere),
            (
                "data/lonely.meta.yaml: warning: not read: a metadata file, but there is no spreadsheet `lonely.csv` or `lonely.xlsx` beside it",
                "put the spreadsheet beside it, or rename it to `NAME.yaml` if it is a whole dataset",
            ),
        ],
    );
    assert!(!err.contains("lock"), "{err}");
}

/// The published `/data/members.csv` of the workbook dataset, with the same metadata file,
/// reads back as the same dataset: the same open data again.
#[test]
fn published_csv_reads_back_as_the_same_dataset() {
    let paper = crate::support::TempDir::new("paper-out");
    let bundled = Site::bundled();
    let first = bundled.build_into(paper.path());
    let site = Site::fixtures(&["invalid/_base"]);
    site.write("data/members.csv", first.read("data/members.csv"));
    site.write("data/members.meta.yaml", std::fs::read(repo().join("data/members.meta.yaml")).unwrap());
    let again = site.build();
    assert_eq!(again.read("data/members.csv"), first.read("data/members.csv"));
    let json = |s: String| s.lines().filter(|l| !l.contains("\"file\":")).collect::<Vec<_>>().join("\n");
    assert_eq!(json(again.read("data/members.json")), json(first.read("data/members.json")));
}

/// A workbook's notes sheet (no header, not named in the metadata) is named in a warning; an
/// empty sheet is skipped.
#[test]
fn workbook_notes_sheets_are_named_and_empty_sheets_skipped() {
    use Cell::*;
    let data = Sheet {
        name: "by_type",
        rows: vec![texts(&["键", "名称", "数值"]), vec![Text("a"), Text("甲"), Num(3.0)]],
        merged: vec![],
    };
    let notes = Sheet { name: "说明", rows: vec![texts(&["本表由统计科提供"])], merged: vec![] };
    let empty = Sheet { name: "Sheet3", rows: vec![], merged: vec![] };
    let site = Site::fixtures(&["invalid/_base"]);
    site.write("data/t.xlsx", workbook::xlsx(&[data, notes, empty]));
    site.write("data/t.meta.yaml", "title: 测试\nbreakdowns:\n  by_type: { title: 按类型 }\n");
    let o = site.run(&["check"]);
    let err = o.stderr();
    assert!(o.success(), "{err}");
    assert!(err.contains("data/t.xlsx:说明!A1: warning: sheet not read: no row names the columns"), "{err}");
    assert!(!err.contains("Sheet3"), "{err}");
}

/// Each `(message, help)` is in `err` as a whole: the located line and the hint under it.
fn assert_reports(err: &str, expected: &[(&str, &str)]) {
    for (line, help) in expected {
        let block = format!("{line}\n  = help: {help}\n");
        assert!(err.contains(&block), "lacks\n{block}in:\n{err}");
    }
}

/// An OpenDocument spreadsheet (`.ods`) is read like a workbook: merged areas below the title
/// row (the first cell spans columns or rows, the others are covered) are reported at their
/// cells, as is a number in Chinese numerals; the merged title row is allowed.
#[test]
fn ods_errors_name_the_sheet_and_the_cell() {
    use Cell::*;
    let sheet = Sheet {
        name: "年龄",
        rows: vec![
            texts(&["两新组织党员年龄构成", "", ""]),
            texts(&["键", "名称", "数值"]),
            vec![Text("le30"), Text("30岁及以下"), Text("三千九百五十七")],
            vec![Text("a31_40"), Text("31～40岁"), Text("6280"), Empty],
            vec![Text("a41_50"), Text("41～50岁"), Num(1572.0)],
            vec![Text("a51_60"), Text("51～60岁"), Num(654.0)],
        ],
        merged: vec![(0, 0, 0, 2), (3, 2, 3, 3), (4, 1, 5, 1)],
    };
    let site = Site::fixtures(&["invalid/_base"]);
    site.write("data/members.ods", workbook::ods(&[sheet]));
    site.write("data/members.meta.yaml", "unit: 人\nbreakdowns:\n  by_age: { title: 按年龄, sheet: 年龄 }\n");
    let o = site.run(&["check"]);
    let err = o.stderr();
    assert!(!o.success(), "{err}");
    let merged = |cell: &str, area: &str| {
        format!("data/members.ods:年龄!{cell}: error: merged cell ({area}): baipi reads one value per cell")
    };
    let unmerge = "unmerge the area and fill in each cell (a merged title row above the header is fine)";
    let (c4, b5, b6) = (merged("C4", "C4:D4"), merged("B5", "B5:B6"), merged("B6", "B5:B6"));
    assert_reports(
        &err,
        &[
            (&c4, unmerge),
            (&b5, unmerge),
            (&b6, unmerge),
            (
                "data/members.ods:年龄!C3: error: `数值` (value): \"三千九百五十七\" is written in Chinese numerals, not digits",
                "write it in digits: 3957",
            ),
        ],
    );
    assert!(!err.contains("年龄!A1") && !err.contains("年龄!B1"), "the title row may be merged:\n{err}");
}

/// In an `.ods` file a percentage cell is shown as one: 0.4 as 40%, read as a published share.
#[test]
fn ods_percentages_are_shown_as_percentages() {
    use Cell::*;
    let sheet = Sheet {
        name: "by_type",
        rows: vec![
            texts(&["键", "名称", "数值", "公布占比"]),
            vec![Text("a"), Text("甲"), Num(3.0), Fmt(0.4, "0%")],
            vec![Text("b"), Text("乙"), Num(7.0), Fmt(0.7, "0%")],
        ],
        merged: vec![],
    };
    let site = Site::fixtures(&["invalid/_base"]);
    site.write("data/t.ods", workbook::ods(&[sheet]));
    site.write("data/t.meta.yaml", "title: 测试\nunit: 个\nbreakdowns:\n  by_type: { title: 按类型 }\n");
    let err = site.run(&["check"]).stderr();
    assert!(err.contains("data/t.ods:by_type!D2: error: published_share of `a` is 40, but 3 / 10 = 30."), "{err}");
    assert!(!err.contains("by_type!D3"), "{err}");
}

/// A date where a figure belongs is reported as a date, shown as the sheet shows it (the day
/// left out when the format has none), in `.xlsx` and `.ods` alike.
#[test]
fn a_date_where_a_number_belongs_is_located() {
    use Cell::*;
    let rows = || {
        vec![
            texts(&["键", "名称", "数值", "公布占比"]),
            vec![Text("a"), Text("甲"), Date(2021, 6, 30, "yyyy-mm-dd"), Empty],
            vec![Text("b"), Text("乙"), Num(7.0), Date(2021, 6, 1, "yyyy\"年\"m\"月\"")],
        ]
    };
    let help = "write the figure (if the cell is formatted as a date, format it as a number); a date goes in the 时点 (as_of) column of a single figure or in `as_of:` of the metadata file";
    for (file, book, month) in [
        ("data/t.xlsx", workbook::xlsx(&[Sheet { name: "by_type", rows: rows(), merged: vec![] }]), "2021-06"),
        ("data/t.ods", workbook::ods(&[Sheet { name: "by_type", rows: rows(), merged: vec![] }]), "2021-06-01"),
    ] {
        let site = Site::fixtures(&["invalid/_base"]);
        site.write(file, book);
        site.write("data/t.meta.yaml", "title: 测试\nunit: 个\nbreakdowns:\n  by_type: { title: 按类型 }\n");
        let err = site.run(&["check"]).stderr();
        let value = format!("{file}:by_type!C2: error: `数值` (value): \"2021-06-30\" is a date, not a number");
        let share =
            format!("{file}:by_type!D3: error: `公布占比` (published_share): \"{month}\" is a date, not a number");
        assert_reports(&err, &[(&value, help), (&share, help)]);
    }
}

/// A date cell in the 时点 (as_of) column of a single figure is read as its date.
#[test]
fn a_date_cell_in_the_as_of_column_is_read() {
    use Cell::*;
    let sheet = Sheet {
        name: "数据",
        rows: vec![
            texts(&["分项", "键", "名称", "数值", "时点"]),
            vec![Empty, Text("members"), Text("党员"), Num(12873.0), Date(2021, 6, 30, "yyyy/m/d")],
            vec![Empty, Text("orgs"), Text("组织"), Num(100.0), Date(2021, 6, 1, "yyyy\"年\"m\"月\"")],
            vec![Text("by_type"), Text("a"), Text("甲"), Num(3.0), Empty],
        ],
        merged: vec![],
    };
    let site = Site::fixtures(&["invalid/_base"]);
    site.write("data/t.xlsx", workbook::xlsx(&[sheet]));
    site.write("data/t.meta.yaml", "title: 测试\nunit: 个\nbreakdowns:\n  by_type: { title: 按类型 }\n");
    let out = site.build();
    let csv = out.read("data/t.csv");
    assert!(csv.lines().any(|l| l.contains("members") && l.contains("2021-06-30")), "{csv}");
    assert!(csv.lines().any(|l| l.contains("orgs") && l.contains("2021-06") && !l.contains("2021-06-01")), "{csv}");
}

/// The checks of rows are the same in a workbook as in a CSV file, located at the cell: a
/// duplicate key (naming the cell of the first), an empty required cell, a 合计 that is not the
/// sum of the parts, a qualified number.
#[test]
fn workbook_rows_are_checked_at_their_cells() {
    use Cell::*;
    let first = Sheet {
        name: "甲表",
        rows: vec![
            texts(&["键", "名称", "数值"]),
            vec![Text("a"), Text("甲"), Num(3.0)],
            vec![Text("a"), Text("乙"), Num(4.0)],
            vec![Text("c"), Text("丙"), Empty],
            vec![Text("d"), Text("丁"), Text("约300")],
        ],
        merged: vec![],
    };
    let second = Sheet {
        name: "乙表",
        rows: vec![
            texts(&["键", "名称", "数值"]),
            vec![Text("x"), Text("戊"), Num(3.0)],
            vec![Text("y"), Text("己"), Num(7.0)],
            vec![Text("合计"), Empty, Num(11.0)],
        ],
        merged: vec![],
    };
    let site = Site::fixtures(&["invalid/_base"]);
    site.write("data/t.xlsx", workbook::xlsx(&[first, second]));
    site.write(
        "data/t.meta.yaml",
        "title: 测试\nunit: 个\nbreakdowns:\n  one: { title: 甲, sheet: 甲表 }\n  two: { title: 乙, sheet: 乙表 }\n",
    );
    let err = site.run(&["check"]).stderr();
    assert_reports(
        &err,
        &[
            (
                "data/t.xlsx:甲表!A3: error: duplicate key `a` in breakdown `one`: it is also the key of A2",
                "each part of a breakdown needs its own 键 (key)",
            ),
            (
                "data/t.xlsx:甲表!C4: error: empty cell: `数值` (value) is required",
                "fill in `数值` (value), or delete the row if it is not a figure",
            ),
            (
                "data/t.xlsx:甲表!C5: error: `数值` (value): \"约300\" is not an exact number: `约` qualifies it",
                "a part's value must be exact: write 300, and say `约` in the label or the note if the source does",
            ),
            (
                "data/t.xlsx:乙表!C4: error: the 合计 row says 11, but the 2 parts above it sum to 10",
                "correct a part or the 合计: the 合计 row is checked against the sum, not read as a part",
            ),
        ],
    );
}

/// A file that is not a workbook (garbage, a zip of something else, a cut-off `.ods`) is an
/// error naming the file, with a hint; nothing panics.
#[test]
fn unreadable_workbooks_are_reported() {
    use std::io::Write;
    let zip_of = |files: &[(&str, &[u8])]| {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in files {
            z.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap().into_inner()
    };
    let ods =
        workbook::ods(&[Sheet { name: "by_type", rows: vec![texts(&["键", "名称", "数值"])], merged: vec![] }]);
    let mut cut = zip::ZipArchive::new(std::io::Cursor::new(&ods[..])).unwrap();
    let mut content = String::new();
    std::io::Read::read_to_string(&mut cut.by_name("content.xml").unwrap(), &mut content).unwrap();
    let manifest = {
        let mut m = String::new();
        std::io::Read::read_to_string(&mut cut.by_name("META-INF/manifest.xml").unwrap(), &mut m).unwrap();
        m
    };
    let cut_ods = zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", &content.as_bytes()[..content.len() / 2]),
    ]);
    for (file, bytes) in [
        ("data/t.xlsx", b"PK\x03\x04 not really a zip".to_vec()),
        ("data/t.xlsx", zip_of(&[("hello.txt", b"hello")])),
        ("data/t.ods", cut_ods),
    ] {
        let site = Site::fixtures(&["invalid/_base"]);
        site.write(file, bytes);
        site.write("data/t.meta.yaml", "title: 测试\nbreakdowns:\n  by_type: { title: 按类型 }\n");
        let o = site.run(&["check"]);
        let err = o.stderr();
        assert!(!o.success() && !err.contains("panicked"), "{err}");
        assert!(err.contains(&format!("{file}: error: cannot read the workbook: ")), "{err}");
        assert!(
            err.contains("  = help: save it again from the spreadsheet program as .xlsx, or export the sheet as CSV\n"),
            "{err}"
        );
    }
}
