//! Chart spec YAML → validation against typed statistics → SVG with charts-rs → figure HTML.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn data() -> &'static [baipi::stats::DatasetStats] {
    static D: OnceLock<Vec<baipi::stats::DatasetStats>> = OnceLock::new();
    D.get_or_init(|| {
        let yaml = "title: t\nunit: 人\ntotal: 100\nvalues:\n  v: { label: 值, value: 12.5, unit: \"%\" }\nbreakdowns:\n  b:\n    title: b\n    parts:\n      - { key: a, label: 甲, value: 60 }\n      - { key: c, label: 很长的中文标签很长的中文标签, value: 30 }\n    remainder: { key: r, label: 其他 }\n";
        let ds = baipi::data::parse("m", "data/m.yaml", yaml.to_string()).expect("fixture");
        vec![baipi::stats::compute(&ds, &baipi::format::NumberFormat::default(), &mut Vec::new())]
    })
}

fuzz_target!(|input: &[u8]| {
    let Ok(src) = std::str::from_utf8(input) else { return };
    let Ok(spec) = baipi::source::yaml::parse_yaml::<baipi::content::chart::ChartSpec>(src) else { return };
    let Some(chart) = baipi::charts::resolve(&spec, data(), &mut |_, _| {}) else { return };
    let style = baipi::charts::Style::default();
    // Both the default number format and one that rewrites every number (axis ticks included).
    let fmt = match input.len() % 2 {
        0 => baipi::format::NumberFormat::default(),
        _ => baipi::format::NumberFormat {
            grouping: baipi::format::Grouping::ThinSpace,
            group_min_digits: 5,
            ..Default::default()
        },
    };
    if let Ok(svg) = baipi::charts::render(&chart, &style, &fmt) {
        let summary = baipi::charts::summary(&chart, &fmt);
        let f = baipi::charts::Figure { id: chart.id.clone(), number: 1, page_url: "/".into(), summary, chart, svg };
        let _ = baipi::charts::figure_html(&f, "/", &fmt);
        let _ = baipi::charts::csv_file(&f);
    }
});
