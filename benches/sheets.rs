//! Benchmark: load and check a 10,000-row spreadsheet dataset, as CSV and as XLSX (target:
//! 50 ms each). Run: `cargo bench --bench sheets`. Prints the median and minimum of 7 rounds.

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
    for (name, kind) in [("csv", "CSV"), ("xlsx", "XLSX")] {
        let data = root.join("data");
        for f in std::fs::read_dir(&data).expect("data").flatten() {
            std::fs::remove_file(f.path()).expect("rm");
        }
        std::fs::write(data.join("big.meta.yaml"), meta).expect("meta");
        if name == "csv" {
            std::fs::write(data.join("big.csv"), &csv).expect("csv");
        } else {
            std::fs::write(data.join("big.xlsx"), xlsx(sum)).expect("xlsx");
        }
        let (med, min) = time(7, || load_and_check(&root));
        let (load, _) = time(7, || drop(baipi::data::load_dir(&root, &mut baipi::diag::Sink::default())));
        println!("{kind} {ROWS} rows, load + check: median {med:.1?}, min {min:.1?} (load alone: median {load:.1?})");
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

fn time(rounds: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let mut t: Vec<Duration> = (0..rounds)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    (t[t.len() / 2], t[0])
}
