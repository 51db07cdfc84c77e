//! Expression evaluation in chapter prose (tera 2 with baipi's filters) over a small dataset.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn engine() -> &'static baipi::prose::Prose {
    static P: OnceLock<baipi::prose::Prose> = OnceLock::new();
    P.get_or_init(|| {
        let yaml = "title: t\nunit: 个\ntotal: 938\nbreakdowns:\n  by_type:\n    title: b\n    complete: true\n    parts:\n      - { key: a, label: 甲, value: 779 }\n      - { key: b, label: 乙, value: 159 }\n";
        let ds = baipi::data::parse("orgs", "data/orgs.yaml", yaml.to_string()).expect("fixture");
        let c = baipi::stats::compute(&ds, &baipi::format::NumberFormat::default(), &mut Vec::new());
        let data = serde_json::json!({ "orgs": c });
        baipi::prose::Prose::new(&baipi::format::NumberFormat::default(), &data, &serde_json::json!({"title": "t"}), Default::default())
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let ctx = tera::Context::new();
    if let Ok(md) = engine().eval(src, &ctx, baipi::prose::Place { file: "content/fuzz.md", source: src, line: 1, col: 1 }) {
        let _ = baipi::markdown::render(&md, &|_| None);
    }
});
