//! Front-matter splitting and parsing, then Markdown rendering and the prose fact-check scanner.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    if let Ok(ch) = baipi::content::parse("content/fuzz.md", "fuzz.md", src.to_string()) {
        let _ = baipi::markdown::render(ch.body(), &|_| None);
        let _ = baipi::factcheck::scan(&baipi::factcheck::mask(ch.body()));
    }
});
