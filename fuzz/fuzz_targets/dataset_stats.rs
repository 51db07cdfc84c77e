//! Dataset YAML → statistics and consistency checks, then the CSV, JSON and fact-check candidates of the result.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let Ok(ds) = baipi::data::parse("fuzz", "data/fuzz.yaml", src.to_string()) else { return };
    let mut diags = Vec::new();
    let c = baipi::stats::compute(&ds, &baipi::format::NumberFormat::default(), &mut diags);
    let _ = baipi::render::opendata::csv(&c);
    let _ = baipi::factcheck::candidates(std::slice::from_ref(&c));
    let _ = serde_json::to_string_pretty(&c);
    for d in &diags {
        let _ = d.to_string();
    }
});
