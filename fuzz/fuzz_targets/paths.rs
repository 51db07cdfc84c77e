//! File names → chapter slugs and output paths: a name is either refused or gives a slug whose
//! page path is clean (no `..`, `\`, control character or empty segment), and a static path
//! accepted as clean never climbs out of the output folder.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let name = String::from_utf8_lossy(input);
    let rel = format!("{name}.md");
    let text = "---\ntitle: t\n---\n正文\n".to_string();
    if let Ok(ch) = baipi::content::parse(&format!("content/{rel}"), &rel, text) {
        assert!(baipi::util::path::slug_path_problem(&ch.slug).is_none(), "{:?}", ch.slug);
        let page = baipi::render::paths::chapter_page(&ch.slug);
        assert!(baipi::util::path::is_clean_relative(&page), "{page:?}");
        assert!(!ch.slug.contains(['?', '#', '%', '\\', ' ']), "{:?}", ch.slug);
    }
    if baipi::util::path::slug_path_problem(&name).is_none() {
        assert!(baipi::util::path::is_clean_relative(&name), "{name:?}");
    }
    if baipi::util::path::is_clean_relative(&name) {
        assert!(baipi::util::path::normalize("", &name).as_deref() == Some(&*name), "{name:?}");
    }
});
