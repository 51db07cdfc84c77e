//! Benchmark: resolve and render 1,000 charts (bar, hbar, donut, stacked) to SVG.
//! Run: `cargo bench --bench charts`. Prints the median of 7 rounds.

use baipi::charts::{self, Style};
use baipi::content::chart::ChartSpec;
use std::path::Path;
use std::time::Instant;

fn main() {
    let style = Style::default();
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    let mut style = Style { font: Some("fonts/NotoSansCJKsc-Regular-subset.otf".into()), ..style };
    charts::register_font(&theme, &style).expect("font");
    style.width = 480;
    let yaml = "title: 党员\nunit: 人\nas_of: 2021-06\nsource: 白皮书\ntotal: 12873\nbreakdowns:\n  by_age:\n    title: 年龄\n    parts:\n      - { key: le30, label: 30岁及以下, value: 3957 }\n      - { key: a31_40, label: 31—40岁, value: 6280 }\n      - { key: a41_50, label: 41—50岁, value: 1572 }\n      - { key: a51_60, label: 51—60岁, value: 654 }\n      - { key: ge61, label: 61岁及以上, value: 410 }\n";
    let ds = baipi::data::parse("members", "data/members.yaml", yaml.to_string()).expect("dataset");
    let data = [baipi::stats::compute(&ds, &baipi::format::NumberFormat::default(), &mut Vec::new())];
    let kinds = ["bar", "hbar", "donut", "stacked"];
    let specs: Vec<ChartSpec> = (0..1000)
        .map(|i| {
            let yaml = format!("id: c{i}\ntype: {}\ndata: members.by_age\ntitle: 图表{i}\n", kinds[i % 4]);
            baipi::source::yaml::parse_yaml(&yaml).expect("spec")
        })
        .collect();
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..7 {
        let t = Instant::now();
        bytes = 0;
        for s in &specs {
            let c = charts::resolve(s, &data, &mut |_, m| panic!("{m}")).expect("resolves");
            bytes += charts::render(&c, &style, &Default::default()).expect("renders").len();
        }
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "1000 charts: median {:.1} ms (min {:.1} ms), {} KiB of SVG",
        times[3].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        bytes / 1024
    );
}
