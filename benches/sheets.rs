//! Benchmark: load and check a 10,000-row spreadsheet dataset, as CSV, as a plain XLSX and as
//! an XLSX the way a statistics office sends it (target: 50 ms each). Run:
//! `cargo bench --bench sheets`. Prints the median and minimum of 7 rounds and the median time
//! on a CPU, then the plain workbook read by calamine alone, step by step.
//!
//! `SHEETS_ROUNDS=1 SHEETS_ONLY=xlsx` (or `csv`, `office`) runs one round of one case (for
//! `valgrind --tool=callgrind target/release/deps/sheets-…`).

use std::path::Path;
use std::time::{Duration, Instant};

const ROWS: usize = 10_000;

fn main() {
    let root = std::env::temp_dir().join(format!("baipi-bench-sheets-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("data")).expect("mkdir");
    let meta = "title: 一万行\nunit: 人\nbreakdowns:\n  by_unit: { title: 按单位 }\n";
    let mut csv = String::from("一万行的表\n分项,键,名称,数值,公布占比,说明\n");
    for i in 0..ROWS {
        csv.push_str(&format!("by_unit,u{i},单位{i},{},,\n", 1000 + i % 97));
    }
    let sum: usize = (0..ROWS).map(|i| 1000 + i % 97).sum();
    csv.push_str(&format!("合计,,,{sum},,\n"));
    let rounds: usize = std::env::var("SHEETS_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(7);
    let only = std::env::var("SHEETS_ONLY").unwrap_or_default();
    let cases = [
        ("csv", "CSV"),
        ("xlsx", "XLSX"),
        ("office", "XLSX as an office sends it (merged title, number formats, bordered blanks, =SUM 合计)"),
    ];
    for (name, kind) in cases.into_iter().filter(|(n, _)| only.is_empty() || only == *n) {
        let data = root.join("data");
        for f in std::fs::read_dir(&data).expect("data").flatten() {
            std::fs::remove_file(f.path()).expect("rm");
        }
        std::fs::write(data.join("big.meta.yaml"), meta).expect("meta");
        match name {
            "csv" => std::fs::write(data.join("big.csv"), &csv).expect("csv"),
            "xlsx" => std::fs::write(data.join("big.xlsx"), xlsx(sum)).expect("xlsx"),
            _ => std::fs::write(data.join("big.xlsx"), office(sum)).expect("xlsx"),
        }
        let all = time(rounds, || load_and_check(&root));
        let load = time(rounds, || drop(baipi::data::load_dir(&root, &mut baipi::diag::Sink::default())));
        println!("{kind} {ROWS} rows, load + check: {all}\n  load alone: {load}");
        if name == "xlsx" {
            calamine_alone(&std::fs::read(data.join("big.xlsx")).expect("read"), rounds);
        }
    }
    let _ = std::fs::remove_dir_all(&root);
}

fn load_and_check(root: &Path) {
    let mut sink = baipi::diag::Sink::default();
    let ds = baipi::data::load_dir(root, &mut sink).expect("load");
    assert!(!sink.has_errors(), "{:?}", sink.items);
    let mut diags = Vec::new();
    let stats = baipi::stats::compute(&ds[0], &baipi::format::NumberFormat::default(), &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(stats.breakdowns[0].parts.len(), ROWS);
}

/// The workbook read by calamine alone, step by step, for comparison with baipi's load.
fn calamine_alone(bytes: &[u8], rounds: usize) {
    use calamine::{DataType, Reader, Xlsx};
    use std::io::Cursor;
    let open = || Xlsx::new(Cursor::new(bytes.to_vec())).expect("open");
    let steps: [(&str, &dyn Fn()); 6] = [
        ("open (zip, shared strings, styles)", &|| drop(open())),
        ("open + worksheet_range", &|| drop(open().worksheet_range("by_unit").expect("range"))),
        ("open + worksheet_formula", &|| drop(open().worksheet_formula("by_unit").expect("formula"))),
        ("open + worksheet_style", &|| drop(open().worksheet_style("by_unit").expect("style"))),
        ("open + merge_cells", &|| drop(open().merge_cells_by_sheet_name("by_unit").expect("merged"))),
        ("open + one cell-reader pass (value, style id)", &|| {
            let mut book = open();
            let mut r = book.worksheet_cells_reader("by_unit").expect("reader");
            let mut n = 0;
            while let Some(c) = r.next_cell_with_style_id().expect("cell") {
                n += usize::from(!c.0.get_value().is_empty());
            }
            assert!(n > ROWS);
        }),
    ];
    for (what, f) in steps {
        println!("  calamine alone, {what}: {}", time(rounds, f));
    }
}

fn xlsx(sum: usize) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("by_unit").expect("name");
    for (c, h) in ["键", "名称", "数值"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    for i in 0..ROWS {
        let r = i as u32 + 1;
        ws.write_string(r, 0, format!("u{i}")).expect("key");
        ws.write_string(r, 1, format!("单位{i}")).expect("label");
        ws.write_number(r, 2, (1000 + i % 97) as f64).expect("value");
    }
    ws.write_string(ROWS as u32 + 1, 0, "合计").expect("total");
    ws.write_number(ROWS as u32 + 1, 2, sum as f64).expect("sum");
    wb.save_to_buffer().expect("xlsx")
}

/// Runs `f` `rounds` times: the median and minimum wall time, and the median time this
/// thread spent on a CPU (from `/proc/thread-self/schedstat`; not stretched by other
/// processes waiting for the same cores, zero where the file does not exist).
/// The same figures with what a statistics office's workbook has besides: a merged title row,
/// thousands-separated number formats, a 说明 column of empty cells with borders, and a 合计
/// row that is a formula with its saved value.
fn office(sum: usize) -> Vec<u8> {
    use rust_xlsxwriter::{Format, FormatBorder, Formula};
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("by_unit").expect("name");
    let border = Format::new().set_border(FormatBorder::Thin);
    let count = border.clone().set_num_format("#,##0");
    ws.merge_range(0, 0, 0, 3, "一万行的表", &Format::new()).expect("title");
    for (c, h) in ["键", "名称", "数值", "说明"].iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, &border).expect("header");
    }
    for i in 0..ROWS {
        let r = i as u32 + 2;
        ws.write_string_with_format(r, 0, format!("u{i}"), &border).expect("key");
        ws.write_string_with_format(r, 1, format!("单位{i}"), &border).expect("label");
        ws.write_number_with_format(r, 2, (1000 + i % 97) as f64, &count).expect("value");
        ws.write_blank(r, 3, &border).expect("note");
    }
    let last = ROWS as u32 + 2;
    ws.write_string_with_format(last, 0, "合计", &border).expect("total");
    let total = Formula::new(format!("=SUM(C3:C{last})")).set_result(sum.to_string());
    ws.write_formula_with_format(last, 2, total, &count).expect("sum");
    wb.save_to_buffer().expect("xlsx")
}

fn time(rounds: usize, f: impl Fn()) -> Timing {
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..rounds {
        let (s, c) = (Instant::now(), on_cpu());
        f();
        wall.push(s.elapsed());
        cpu.push(on_cpu().saturating_sub(c));
    }
    wall.sort();
    cpu.sort();
    Timing { median: wall[wall.len() / 2], min: wall[0], cpu: cpu[cpu.len() / 2] }
}

struct Timing {
    median: Duration,
    min: Duration,
    cpu: Duration,
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "median {:.1?}, min {:.1?}, on-CPU median {:.1?}", self.median, self.min, self.cpu)
    }
}

fn on_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    Duration::from_nanos(stat.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0))
}
