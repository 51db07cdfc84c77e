//! Integration tests: build small fixture sites with the real binary and read the output.
//!
//! One fixture per feature under `tests/fixtures/<feature>/`; invalid-input
//! cases under `tests/fixtures/invalid/<case>/` are overlaid on
//! `invalid/_base` and carry an `expected.txt` (exit code, then the first
//! line of stderr, exactly; any further lines must each appear in stderr) and optionally an `args.txt` (the command line,
//! run in the site folder; default `build --output-dir public`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh empty temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "baipi-test-{}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            tag
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Copies the repository's default theme and then the fixture(s) into a temp site
/// (so a fixture can replace single files of the default theme, such as its theme.toml).
fn site(fixtures: &[&str]) -> TempDir {
    let t = TempDir::new(fixtures.last().unwrap().rsplit('/').next().unwrap());
    copy_dir(&repo().join("themes/default"), &t.path().join("themes/default"));
    for f in fixtures {
        copy_dir(&repo().join("tests/fixtures").join(f), t.path());
    }
    t
}

fn baipi(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_baipi")).arg("--root").arg(root).args(args).output().expect("runs baipi")
}

fn build(root: &Path, extra: &[&str]) -> PathBuf {
    let out = root.join("public");
    let mut args = vec!["build", "--output-dir", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = baipi(root, &args);
    assert!(o.status.success(), "build failed:\n{}", String::from_utf8_lossy(&o.stderr));
    out
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

// ---------------------------------------------------------------- features

#[test]
fn front_matter_and_data_in_prose() {
    let s = site(&["basic"]);
    let out = build(s.path(), &[]);
    let first = read(&out.join("first/index.html"));
    // slug from front matter; data expressions evaluated; table cell expression.
    assert!(first.contains("共938个，其中社会组织党组织159个"), "{first}");
    assert!(first.contains("<td style=\"text-align: right\">938</td>"), "{first}");
    let second = read(&out.join("02-second/index.html"));
    // default slug from the file name; computed share; chapter-local data; summary.
    assert!(second.contains("非公企业党组织779个，占83.05%"), "{second}");
    assert!(second.contains("本章自带数据 42"), "{second}");
    assert!(second.contains("第二篇的摘要"));
    // Chinese heading id, link to another chapter's heading rewritten to its URL.
    assert!(second.contains(r#"<h2 id="一-组织">"#), "{second}");
    // (pulldown-cmark percent-encodes the fragment; browsers decode it.)
    assert!(second.contains(r#"href="/first/#%E4%BA%8C-%E8%AF%B4%E6%98%8E""#), "{second}");
    // cover: key figure from data, prose date.
    let index = read(&out.join("index.html"));
    assert!(index.contains("938<small>个</small>"), "{index}");
    assert!(index.contains("导语：截至2021年6月。"));
    assert!(index.contains(r#"<html lang="zh-CN">"#));
}

#[test]
fn chapters_ordered_by_weight_then_path() {
    let s = site(&["basic"]);
    let out = build(s.path(), &[]);
    let index = read(&out.join("index.html"));
    let a = index.find("第二篇").unwrap();
    let b = index.find("第一篇").unwrap();
    assert!(a < b, "weight 1 (第二篇) must come before weight 2 (第一篇)");
    let second = read(&out.join("02-second/index.html"));
    assert!(second.contains(r#"rel="next" href="/first/""#), "{second}");
    let first = read(&out.join("first/index.html"));
    assert!(first.contains(r#"rel="prev" href="/02-second/""#));
}

#[test]
fn site_templates_override_the_theme() {
    let s = site(&["override"]);
    let out = build(s.path(), &[]);
    let page = read(&out.join("01-a/index.html"));
    assert!(page.contains("SITE OVERRIDE"), "{page}");
    // base.html still comes from the theme.
    assert!(page.contains("class=\"masthead\""));
}

#[test]
fn sub_path_urls() {
    let s = site(&["basic"]);
    let out = build(s.path(), &["--base-url", "https://host.example/tianhe-2021/"]);
    let second = read(&out.join("02-second/index.html"));
    assert!(second.contains(r#"href="/tianhe-2021/css/site."#), "{second}");
    assert!(second.contains(r#"href="/tianhe-2021/first/#%E4%BA%8C"#));
    assert!(second.contains(r#"<link rel="canonical" href="https://host.example/tianhe-2021/02-second/">"#));
    let index = read(&out.join("index.html"));
    assert!(index.contains(r#"href="/tianhe-2021/02-second/""#));
    assert!(!index.contains(r#"href="/02-second/""#));
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(sitemap.contains("<loc>https://host.example/tianhe-2021/first/</loc>"));
}

#[test]
fn open_data_csv_and_json() {
    let s = site(&["basic"]);
    let out = build(s.path(), &[]);
    let csv = std::fs::read(out.join("data/orgs.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "CSV starts with a BOM");
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("orgs,by_type,nonpublic,非公企业党组织,779,个,83.05,83.05,false,2021-06,"), "{csv}");
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("data/orgs.json"))).unwrap();
    assert_eq!(json["by_type"]["social"]["share"], serde_json::json!(16.95));
}

#[test]
fn builds_are_byte_identical() {
    let s = site(&["basic"]);
    let a = TempDir::new("a");
    let b = TempDir::new("b");
    for d in [&a, &b] {
        let o = baipi(s.path(), &["build", "--output-dir", d.path().join("out").to_str().unwrap()]);
        assert!(o.status.success());
    }
    let list = |d: &Path| -> Vec<(String, Vec<u8>)> {
        walkdir::WalkDir::new(d)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().strip_prefix(d).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
            .collect()
    };
    assert_eq!(list(&a.path().join("out")), list(&b.path().join("out")));
}

/// The same input on another path, with its files created in the reverse order, gives the same bytes.
#[test]
fn output_does_not_depend_on_path_or_file_order() {
    let a = site(&["basic"]);
    let b = TempDir::new("elsewhere-with-a-longer-name");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(a.path())
        .into_iter()
        .map(|e| e.unwrap().path().to_path_buf())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files.reverse();
    for f in &files {
        let dest = b.path().join("site").join(f.strip_prefix(a.path()).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(f, &dest).unwrap();
    }
    let hash = |d: &Path| -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = walkdir::WalkDir::new(d)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let bytes = std::fs::read(e.path()).unwrap();
                let h = bytes.iter().fold(0xcbf29ce484222325u64, |h, b| (h ^ *b as u64).wrapping_mul(0x100000001b3));
                (e.path().strip_prefix(d).unwrap().display().to_string(), h)
            })
            .collect();
        v.sort();
        v
    };
    let out_a = build(a.path(), &[]);
    let out_b = build(&b.path().join("site"), &[]);
    assert_eq!(hash(&out_a), hash(&out_b));
}

#[test]
fn failed_build_leaves_previous_output_intact() {
    let s = site(&["basic"]);
    let out = build(s.path(), &[]);
    let before = read(&out.join("first/index.html"));
    std::fs::write(s.path().join("content/01-first.md"), "---\ntitle: [\n---\n").unwrap();
    let o = baipi(s.path(), &["build", "--output-dir", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(read(&out.join("first/index.html")), before);
    // No temporary folders left behind.
    let leftovers: Vec<_> = std::fs::read_dir(s.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("baipi-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn stale_files_are_removed() {
    let s = site(&["basic"]);
    let out = build(s.path(), &[]);
    std::fs::write(out.join("stale.html"), "old").unwrap();
    build(s.path(), &[]);
    assert!(!out.join("stale.html").exists());
}

#[test]
fn check_writes_nothing() {
    let s = site(&["basic"]);
    let o = baipi(s.path(), &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!s.path().join("public").exists());
}

#[test]
fn usage_errors_exit_2() {
    let o = Command::new(env!("CARGO_BIN_EXE_baipi")).arg("frobnicate").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = Command::new(env!("CARGO_BIN_EXE_baipi")).args(["--root", "/nonexistent/baipi", "build"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("site.toml"));
}

// ---------------------------------------------------------------- invalid input

#[test]
fn invalid_fixtures_report_located_errors() {
    let dir = repo().join("tests/fixtures/invalid");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "_base")
        .collect();
    cases.sort();
    assert!(cases.len() >= 60, "{cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let expected = read(&dir.join(case).join("expected.txt"));
        let mut lines = expected.lines();
        let code: i32 = lines.next().unwrap().trim().parse().unwrap();
        let first = lines.next().unwrap();
        let s = site(&["invalid/_base", &format!("invalid/{case}")]);
        // A previous output must survive the failed build.
        let out = s.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("index.html"), "previous").unwrap();
        let args = std::fs::read_to_string(dir.join(case).join("args.txt"))
            .unwrap_or_else(|_| "build --output-dir public".into());
        let o = Command::new(env!("CARGO_BIN_EXE_baipi"))
            .current_dir(s.path())
            .args(args.split_whitespace())
            .output()
            .unwrap();
        let err = stderr(&o);
        for more in lines.filter(|l| !l.is_empty()) {
            if !err.contains(more) {
                failures.push(format!("{case}: stderr lacks {more:?}:\n{err}"));
            }
        }
        if o.status.code() != Some(code) || err.lines().next() != Some(first) {
            failures.push(format!(
                "{case}: exit {:?}, stderr:\n{err}\nexpected exit {code} and first line:\n{first}",
                o.status.code()
            ));
        }
        if read(&out.join("index.html")) != "previous" {
            failures.push(format!("{case}: previous output was changed"));
        }
        // Input errors start with the file they are in (an existing file, or a missing
        // template in an existing folder); usage errors name the folder they refuse.
        if code == 1 {
            let file = first.split(": ").next().unwrap_or("").split(':').next().unwrap_or("");
            let p = s.path().join(file);
            let exists = |p: &Path| std::fs::symlink_metadata(p).is_ok();
            if file.is_empty() || !(exists(&p) || p.parent().is_some_and(exists)) {
                failures.push(format!("{case}: the first line does not start with a file of the site: {first}"));
            }
        } else if code == 2 && !first.starts_with("error: refusing to write the site to ") {
            failures.push(format!("{case}: a usage error should name the refused folder: {first}"));
        }
        assert!(!err.contains("panicked"), "{case} panicked: {err}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A site from `invalid/_base` with a previous build in `public/`; `run` builds it again and
/// checks exit code, first line of stderr, and that the previous build is byte-identical.
struct Prepared {
    site: TempDir,
    before: Vec<(String, Vec<u8>)>,
}

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
        .collect();
    v.sort();
    v
}

impl Prepared {
    fn new() -> Prepared {
        let site = site(&["invalid/_base"]);
        let out = build(site.path(), &[]);
        let before = files_of(&out);
        assert!(!before.is_empty());
        Prepared { site, before }
    }
    fn path(&self) -> &Path {
        self.site.path()
    }
    /// Builds; asserts the exit code, that stderr starts with `first` and that public/ is unchanged.
    fn fails(&self, code: i32, first: &str) -> String {
        let o = baipi(self.path(), &["build", "--output-dir", self.path().join("public").to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(code), "{err}");
        assert!(err.starts_with(first), "expected stderr to start with\n{first}\ngot:\n{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(files_of(&self.path().join("public")) == self.before, "the previous output changed");
        err
    }
}

/// CRLF line endings and a byte-order mark in every kind of file build like plain LF files.
#[test]
fn crlf_and_bom_files_build() {
    let s = site(&["invalid/_base"]);
    let crlf = |p: &Path, bom: bool| {
        let text = read(p).replace('\n', "\r\n");
        let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        bytes.extend_from_slice(text.as_bytes());
        std::fs::write(p, bytes).unwrap();
    };
    std::fs::write(
        s.path().join("content/02-b.md"),
        "---\ntitle: 第二章\nweight: 2\ncharts:\n  - { id: t, type: bar, data: orgs.by_type, title: 类型 }\n---\n## 小节\n\n共{{ data.orgs.total | num }}个，见[甲](01-a.md)。\n\n{{ figure(id=\"t\") }}\n",
    )
    .unwrap();
    std::fs::create_dir_all(s.path().join("templates")).unwrap();
    std::fs::copy(repo().join("themes/default/templates/404.html"), s.path().join("templates/404.html")).unwrap();
    crlf(&s.path().join("content/01-a.md"), true);
    crlf(&s.path().join("content/02-b.md"), false);
    crlf(&s.path().join("data/orgs.yaml"), true);
    crlf(&s.path().join("site.toml"), true);
    crlf(&s.path().join("templates/404.html"), true);
    let out = build(s.path(), &[]);
    let a = read(&out.join("01-a/index.html"));
    assert!(a.contains("共938个。"), "{a}");
    let b = read(&out.join("02-b/index.html"));
    assert!(b.contains("共938个，见<a href=\"/01-a/\">甲</a>。"), "{b}");
    assert!(b.contains(r#"<h2 id="小节">"#) && b.contains("id=\"fig-t\""), "{b}");
    assert!(read(&out.join("index.html")).contains("错误用例"));
    assert!(read(&out.join("404.html")).contains("页面未找到"));
    for (path, text) in all_text(&out) {
        assert!(!text.contains('\r') && !text.contains('\u{feff}') || path.ends_with(".csv"), "{path}");
    }
}

/// A 100 MB chapter (and a sparse 64 GiB one, where the file system allows it) is refused at
/// once, with the file named, without being read: reading it would take seconds or memory.
#[test]
fn huge_files_are_refused_without_being_read() {
    let p = Prepared::new();
    let big = p.path().join("content/02-big.md");
    let f = std::fs::File::create(&big).unwrap();
    std::io::Write::write_all(&mut &f, b"---\ntitle: big\n---\n").unwrap();
    f.set_len(100 * 1024 * 1024).unwrap();
    drop(f);
    let t = std::time::Instant::now();
    p.fails(
        1,
        "content/02-big.md: error: the file is 100.0 MiB (104857600 bytes); baipi reads text files of at most 8 MiB (8388608 bytes)",
    );
    assert!(t.elapsed() < std::time::Duration::from_secs(10), "{:?}", t.elapsed());
    std::fs::remove_file(&big).unwrap();
    // The same for a dataset.
    let big = p.path().join("data/big.yaml");
    std::fs::File::create(&big).unwrap().set_len(100 * 1024 * 1024 + 1).unwrap();
    p.fails(1, "data/big.yaml: error: the file is 100.0 MiB (104857601 bytes)");
    std::fs::remove_file(&big).unwrap();
    // 64 GiB could not be read into memory at all: passing proves the size is checked first.
    let huge = p.path().join("content/03-huge.md");
    let f = std::fs::File::create(&huge).unwrap();
    if f.set_len(64 << 30).is_ok() {
        drop(f);
        p.fails(1, "content/03-huge.md: error: the file is 65536.0 MiB (68719476736 bytes)");
    }
}

/// The symbolic-link policy: links are never followed while walking; a link to a file inside the
/// site is read as that file; links out of the site, broken links, loops and links to folders are
/// errors naming the link; nothing outside the site reaches the output.
#[cfg(unix)]
#[test]
fn symlinks_inside_are_read_and_outside_refused() {
    use std::os::unix::fs::symlink;
    let outside = TempDir::new("outside");
    std::fs::write(outside.path().join("secret.md"), "---\ntitle: 机密\n---\nSECRET-CHAPTER\n").unwrap();
    std::fs::write(outside.path().join("secret.yaml"), "title: SECRET-DATA\n").unwrap();
    std::fs::write(outside.path().join("secret.png"), "SECRET-IMAGE").unwrap();

    // A link to a file inside the site is read like the file.
    let s = site(&["invalid/_base"]);
    std::fs::create_dir_all(s.path().join("shared")).unwrap();
    std::fs::write(s.path().join("shared/b.md"), "---\ntitle: 共用\nweight: 2\n---\n共用的一章。\n").unwrap();
    std::fs::write(s.path().join("shared/pic.png"), b"\x89PNG").unwrap();
    symlink("../shared/b.md", s.path().join("content/02-b.md")).unwrap();
    symlink("../shared/pic.png", s.path().join("content/pic.png")).unwrap();
    std::fs::write(s.path().join("content/01-a.md"), "---\ntitle: 第一章\nweight: 1\n---\n![图](pic.png)\n").unwrap();
    let out = build(s.path(), &[]);
    assert!(read(&out.join("02-b/index.html")).contains("共用的一章。"));
    assert_eq!(std::fs::read(out.join("pic.png")).unwrap(), b"\x89PNG");

    // Each refused link fails the build with its name, and leaves the previous output alone.
    type Setup = fn(&Path, &Path);
    let cases: &[(&str, Setup, &str)] = &[
        (
            "chapter outside",
            |site, out| symlink(out.join("secret.md"), site.join("content/02-out.md")).unwrap(),
            "content/02-out.md: error: symbolic link points outside the site folder (to ",
        ),
        (
            "dataset outside",
            |site, out| symlink(out.join("secret.yaml"), site.join("data/leak.yaml")).unwrap(),
            "data/leak.yaml: error: symbolic link points outside the site folder (to ",
        ),
        (
            "folder outside",
            |site, out| symlink(out, site.join("content/ext")).unwrap(),
            "content/ext: error: symbolic link points outside the site folder (to ",
        ),
        (
            "static file outside",
            |site, out| {
                std::fs::create_dir_all(site.join("static")).unwrap();
                symlink(out.join("secret.png"), site.join("static/leak.png")).unwrap()
            },
            "static/leak.png: error: symbolic link points outside the site folder (to ",
        ),
        (
            "image outside",
            |site, out| {
                symlink(out.join("secret.png"), site.join("content/leak.png")).unwrap();
                let ch = site.join("content/01-a.md");
                std::fs::write(&ch, read(&ch) + "\n前文![图](leak.png)\n").unwrap();
            },
            "content/01-a.md:7:3: error: `leak.png`: symbolic link points outside the site folder (to ",
        ),
        (
            "loop to its own folder",
            |site, _| symlink(".", site.join("content/loop")).unwrap(),
            "content/loop: error: symbolic link to a folder: baipi does not follow links to folders",
        ),
        (
            "loop of two links",
            |site, _| {
                symlink("03-b.md", site.join("content/03-a.md")).unwrap();
                symlink("03-a.md", site.join("content/03-b.md")).unwrap();
            },
            "content/03-a.md: error: symbolic link to `03-b.md` cannot be followed: ",
        ),
        (
            "broken link",
            |site, _| symlink("gone.md", site.join("content/04-gone.md")).unwrap(),
            "content/04-gone.md: error: symbolic link to `gone.md` cannot be followed: ",
        ),
    ];
    for (what, setup, first) in cases {
        let p = Prepared::new();
        setup(p.path(), outside.path());
        let err = p.fails(1, first);
        assert!(!err.contains("SECRET"), "{what}: {err}");
    }
}

/// A pipe named like a chapter is refused (reading it would wait for ever).
#[cfg(unix)]
#[test]
fn a_pipe_is_not_read() {
    let p = Prepared::new();
    let fifo = p.path().join("content/02-pipe.md");
    match Command::new("mkfifo").arg(&fifo).status() {
        Ok(st) if st.success() => {}
        _ => {
            eprintln!("mkfifo is not available; skipping");
            return;
        }
    }
    p.fails(1, "content/02-pipe.md: error: not a regular file (a pipe, socket or device)");
}

/// A read-only output folder (or a read-only folder inside it) is refused before anything is
/// built: exit code 2, the folder named, the previous output unchanged.
///
/// Permissions do not stop root (tests run as root in CI): root could rename the folder away.
/// baipi therefore reads the permission bits itself, so the refusal holds for root too.
#[cfg(unix)]
#[test]
fn read_only_output_folder_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |d: &Path, m: u32| std::fs::set_permissions(d, std::fs::Permissions::from_mode(m)).unwrap();
    for (folder, first) in [
        ("public", "error: refusing to write the site to public: it is read-only (no write permission)"),
        (
            "public/css",
            "error: refusing to write the site to public: its folder css is read-only (no write permission)",
        ),
    ] {
        let p = Prepared::new();
        let ro = p.path().join(folder);
        mode(&ro, 0o555);
        let o = Command::new(env!("CARGO_BIN_EXE_baipi"))
            .current_dir(p.path())
            .args(["build", "--output-dir", "public"])
            .output()
            .unwrap();
        mode(&ro, 0o755);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.starts_with(first), "{err}");
        assert!(files_of(&p.path().join("public")) == p.before, "the previous output changed");
    }
}

/// An output folder that even root cannot replace (immutable, `chattr +i`): the write fails with
/// exit code 2 naming the folder, and the previous output stays. Skipped where chattr is not
/// available or not permitted (it needs CAP_LINUX_IMMUTABLE and ext4/xfs/btrfs).
#[cfg(target_os = "linux")]
#[test]
fn immutable_output_folder_fails_cleanly() {
    let p = Prepared::new();
    let out = p.path().join("public");
    if !Command::new("chattr").arg("+i").arg(&out).status().is_ok_and(|s| s.success()) {
        eprintln!("chattr +i is not available here; skipping");
        return;
    }
    let o = baipi(p.path(), &["build", "--output-dir", out.to_str().unwrap()]);
    let _ = Command::new("chattr").arg("-i").arg(&out).status();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.starts_with(&format!("error: {}: ", out.display())), "{err}");
    assert!(files_of(&out) == p.before, "the previous output changed");
    let leftovers: Vec<_> = std::fs::read_dir(p.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("baipi-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A parent folder that cannot be created even by root (/proc accepts no new folders): exit 2,
/// the path named, nothing left behind.
#[cfg(target_os = "linux")]
#[test]
fn unwritable_parent_fails_cleanly() {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let s = site(&["invalid/_base"]);
    let o = baipi(s.path(), &["build", "--output-dir", "/proc/baipi-test/public"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.starts_with("error: /proc/baipi-test"), "{err}");
    assert!(!Path::new("/proc/baipi-test").exists());
}

#[test]
fn check_reports_every_problem_at_once() {
    let s = site(&["invalid/_base"]);
    std::fs::write(s.path().join("content/02-b.md"), "---\ntitle: b\nweight: x\n---\n").unwrap();
    std::fs::write(s.path().join("content/03-c.md"), "---\nweight: 3\n---\n").unwrap();
    let o = baipi(s.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("content/02-b.md:3:9:"), "{e}");
    assert!(e.contains("content/03-c.md:2:1:"), "{e}");
    assert!(e.contains("2 errors found"), "{e}");
}

// ---------------------------------------------------------------- the truth of the numbers

/// A copy of the bundled paper in a temp dir.
fn paper_copy() -> TempDir {
    let t = TempDir::new("paper-copy");
    for d in ["content", "data", "themes"] {
        copy_dir(&repo().join(d), &t.path().join(d));
    }
    std::fs::copy(repo().join("site.toml"), t.path().join("site.toml")).unwrap();
    t
}

fn edit(path: &Path, from: &str, to: &str) {
    let s = read(path);
    assert!(s.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, s.replacen(from, to, 1)).unwrap();
}

fn all_text(dir: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| std::fs::read_to_string(e.path()).ok().map(|s| (e.path().display().to_string(), s)))
        .collect()
}

#[test]
fn corrected_count_changes_every_dependent_figure() {
    let t = paper_copy();
    let orgs = t.path().join("data/orgs.yaml");
    edit(&orgs, "value: 779, published_share: 83.05", "value: 780, published_share: 83.16");
    edit(&orgs, "value: 159, published_share: 16.95", "value: 158, published_share: 16.84");
    let out = build(t.path(), &[]);
    let files = all_text(&out);
    for (path, text) in &files {
        for stale in ["83.05", "16.95", "779个", ">779<", "159个"] {
            assert!(!text.contains(stale), "{path} still shows {stale}");
        }
    }
    let overview = read(&out.join("overview/index.html"));
    assert!(overview.contains("非公企业党组织780个，占83.16%"), "{overview}");
    assert!(overview.contains("社会组织党组织158个，占16.84%"));
    assert!(read(&out.join("data/orgs.csv")).contains("nonpublic,非公企业党组织,780,个,83.16"));
    assert!(read(&out.join("data/orgs.json")).contains("83.16"));
}

#[test]
fn totals_that_no_longer_add_up_fail_build_and_check() {
    let t = paper_copy();
    let orgs = t.path().join("data/orgs.yaml");
    edit(&orgs, "total: 938", "total: 940");
    for cmd in ["build", "check"] {
        let o = baipi(t.path(), &[cmd]);
        assert_eq!(o.status.code(), Some(1), "{cmd}");
        let e = stderr(&o);
        assert!(
            e.contains("data/orgs.yaml:7:8: error: breakdown `by_type` is marked complete, but its parts add up to 938, not the total 940 (missing 2)"),
            "{e}"
        );
    }
    assert!(!t.path().join("public").exists());
}

#[test]
fn fact_check_reports_a_wrong_typed_percentage() {
    let t = paper_copy();
    let ch = t.path().join("content/01-overview.md");
    edit(&ch, "占{{ data.orgs.by_type.nonpublic.share | pct }}", "占83.50%");
    let o = baipi(t.path(), &["check"]);
    assert_eq!(o.status.code(), Some(0), "warnings alone exit 0");
    let e = stderr(&o);
    assert!(
        e.contains("content/01-overview.md:16:")
            && e.contains(
                r#"warning: "83.50%" matches no data; did you mean data.orgs.by_type.nonpublic.share = 83.05%?"#
            ),
        "{e}"
    );
    let o = baipi(t.path(), &["check", "--strict"]);
    assert_eq!(o.status.code(), Some(1));
    // Marked as free text, it passes.
    edit(&ch, "占83.50%", "占83.50%{# free #}");
    let o = baipi(t.path(), &["check", "--strict"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn bundled_paper_checks_clean() {
    let o = baipi(&repo(), &["check", "--strict"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("0 warnings"));
}

// ---------------------------------------------------------------- charts

/// Representative charts of the bundled paper, pinned byte for byte.
/// Set BAIPI_UPDATE_SNAPSHOTS=1 to rewrite them after an intended change.
#[test]
fn chart_svg_snapshots() {
    let t = TempDir::new("snap");
    let out = t.path().join("public");
    let o = baipi(&repo(), &["build", "--output-dir", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let update = std::env::var_os("BAIPI_UPDATE_SNAPSHOTS").is_some();
    for id in ["members-by-age", "orgs-by-formation", "members-by-education", "survey-sanhui-yike", "survey-members"] {
        let got = read(&out.join(format!("figures/{id}.svg")));
        let snap = repo().join(format!("tests/snapshots/{id}.svg"));
        if update {
            std::fs::create_dir_all(snap.parent().unwrap()).unwrap();
            std::fs::write(&snap, &got).unwrap();
            continue;
        }
        let want = read(&snap);
        assert!(
            got == want,
            "figures/{id}.svg differs from tests/snapshots/{id}.svg (BAIPI_UPDATE_SNAPSHOTS=1 to accept)"
        );
    }
}

#[test]
fn figures_are_numbered_accessible_and_downloadable() {
    let t = TempDir::new("figs");
    let out = t.path().join("public");
    let o = baipi(&repo(), &["build", "--output-dir", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let portrait = read(&out.join("portrait/index.html"));
    // Numbered across the paper: the achievements chapter (before) has 8 figures.
    assert!(portrait.contains(r#"<figure class="chart" id="fig-orgs-by-type" data-chart="donut"><figcaption><span class="fig-no">图9</span>"#), "{portrait}");
    assert!(portrait.contains(r#"<svg role="img" aria-labelledby="fig-members-by-age-title fig-members-by-age-desc""#));
    assert!(portrait.contains(r#"<title id="fig-members-by-age-title">天河区两新组织党员年龄分布</title>"#));
    assert!(portrait.contains("31—40岁最多，为6280人，占48.78%"));
    assert!(portrait.contains(r#"<details class="chart-data"><summary>图12数据表</summary>"#));
    assert!(portrait.contains(r#"href="/figures/members-by-age.csv""#));
    // Exact value labels, not charts-rs's one-decimal rounding.
    let svg = read(&out.join("figures/survey-members.svg"));
    assert!(svg.contains(">94.75%</text>") && !svg.contains(">94.8%<"), "{svg}");
    // Round axis ticks, no 1k-style labels.
    let age = read(&out.join("figures/members-by-age.svg"));
    assert!(age.contains(">8,000</text>") && !age.contains("k</text>"), "{age}");
    let csv = read(&out.join("figures/members-by-education.csv"));
    assert!(csv.contains("图13,below_bachelor,本科以下（推算）,2504,人,19.45,true"), "{csv}");
    // The not-published charts are said to be not published, never drawn.
    let ach = read(&out.join("achievements/index.html"));
    assert!(ach.contains("未公布图表所依据的逐年具体数值"));
}

#[test]
fn chart_labels_are_escaped() {
    let s = site(&["basic"]);
    let ds = s.path().join("data/orgs.yaml");
    edit(&ds, "label: 非公企业党组织", r#"label: "<script>alert(1)</script>""#);
    std::fs::write(
        s.path().join("content/03-chart.md"),
        "---\ntitle: 图\nweight: 3\ncharts:\n  - { id: c1, type: hbar, data: orgs.by_type, title: \"<img src=x onerror=alert(1)>\" }\n---\n{{ figure(id=\"c1\") }}\n",
    )
    .unwrap();
    let out = build(s.path(), &[]);
    let page = read(&out.join("03-chart/index.html"));
    assert!(!page.contains("<script>alert") && !page.contains("<img src=x"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let svg = read(&out.join("figures/c1.svg"));
    assert!(!svg.contains("<script>") && !svg.contains("<img"), "{svg}");
}

// ---------------------------------------------------------------- reader features

#[test]
fn search_index_finds_chinese_terms() {
    let s = site(&["basic"]);
    let out = build(s.path(), &[]);
    let meta: serde_json::Value = serde_json::from_str(&read(&out.join("search/meta.json"))).unwrap();
    let shards = meta["shards"].as_u64().unwrap() as u32;
    let docs = meta["docs"].as_array().unwrap();
    // Every bigram of 社会组织 leads to the section that holds it.
    for tok in baipi::search::query_tokens("社会组织") {
        let shard: serde_json::Value =
            serde_json::from_str(&read(&out.join(format!("search/s{}.json", baipi::search::shard_of(&tok, shards)))))
                .unwrap();
        let deltas = shard[&tok].as_array().unwrap_or_else(|| panic!("{tok} not indexed"));
        let mut id = 0;
        let urls: Vec<&str> = deltas
            .iter()
            .map(|d| {
                id += d.as_u64().unwrap() as usize;
                docs[id][0].as_str().unwrap()
            })
            .collect();
        assert!(urls.contains(&"/first/#一-概况"), "{tok}: {urls:?}");
    }
    let search_page = read(&out.join("search/index.html"));
    assert!(search_page.contains("id=\"search-results\" class=\"search-results\" data-base=\"/\""));
    assert!(read(&out.join("index.html")).contains(r#"<form class="search-mini" role="search""#));
}

#[test]
fn whole_paper_page_keeps_ids_unique() {
    let s = site(&["basic"]);
    let out = build(s.path(), &[]);
    let full = read(&out.join("full/index.html"));
    assert!(full.contains(r#"<h3 id="first--一-概况">"#), "{full}");
    assert!(full.contains(r#"<h3 id="02-second--一-组织">"#));
    // The link to another chapter's heading is an in-page anchor now.
    assert!(full.contains(r##"href="#first--%E4%BA%8C-%E8%AF%B4%E6%98%8E""##), "{full}");
    let mut ids: Vec<&str> =
        full.match_indices(" id=\"").map(|(i, _)| &full[i + 5..i + 5 + full[i + 5..].find('"').unwrap()]).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate ids on the whole-paper page");
    assert!(read(&out.join("sitemap.xml")).contains("https://example.org/full/"));
}

#[test]
fn assets_are_fingerprinted_and_precompressed() {
    let s = site(&["basic"]);
    std::fs::write(s.path().join("site.toml"), read(&s.path().join("site.toml")) + "\n[build]\nprecompress = true\n")
        .unwrap();
    let out = build(s.path(), &[]);
    let index = read(&out.join("index.html"));
    let css = index.split("href=\"/css/").nth(1).unwrap().split('"').next().unwrap();
    assert!(css.starts_with("site.") && css.ends_with(".css") && css.len() == "site.12345678.css".len(), "{css}");
    assert!(out.join("css").join(css).exists());
    let gz = std::fs::read(out.join("index.html.gz")).unwrap();
    assert_eq!(&gz[..2], &[0x1f, 0x8b]);
    assert!(!out.join("favicon.svg.gz").exists(), "small files are not compressed");
}

// ---------------------------------------------------------------- escaping

/// Hostile strings in config, front matter, data labels and chart specs come out inert:
/// escaped in HTML text and attributes, SVG, XML and JSON; CSV cells cannot run as formulas.
#[test]
fn hostile_input_is_inert_everywhere() {
    let s = site(&["hostile"]);
    let out = build(s.path(), &[]);
    for (path, text) in all_text(&out) {
        // CSV is data for spreadsheets (checked for formulas below), not markup.
        if path.ends_with(".css") || path.ends_with(".js") || path.ends_with(".csv") {
            continue;
        }
        for bad in ["<script>alert", "<img src=x", "<svg onload", "<b onmouseover", "\" onclick=\"", "<i>个</i>"] {
            assert!(!text.contains(bad), "{path} contains {bad:?}");
        }
    }
    let page = read(&out.join("01-evil/index.html"));
    assert!(
        page.contains("&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;")
            || page.contains("&lt;script&gt;alert('label')&lt;/script&gt;"),
        "{page}"
    );
    let csv = read(&out.join("data/evil.csv"));
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{csv}");
    let fig_csv = read(&out.join("figures/evil.csv"));
    assert!(!fig_csv.contains(",=HYPERLINK") && !fig_csv.contains(",\"=HYPERLINK"), "{fig_csv}");
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(!sitemap.contains("]]>"));
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("data/evil.json"))).unwrap();
    assert_eq!(json["parts"]["b"]["label"], "<script>alert('label')</script>", "JSON keeps the data itself");
}

#[test]
fn javascript_source_url_is_refused() {
    let s = site(&["basic"]);
    let toml = read(&s.path().join("site.toml")).replace("https://example.org/source", "javascript:alert(1)");
    std::fs::write(s.path().join("site.toml"), toml).unwrap();
    let o = baipi(s.path(), &["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("site.toml:11:1: error: `publication.source_url` must be an http(s) URL"),
        "{}",
        stderr(&o)
    );
}

// ---------------------------------------------------------------- the bundled paper

#[test]
fn bundled_white_paper_builds_with_its_figures() {
    let t = TempDir::new("paper");
    let out = t.path().join("public");
    let o = Command::new(env!("CARGO_BIN_EXE_baipi"))
        .arg("--root")
        .arg(repo())
        .args(["build", "--output-dir", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let page = |p: &str| read(&out.join(p));
    let expect: &[(&str, &[&str])] = &[
        ("index.html", &["938<small>个</small>", "12,873<small>人</small>", "2021年8月15日", "近五分之一"]),
        ("overview/index.html", &["83.05%", "16.95%", "90.04%", "9.96%", "22.67%", "超过20%"]),
        (
            "innovations/index.html",
            &["30名", "200家", "22个", "100多个", "43个", "70多万人次", "6800多场", "超过30万人次", "八联八力"],
        ),
        (
            "achievements/index.html",
            &[
                "54.33%",
                "36.54%",
                "64.95%",
                "53.15%",
                "67.03%",
                "29.9%",
                "94.75%",
                "61.54%",
                "31.73%",
                "93.27%",
                "约71%",
                "113支",
                "23个",
                "86.14%",
                "84.27%",
                "86.01%",
                "21个",
                "230个",
                "147个",
                "超过24万平方米",
                "114个",
                "39个",
                "29个",
                "86.05%",
                "67.31%",
                "76.93%",
                "WebVision",
            ],
        ),
        (
            "portrait/index.html",
            &[
                "679", "141", "118", "6,280", "3,957", "1,572", "654", "410", "79.52%", "7,721", "59.98%", "2,648",
                "20.57%", "10,369",
            ],
        ),
        ("sources/index.html", &["gdi.dayoo.com", "未公布", "data/members.csv"]),
    ];
    for (p, needles) in expect {
        let html = page(p);
        for n in *needles {
            assert!(html.contains(n), "{p} lacks {n:?}");
        }
    }
    for p in ["index.html", "overview/index.html", "portrait/index.html"] {
        let html = page(p);
        assert!(!html.contains("{{") && !html.contains("{%"), "{p} has an unevaluated expression");
    }
}

// ---------------------------------------------------------------- serve

/// A running `baipi serve`, killed when dropped.
struct Server {
    child: std::process::Child,
    addr: String,
}

impl Server {
    fn start(root: &Path) -> Server {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_baipi"))
            .arg("--root")
            .arg(root)
            .args(["serve", "--port", "0"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("runs baipi serve");
        let stdout = child.stdout.take().unwrap();
        let mut lines = std::io::BufReader::new(stdout).lines();
        let first = lines.next().expect("serve prints its address").unwrap();
        let addr = first
            .split("http://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr }
    }

    /// Sends `raw` (a whole request) and returns (status, headers, body).
    fn raw(&self, raw: &str) -> (u16, String, String) {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
        s.write_all(raw.as_bytes()).unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).unwrap();
        let text = String::from_utf8_lossy(&buf).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        (status, head.to_string(), body.to_string())
    }

    fn get(&self, path: &str) -> (u16, String, String) {
        self.raw(&format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr))
    }

    /// Polls `path` until `pred` holds for its body (bounded: 30 s, then the test fails).
    fn wait_for(&self, path: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let (_, _, body) = self.get(path);
            if pred(&body) {
                return body;
            }
            assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}; last body:\n{body}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fingerprinted stylesheet path a page links to (`/css/site.1a2b3c4d.css`).
fn stylesheet(html: &str) -> String {
    html.split("href=\"")
        .find(|s| s.starts_with("/css/site."))
        .and_then(|s| s.split('"').next())
        .unwrap_or("?")
        .to_string()
}

#[test]
fn serve_answers_with_the_site_from_memory() {
    let s = site(&["basic"]);
    let srv = Server::start(s.path());
    let (status, head, body) = srv.get("/first/");
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("Content-Type: text/html; charset=utf-8"), "{head}");
    assert!(body.contains("共938个，其中社会组织党组织159个"), "{body}");
    // The theme emits the reload script only in serve mode, and the server serves it.
    assert!(body.contains(r#"<script src="/__baipi/livereload.js" defer></script>"#), "{body}");
    let (status, _, js) = srv.get("/__baipi/livereload.js");
    assert_eq!(status, 200);
    assert!(js.contains("EventSource"));
    // Content types (the stylesheet's name carries its content hash).
    let css = stylesheet(&body);
    for (path, ctype) in [
        (css.as_str(), "text/css"),
        ("/favicon.svg", "image/svg+xml"),
        ("/data/orgs.csv", "text/csv"),
        ("/data/orgs.json", "application/json"),
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain"),
        ("/__baipi/livereload.js", "text/javascript"),
    ] {
        let (status, head, _) = srv.get(path);
        assert_eq!(status, 200, "{path}: {head}");
        assert!(head.contains(&format!("Content-Type: {ctype}")), "{path}: {head}");
    }
    // Folders without their slash redirect; unknown paths get the site's 404 page.
    let (status, head, _) = srv.get("/first");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /first/"), "{head}");
    let (status, _, body) = srv.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("页面未找到"), "{body}");
    // HEAD has headers only; other methods are refused.
    let (status, head, body) = srv.raw(&format!("HEAD / HTTP/1.1\r\nHost: {}\r\n\r\n", srv.addr));
    assert_eq!((status, body.as_str()), (200, ""), "{head}");
    assert!(head.contains("Content-Length: "));
    let (status, head, _) = srv.raw(&format!("POST / HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\n\r\n", srv.addr));
    assert_eq!(status, 405);
    assert!(head.contains("Allow: GET, HEAD"), "{head}");
    let (status, _, _) = srv.raw("garbage\r\n\r\n");
    assert_eq!(status, 400);
    // Nothing was written.
    assert!(!s.path().join("public").exists());
}

#[test]
fn serve_refuses_traversal() {
    let s = site(&["basic"]);
    std::fs::write(s.path().join("secret.txt"), "SECRET").unwrap();
    let srv = Server::start(s.path());
    for path in [
        "/../site.toml",
        "/../../../../etc/passwd",
        "/first/../../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsite.toml",
        "/first%2f..%2f..%2fsite.toml",
        "/..%5csite.toml",
        "/..\\site.toml",
        "//etc/passwd",
        "/C:/Windows/win.ini",
        "/secret.txt",
        "/site.toml",
        "/content/01-first.md",
        "/data/orgs.yaml",
        "/%00",
    ] {
        let (status, _, body) = srv.get(path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("SECRET") && !body.contains("base_url") && !body.contains("root:"), "{path}: {body}");
    }
    // An absolute-form target is not a path of the site either.
    let (status, _, _) = srv.raw("GET http://example.org/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status, 404);
}

#[test]
fn serve_rebuilds_on_edit_and_shows_errors_over_the_last_good_site() {
    let s = site(&["basic"]);
    let srv = Server::start(s.path());
    let chapter = s.path().join("content/01-first.md");
    let original = read(&chapter);
    assert!(srv.get("/first/").2.contains("共938个"));

    // An edit changes the served page.
    std::fs::write(&chapter, original.replace("共{{", "现共{{")).unwrap();
    srv.wait_for("/first/", "the edited page", |b| b.contains("现共938个"));

    // Editor temporary files are ignored (no rebuild is needed to keep serving).
    std::fs::write(s.path().join("content/.01-first.md.swp"), "junk").unwrap();
    std::fs::write(s.path().join("content/01-first.md~"), "junk").unwrap();

    // A broken edit keeps the last good page and shows the located error over it.
    std::fs::write(&chapter, original.replace("title:", "title: [")).unwrap();
    let body = srv.wait_for("/first/", "the error overlay", |b| b.contains("id=\"baipi-error\""));
    assert!(body.contains("现共938个"), "the last good page is still served: {body}");
    assert!(body.contains("content/01-first.md:2:"), "{body}");
    assert!(body.contains("error: field `title`"), "{body}");
    // The overlay is on every page, and non-HTML files are served untouched.
    assert!(srv.get("/").2.contains("id=\"baipi-error\""));
    let css = stylesheet(&srv.get("/").2);
    assert!(!srv.get(&css).2.contains("baipi-error"));

    // Fixing the file clears it.
    std::fs::write(&chapter, original.replace("共{{", "又共{{")).unwrap();
    let body = srv.wait_for("/first/", "the fixed page", |b| b.contains("又共938个"));
    assert!(!body.contains("baipi-error"), "{body}");
    assert!(!s.path().join("public").exists(), "serve writes nothing");
}

#[test]
fn serve_events_announce_rebuilds() {
    use std::io::{BufRead, Write};
    let s = site(&["basic"]);
    let srv = Server::start(s.path());
    let mut conn = std::net::TcpStream::connect(&srv.addr).unwrap();
    conn.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    write!(conn, "GET /__baipi/events HTTP/1.1\r\nHost: {}\r\n\r\n", srv.addr).unwrap();
    let mut r = std::io::BufReader::new(conn);
    let mut data = || loop {
        let mut line = String::new();
        assert!(r.read_line(&mut line).unwrap() > 0, "event stream closed");
        if let Some(v) = line.trim_end().strip_prefix("data: ") {
            return v.to_string();
        }
    };
    let first = data();
    let chapter = s.path().join("content/02-second.md");
    std::fs::write(&chapter, read(&chapter) + "\n追加一段。\n").unwrap();
    let second = data();
    assert_ne!(first, second);
}

#[cfg(unix)]
#[test]
fn serve_stops_on_ctrl_c_and_leaves_no_files() {
    let s = site(&["basic"]);
    let list = |d: &Path| -> Vec<String> {
        walkdir::WalkDir::new(d)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap().path().display().to_string())
            .collect()
    };
    // A process started with SIGINT ignored passes that on to serve (as shells do for background jobs);
    // Ctrl-C in a terminal always delivers it.
    let ignored = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|st| st.lines().find_map(|l| l.strip_prefix("SigIgn:").map(|m| m.trim().to_string())))
        .and_then(|m| u64::from_str_radix(&m, 16).ok())
        .is_some_and(|mask| mask & 2 != 0);
    if ignored {
        eprintln!("SIGINT is ignored in this process; skipping the Ctrl-C test");
        return;
    }
    let before = list(s.path());
    let mut srv = Server::start(s.path());
    assert_eq!(srv.get("/").0, 200);
    let pid = srv.child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while srv.child.try_wait().unwrap().is_none() {
        assert!(std::time::Instant::now() < deadline, "serve did not stop on SIGINT");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(list(s.path()), before, "serve left files behind");
}

#[test]
fn serve_starts_with_a_broken_site_and_recovers() {
    let s = site(&["basic"]);
    let toml = s.path().join("site.toml");
    let good = read(&toml);
    std::fs::write(&toml, good.clone() + "titel = \"x\"\n").unwrap();
    let srv = Server::start(s.path());
    let (status, _, body) = srv.get("/first/");
    assert_eq!(status, 500);
    assert!(body.contains("id=\"baipi-error\"") && body.contains("unknown field `titel`"), "{body}");
    assert!(body.contains("/__baipi/livereload.js"), "the error page reloads too");
    std::fs::write(&toml, good).unwrap();
    let body = srv.wait_for("/first/", "the fixed site", |b| b.contains("共938个"));
    assert!(!body.contains("baipi-error"));
}

#[test]
fn build_output_has_no_reload_script() {
    let s = site(&["basic"]);
    let out = build(s.path(), &[]);
    for (path, text) in all_text(&out) {
        assert!(!text.contains("__baipi") && !text.contains("livereload"), "{path}");
    }
}

// ---------------------------------------------------------------- check, init, new

#[test]
fn check_gathers_render_problems_at_once() {
    let s = site(&["basic"]);
    let first = s.path().join("content/01-first.md");
    let text =
        read(&first) + "\n![图](images/none.png)\n\n**要点：**后文。\n\n[坏锚点](02-second.md#不存在)\n\n一个*星号\n";
    std::fs::write(&first, text).unwrap();
    // Same weight as 02-second.md: a warning, not an error.
    edit(&s.path().join("content/01-first.md"), "weight: 2", "weight: 1");
    std::fs::create_dir_all(s.path().join("templates")).unwrap();
    std::fs::write(
        s.path().join("templates/index.html"),
        "{% extends \"base.html\" %}{% block main %}{{ page.title }{% endblock main %}",
    )
    .unwrap();
    let o = baipi(s.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    for needle in [
        "image `images/none.png` not found",
        "`**` is printed literally",
        "has no heading with id `不存在`",
        "templates/index.html:1:",
        "warning: `*` is printed literally",
        "warning: weight 1 is also used by",
        "4 errors found, 2 warnings",
    ] {
        assert!(e.contains(needle), "lacks {needle:?}:\n{e}");
    }
    assert!(!s.path().join("public").exists());
}

#[test]
fn check_reports_template_errors_even_when_content_fails_to_load() {
    let s = site(&["basic"]);
    std::fs::write(s.path().join("content/01-first.md"), "---\ntitle: [\n---\n").unwrap();
    std::fs::create_dir_all(s.path().join("templates")).unwrap();
    std::fs::write(s.path().join("templates/chapter.html"), "{{ page.title }").unwrap();
    let e = stderr(&baipi(s.path(), &["check"]));
    assert!(e.contains("content/01-first.md:2:"), "{e}");
    assert!(e.contains("templates/chapter.html:1:"), "{e}");
    assert!(e.contains("2 errors found"), "{e}");
}

#[test]
fn lone_asterisk_is_a_warning_and_strict_makes_it_an_error() {
    let s = site(&["basic"]);
    let p = s.path().join("content/02-second.md");
    std::fs::write(&p, read(&p) + "\n注*：本章。\n\n转义的 \\* 不报。\n").unwrap();
    let o = baipi(s.path(), &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = stderr(&o);
    assert_eq!(e.matches("`*` is printed literally").count(), 1, "{e}");
    assert_eq!(baipi(s.path(), &["check", "--strict"]).status.code(), Some(1));
}

#[test]
fn images_and_files_are_found_copied_and_linked() {
    let s = site(&["basic"]);
    std::fs::create_dir_all(s.path().join("content/img")).unwrap();
    std::fs::write(s.path().join("content/img/chart.png"), b"\x89PNG").unwrap();
    std::fs::create_dir_all(s.path().join("static/files")).unwrap();
    std::fs::write(s.path().join("static/files/report.pdf"), b"%PDF").unwrap();
    let p = s.path().join("content/02-second.md");
    std::fs::write(&p, read(&p) + "\n![图](img/chart.png) [报告](files/report.pdf) [数据](/data/orgs.csv)\n").unwrap();
    let out = build(s.path(), &["--base-url", "/sub/"]);
    let html = read(&out.join("02-second/index.html"));
    assert!(html.contains(r#"src="/sub/img/chart.png""#), "{html}");
    assert!(html.contains(r#"href="/sub/files/report.pdf""#), "{html}");
    assert!(html.contains(r#"href="/sub/data/orgs.csv""#), "{html}");
    assert_eq!(std::fs::read(out.join("img/chart.png")).unwrap(), b"\x89PNG");
    assert!(out.join("files/report.pdf").exists());
}

#[test]
fn verbose_lists_stages_and_files_and_quiet_prints_nothing() {
    let s = site(&["basic"]);
    let out = s.path().join("public");
    let o = baipi(s.path(), &["--verbose", "build", "--output-dir", out.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(text.contains("2 chapters, 1 datasets, ") && text.contains(" ms → "), "{text}");
    assert!(text.contains("render ") && text.contains("  first/index.html ("), "{text}");
    let o = baipi(s.path(), &["--quiet", "build", "--output-dir", out.to_str().unwrap()]);
    assert!(o.status.success() && o.stdout.is_empty() && o.stderr.is_empty());
}

#[test]
fn default_output_dir_is_public_in_the_root() {
    let s = site(&["basic"]);
    let o = Command::new(env!("CARGO_BIN_EXE_baipi")).current_dir(s.path()).arg("build").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("→ public/"));
    assert!(s.path().join("public/index.html").exists());
}

#[test]
fn init_creates_a_site_that_builds_and_checks_clean() {
    let t = TempDir::new("init");
    let dir = t.path().join("新白皮书");
    let o = Command::new(env!("CARGO_BIN_EXE_baipi")).arg("init").arg(&dir).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["site.toml", "README.md", "content/_index.md", "data/example.yaml", "themes/default/templates/base.html"]
    {
        assert!(dir.join(f).exists(), "{f}");
    }
    let o = baipi(&dir, &["check", "--strict"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = build(&dir, &[]);
    let html = read(&out.join("overview/index.html"));
    assert!(html.contains("示例单位共100个") && html.contains("占60%"), "{html}");
    // A non-empty folder is refused, and nothing in it is touched.
    let o = Command::new(env!("CARGO_BIN_EXE_baipi")).arg("init").arg(&dir).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not empty"), "{}", stderr(&o));

    // `new chapter` adds the next file with the next weight.
    let o = baipi(&dir, &["new", "chapter", "党建工作突破方向"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let path = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert!(path.ends_with("content/03-党建工作突破方向.md"), "{path}");
    let text = read(Path::new(&path));
    assert!(
        text.starts_with("---\ntitle: \"党建工作突破方向\"\nslug: 党建工作突破方向\nweight: 3\nsummary: "),
        "{text}"
    );
    let o = baipi(&dir, &["check", "--strict"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = baipi(&dir, &["new", "chapter", "党建工作突破方向"]);
    assert_eq!(o.status.code(), Some(2), "the same slug twice is refused");
    let out = build(&dir, &[]);
    assert!(read(&out.join("党建工作突破方向/index.html")).contains("党建工作突破方向"));
}

/// Measures the time from saving a chapter of the bundled paper to having the
/// reloaded page: the file is written, the test waits for the server's reload
/// event (what the page's script listens to), then fetches the page as the
/// reloading browser would. Not a pass/fail test; run it with
/// `cargo test --release --test integration -- --ignored reload_latency --nocapture`.
#[test]
#[ignore]
fn reload_latency() {
    use std::io::{BufRead, Write};
    use std::time::{Duration, Instant};
    let t = paper_copy();
    let srv = Server::start(t.path());
    let mut conn = std::net::TcpStream::connect(&srv.addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(conn, "GET /__baipi/events HTTP/1.1\r\nHost: {}\r\n\r\n", srv.addr).unwrap();
    let mut r = std::io::BufReader::new(conn);
    let mut next_event = || loop {
        let mut line = String::new();
        assert!(r.read_line(&mut line).unwrap() > 0, "event stream closed");
        if line.starts_with("data: ") {
            return;
        }
    };
    next_event();
    let chapter = t.path().join("content/01-overview.md");
    let original = read(&chapter);
    let mut samples = Vec::new();
    for i in 0..30 {
        std::thread::sleep(Duration::from_millis(150));
        let marker = format!("测量标记{i}号");
        let text = original.replacen("## 总体规模", &format!("## 总体规模\n\n{marker}"), 1);
        let t0 = Instant::now();
        std::fs::write(&chapter, text).unwrap();
        next_event();
        let (status, _, body) = srv.get("/overview/");
        let dt = t0.elapsed();
        assert_eq!(status, 200);
        assert!(body.contains(&marker), "the reloaded page has the edit");
        samples.push(dt);
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "edit → reloaded page over {} saves: min {:.1} ms, median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        samples.len(),
        ms(samples[0]),
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() * 9 / 10]),
        ms(samples[samples.len() - 1])
    );
}

/// Regression: locations after an expression on the same line pointed into the
/// evaluated text (its offsets differ from the source's).
#[test]
fn locations_after_expressions_point_into_the_source() {
    let s = site(&["invalid/_base"]);
    std::fs::write(
        s.path().join("content/01-a.md"),
        "---\ntitle: 第一章\nweight: 1\n---\n共{{ data.orgs.total | num }}个，见[乙](02-b.md#无此节)，![图](无.png)\n",
    )
    .unwrap();
    std::fs::write(s.path().join("content/02-b.md"), "---\ntitle: 乙\nweight: 2\n---\n## 有此节\n").unwrap();
    let e = stderr(&baipi(s.path(), &["check"]));
    assert!(e.contains("content/01-a.md:5:32: error: link to `02-b.md#无此节`"), "{e}");
    assert!(e.contains("content/01-a.md:5:49: error: image `无.png` not found"), "{e}");
}
