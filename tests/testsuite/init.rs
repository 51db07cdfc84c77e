//! `init` makes a new site that builds and checks clean; `new chapter` adds the next chapter.

use crate::support::{Site, TempDir, baipi, read};
use std::path::Path;

#[test]
fn init_creates_a_site_that_builds_and_checks_clean() {
    let t = TempDir::new("init");
    let dir = t.path().join("新白皮书");
    baipi().arg("init").arg(&dir).run().expect_success();
    let s = Site::at(&dir);
    for f in ["site.toml", "README.md", "content/_index.md", "data/example.yaml", "themes/default/templates/base.html"]
    {
        assert!(s.file(f).exists(), "{f}");
    }
    s.run(&["check", "--strict"]).expect_success();
    let out = s.build();
    let html = out.read("overview/index.html");
    assert!(html.contains("示例单位共100个") && html.contains("占60%"), "{html}");
    // A non-empty folder is refused, and nothing in it is touched.
    let o = baipi().arg("init").arg(&dir).run();
    assert_eq!(o.code(), Some(2));
    assert!(o.stderr().contains("is not empty"), "{}", o.stderr());

    // `new chapter` adds the next file with the next weight.
    let o = s.run(&["new", "chapter", "党建工作突破方向"]).expect_success();
    let path = o.stdout().trim().to_string();
    assert!(path.ends_with("content/03-党建工作突破方向.md"), "{path}");
    let text = read(Path::new(&path));
    assert!(
        text.starts_with("---\ntitle: \"党建工作突破方向\"\nslug: 党建工作突破方向\nweight: 3\nsummary: "),
        "{text}"
    );
    s.run(&["check", "--strict"]).expect_success();
    let o = s.run(&["new", "chapter", "党建工作突破方向"]);
    assert_eq!(o.code(), Some(2), "the same slug twice is refused");
    let out = s.build();
    assert!(out.read("党建工作突破方向/index.html").contains("党建工作突破方向"));
}
