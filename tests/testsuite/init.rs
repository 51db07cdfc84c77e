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
    // The scaffold's series: growth and CAGR computed, a line chart over time, a series table.
    assert!(html.contains("2021年以来，示例单位从80个增至100个，增长25%，年均增长7.72%。"), "{html}");
    assert!(html.contains("data-chart=\"line\"") && html.contains("示例单位数量变化：共4个时点"), "{html}");
    assert!(html.contains("<caption>示例单位数量（请替换）·示例单位数量（逐年）（单位：个）</caption>"), "{html}");
    // A non-empty folder is refused, and nothing in it is touched.
    let o = baipi().arg("init").arg(&dir).run();
    assert_eq!(o.code(), Some(2));
    assert!(o.stderr().contains("is not empty"), "{}", o.stderr());

    // `new chapter` adds the next file with the next weight after the last chapter that is not
    // an appendix: 数据来源与说明 (`appendix: true`, weight 2) stays last.
    let o = s.run(&["new", "chapter", "党建工作突破方向"]).expect_success();
    let path = o.stdout().trim().to_string();
    assert!(path.ends_with("content/03-党建工作突破方向.md"), "{path}");
    let text = read(Path::new(&path));
    assert!(
        text.starts_with("---\ntitle: \"党建工作突破方向\"\nslug: 党建工作突破方向\nweight: 2\nsummary: "),
        "{text}"
    );
    s.run(&["check", "--strict"]).expect_success();
    let o = s.run(&["new", "chapter", "党建工作突破方向"]);
    assert_eq!(o.code(), Some(2), "the same slug twice is refused");
    let out = s.build();
    let page = out.read("党建工作突破方向/index.html");
    assert!(page.contains("党建工作突破方向"));
    assert!(
        page.contains(r#"rel="next" href="/sources/""#) && !page.contains(r#"rel="prev" href="/sources/""#),
        "{page}"
    );
    let cover = out.read("index.html");
    let (new, appendix) = (cover.find("/党建工作突破方向/").unwrap(), cover.find("/sources/").unwrap());
    assert!(new < appendix, "the appendix is listed last in the contents");
}

/// `init` ends with the commands the README's “新建一本白皮书” shows (`cd`, `baipi serve`,
/// `baipi build`) when `baipi` on PATH is the program that runs; otherwise with the program's
/// full path and how to install `baipi`.
#[test]
fn init_says_what_to_type_next_as_the_readme_does() {
    let t = TempDir::new("init-next");
    let bin = t.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let exe = std::path::PathBuf::from(env!("CARGO_BIN_EXE_baipi"));
    #[cfg(unix)]
    std::os::unix::fs::symlink(&exe, bin.join("baipi")).unwrap();
    let o = baipi()
        .current_dir(t.path())
        .env("PATH", bin.to_str().unwrap())
        .arg("init")
        .arg("新白皮书")
        .run()
        .expect_success();
    let out = o.stdout();
    let steps: Vec<&str> = out.lines().skip_while(|l| *l != "Next:").skip(1).collect();
    let readme = read(&crate::support::repo().join("README.md"));
    let block = readme.split("baipi init 新白皮书").nth(1).and_then(|b| b.split("```").next()).unwrap();
    let shown: Vec<&str> =
        block.lines().map(|l| l.split('#').next().unwrap().trim()).filter(|l| !l.is_empty()).collect();
    let printed: Vec<&str> = steps.iter().map(|l| l.split('#').next().unwrap().trim()).collect();
    assert_eq!(printed, shown, "init's closing lines and the README differ:\n{out}");
    assert!(!out.contains("not on your PATH"), "{out}");

    // Without `baipi` on PATH: the full path, and the install command.
    let o = baipi().current_dir(t.path()).env("PATH", "/nonexistent").arg("init").arg("另一本").run().expect_success();
    let out = o.stdout();
    let full = exe.canonicalize().unwrap().display().to_string();
    assert!(out.contains(&format!("  {full} serve")), "{out}");
    assert!(
        out.contains("`baipi` is not on your PATH; to type `baipi` instead, install it once: cargo install --path "),
        "{out}"
    );
}
