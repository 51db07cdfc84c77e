//! Invalid input: the cases in `tests/fixtures/invalid/` (see the crate documentation for
//! their `expected.txt`), then the cases that cannot be files in the repository (huge files,
//! symbolic links, pipes), generated here with the same checks: exit code, first line of
//! stderr, previous output unchanged.

#[cfg(unix)]
use crate::support::TempDir;
use crate::support::{Site, entries_in, fixture_dir, read};
use std::path::Path;

#[test]
fn invalid_fixtures_report_located_errors() {
    let dir = fixture_dir("invalid");
    // A case with its own PDF template, or an image the PDF edition cannot decode
    // (`pdf-image-…`), is about typesetting: it needs the `pdf` feature.
    let typesets = |n: &String| dir.join(n).join("templates/pdf").is_dir() || n.starts_with("pdf-image-");
    let cases: Vec<String> =
        entries_in(&dir).into_iter().filter(|n| n != "_base" && (cfg!(feature = "pdf") || !typesets(n))).collect();
    assert!(cases.len() >= 60, "{cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let expected = read(&dir.join(case).join("expected.txt"));
        let mut lines = expected.lines();
        let code: i32 = lines.next().unwrap().trim().parse().unwrap();
        let first = lines.next().unwrap();
        let s = Site::fixtures(&["invalid/_base", &format!("invalid/{case}")]);
        // A previous output must survive the failed build.
        s.write("public/index.html", "previous");
        s.write("public/.baipi-manifest", "index.html\n");
        let args = std::fs::read_to_string(dir.join(case).join("args.txt"))
            .unwrap_or_else(|_| "build --output-dir public".into());
        let o = s.run_inside(&args.split_whitespace().collect::<Vec<_>>());
        let err = o.stderr();
        for more in lines.filter(|l| !l.is_empty()) {
            if !err.contains(more) {
                failures.push(format!("{case}: stderr lacks {more:?}:\n{err}"));
            }
        }
        if o.code() != Some(code) || err.lines().next() != Some(first) {
            failures.push(format!(
                "{case}: exit {:?}, stderr:\n{err}\nexpected exit {code} and first line:\n{first}",
                o.code()
            ));
        }
        if s.read("public/index.html") != "previous" {
            failures.push(format!("{case}: previous output was changed"));
        }
        // Input errors start with the file they are in (an existing file, or a missing
        // template in an existing folder); usage errors name the folder they refuse.
        if code == 1 {
            let file = first.split(": ").next().unwrap_or("").split(':').next().unwrap_or("");
            let p = s.file(file);
            let exists = |p: &Path| std::fs::symlink_metadata(p).is_ok();
            if file.is_empty() || !(exists(&p) || p.parent().is_some_and(exists)) {
                failures.push(format!("{case}: the first line does not start with a file of the site: {first}"));
            }
        } else if code == 2 && !first.starts_with("error: refusing to write the site to ") {
            failures.push(format!("{case}: a usage error should name the refused folder: {first}"));
        }
        assert!(!err.contains("panicked"), "{case} panicked: {err}");
        failures.extend(jargon_in(&err).map(|w| format!("{case}: the message uses the library word {w:?}:\n{err}")));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Words of Rust, of the libraries and of the YAML reader's parsing states that an editor
/// cannot act on; no message of any fixture may use them.
const JARGON: &[&str] = &[
    "from_str",
    "Option<",
    "Vec<",
    "String>",
    "serde",
    "saphyr",
    "granit",
    "deserializ",
    "u64",
    "i64",
    "f64",
    "usize",
    "struct ",
    "scalar",
    "while parsing",
    "did not find expected",
    "mapping values are not allowed",
    "in this context",
    "DuplicateKeyPolicy",
    "Options",
    "u32",
    "i128",
    "&str",
    "invalid type",
    "charts-rs",
];

fn jargon_in(stderr: &str) -> impl Iterator<Item = &'static str> + '_ {
    JARGON.iter().copied().filter(move |w| stderr.contains(w))
}

// ---------------------------------------------------------------- generated cases

/// A 100 MB chapter (and a sparse 64 GiB one, where the file system allows it) is refused at
/// once, with the file named, without being read: reading it would take seconds or memory.
#[test]
fn huge_files_are_refused_without_being_read() {
    let p = Site::fixture("invalid/_base").with_previous_build();
    let f = std::fs::File::create(p.file("content/02-big.md")).unwrap();
    std::io::Write::write_all(&mut &f, b"---\ntitle: big\n---\n").unwrap();
    f.set_len(100 * 1024 * 1024).unwrap();
    drop(f);
    let t = std::time::Instant::now();
    p.fails(
        1,
        "content/02-big.md: error: the file is 100.0 MiB (104857600 bytes); baipi reads text files of at most 8 MiB (8388608 bytes)",
    );
    assert!(t.elapsed() < std::time::Duration::from_secs(10), "{:?}", t.elapsed());
    p.remove("content/02-big.md");
    // The same for a dataset.
    std::fs::File::create(p.file("data/big.yaml")).unwrap().set_len(100 * 1024 * 1024 + 1).unwrap();
    p.fails(1, "data/big.yaml: error: the file is 100.0 MiB (104857601 bytes)");
    p.remove("data/big.yaml");
    // 64 GiB could not be read into memory at all: passing proves the size is checked first.
    let f = std::fs::File::create(p.file("content/03-huge.md")).unwrap();
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
    let s = Site::fixture("invalid/_base");
    s.write("shared/b.md", "---\ntitle: 共用\nweight: 2\n---\n共用的一章。\n");
    s.write("shared/pic.png", b"\x89PNG");
    symlink("../shared/b.md", s.file("content/02-b.md")).unwrap();
    symlink("../shared/pic.png", s.file("content/pic.png")).unwrap();
    s.write("content/01-a.md", "---\ntitle: 第一章\nweight: 1\n---\n![图](pic.png)\n");
    let out = s.build();
    assert!(out.read("02-b/index.html").contains("共用的一章。"));
    assert_eq!(out.bytes("pic.png"), b"\x89PNG");

    // Each refused link fails the build with its name, and leaves the previous output alone.
    type Setup = fn(&Site, &Path);
    let cases: &[(&str, Setup, &str)] = &[
        (
            "chapter outside",
            |site, out| symlink(out.join("secret.md"), site.file("content/02-out.md")).unwrap(),
            "content/02-out.md: error: symbolic link points outside the site folder (to ",
        ),
        (
            "dataset outside",
            |site, out| symlink(out.join("secret.yaml"), site.file("data/leak.yaml")).unwrap(),
            "data/leak.yaml: error: symbolic link points outside the site folder (to ",
        ),
        (
            "folder outside",
            |site, out| symlink(out, site.file("content/ext")).unwrap(),
            "content/ext: error: symbolic link points outside the site folder (to ",
        ),
        (
            "static file outside",
            |site, out| {
                std::fs::create_dir_all(site.file("static")).unwrap();
                symlink(out.join("secret.png"), site.file("static/leak.png")).unwrap()
            },
            "static/leak.png: error: symbolic link points outside the site folder (to ",
        ),
        (
            "image outside",
            |site, out| {
                symlink(out.join("secret.png"), site.file("content/leak.png")).unwrap();
                site.append("content/01-a.md", "\n前文![图](leak.png)\n");
            },
            "content/01-a.md:7:3: error: `leak.png`: symbolic link points outside the site folder (to ",
        ),
        (
            "loop to its own folder",
            |site, _| symlink(".", site.file("content/loop")).unwrap(),
            "content/loop: error: symbolic link to a folder: baipi does not follow links to folders",
        ),
        (
            "loop of two links",
            |site, _| {
                symlink("03-b.md", site.file("content/03-a.md")).unwrap();
                symlink("03-a.md", site.file("content/03-b.md")).unwrap();
            },
            "content/03-a.md: error: symbolic link to `03-b.md` cannot be followed: ",
        ),
        (
            "broken link",
            |site, _| symlink("gone.md", site.file("content/04-gone.md")).unwrap(),
            "content/04-gone.md: error: symbolic link to `gone.md` cannot be followed: ",
        ),
    ];
    for (what, setup, first) in cases {
        let p = Site::fixture("invalid/_base").with_previous_build();
        setup(&p, outside.path());
        let err = p.fails(1, first);
        assert!(!err.contains("SECRET"), "{what}: {err}");
    }
}

/// Makes a named pipe at `path`; false when `mkfifo` is not available (the test is skipped).
#[cfg(unix)]
fn mkfifo(path: &Path) -> bool {
    let _ = std::fs::remove_file(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    matches!(std::process::Command::new("mkfifo").arg(path).status(), Ok(st) if st.success())
}

/// A named pipe wherever baipi expects a regular file is refused at once, naming it and what it
/// is, instead of waiting for ever for a writer: every file baipi looks for by name or finds in
/// a walk (site and theme settings, chapters, data and their metadata, templates, static files,
/// images, the chart font). A run that waited would be killed by the test's deadline.
#[cfg(unix)]
#[test]
fn special_files_are_refused_without_waiting() {
    const FIFO: &str = "error: this is a named pipe (FIFO), not a regular file: baipi reads only regular files";
    type Setup = fn(&Site);
    let none: Setup = |_| {};
    let cases: &[(&str, Setup, String)] = &[
        ("site.toml", none, format!("site.toml: {FIFO}")),
        ("themes/default/theme.toml", none, format!("themes/default/theme.toml: {FIFO}")),
        ("themes/default/templates/extra.html", none, format!("themes/default/templates/extra.html: {FIFO}")),
        ("templates/page.html", none, format!("templates/page.html: {FIFO}")),
        ("themes/default/static/p.css", none, format!("themes/default/static/p.css: {FIFO}")),
        ("static/.well-known/p.txt", none, format!("static/.well-known/p.txt: {FIFO}")),
        ("content/02-pipe.md", none, format!("content/02-pipe.md: {FIFO}")),
        ("data/pipe.yaml", none, format!("data/pipe.yaml: {FIFO}")),
        ("data/pipe.csv", none, format!("data/pipe.csv: {FIFO}")),
        (
            "data/regions.meta.yaml",
            |s| s.write("data/regions.csv", "地区,数量\n东部,3\n"),
            format!("data/regions.meta.yaml: {FIFO}"),
        ),
        (
            "content/pic.png",
            |s| s.append("content/01-a.md", "\n![图](pic.png)\n"),
            "content/01-a.md:7:1: error: `pic.png`: this is a named pipe (FIFO), not a regular file".into(),
        ),
        (
            "themes/default/fonts/pipe.otf",
            |s| s.edit("themes/default/theme.toml", "fonts/NotoSansCJKsc-Regular-subset.otf", "fonts/pipe.otf"),
            "themes/default/theme.toml:4:8: error: chart font `fonts/pipe.otf` cannot be used: this is a named pipe (FIFO)"
                .into(),
        ),
    ];
    for (fifo, setup, first) in cases {
        let p = Site::fixture("invalid/_base").with_previous_build();
        if !mkfifo(&p.file(fifo)) {
            eprintln!("mkfifo is not available; skipping");
            return;
        }
        setup(&p);
        p.fails(1, first);
        // `check` reads the same files the same way.
        let o = p.run(&["check"]);
        assert_eq!(o.code(), Some(1), "check with a pipe at {fifo}: {}", o.stderr());
    }
    // A pipe as the output's manifest (which baipi reads to know what it wrote) is refused too.
    let p = Site::fixture("invalid/_base").with_previous_build();
    let index = p.read("public/index.html");
    assert!(mkfifo(&p.file("public/.baipi-manifest")));
    let o = p.run(&["build"]);
    assert_eq!(o.code(), Some(2), "{}", o.stderr());
    assert!(o.stderr().contains("public/.baipi-manifest: this is a named pipe (FIFO)"), "{}", o.stderr());
    assert_eq!(p.read("public/index.html"), index);
}

/// A file (or a pipe) where baipi expects a source folder is an error naming it, not a site
/// without datasets or chapters (which would be reported as "no dataset `orgs`").
#[cfg(unix)]
#[test]
fn a_file_where_a_folder_belongs_is_named() {
    for dir in ["data", "content", "static", "templates", "themes/default/static"] {
        let p = Site::fixture("invalid/_base").with_previous_build();
        let _ = std::fs::remove_dir_all(p.file(dir));
        p.write(dir, "not a folder");
        p.fails(1, &format!("{dir}: error: this is a file, but baipi expects a folder here"));
    }
    let p = Site::fixture("invalid/_base").with_previous_build();
    std::fs::remove_dir_all(p.file("data")).unwrap();
    assert!(mkfifo(&p.file("data")));
    p.fails(1, "data: error: this is a named pipe (FIFO), but baipi expects a folder here");
}

/// A chapter's URL is taken from its file name only when the name is a clean URL path (letters,
/// digits, `-`, `_`, `.`): every other byte a Unix file name can hold is a located error naming
/// the file, and nothing is written (`x\..\..\victim.md` cannot climb out of the output).
#[cfg(unix)]
#[test]
fn file_names_that_are_not_clean_urls_are_refused() {
    use std::os::unix::ffi::OsStrExt;
    let s = Site::fixture("invalid/_base");
    let mut expected = Vec::new();
    for b in 1..=255u8 {
        if b == b'/' || b == b'.' || b == b'-' || b == b'_' || b.is_ascii_alphanumeric() {
            continue;
        }
        let name = [b"content/a".as_slice(), &[b], b"b.md"].concat();
        let path = s.path().join(std::ffi::OsStr::from_bytes(&name));
        std::fs::write(&path, format!("---\ntitle: t{b}\nweight: {b}\n---\n正文。\n")).unwrap();
        let c = String::from_utf8_lossy(&[b]).chars().next().unwrap();
        let (shown, what) = match c {
            '\u{fffd}' => ("\u{fffd}".to_string(), "a byte that is not UTF-8".to_string()),
            c if c.is_control() => (c.escape_debug().to_string(), format!("{c:?}")),
            ' ' => (" ".into(), "' '".into()),
            c => (c.to_string(), format!("`{c}`")),
        };
        expected.push(format!(
            "content/a{shown}b.md: error: this chapter's URL would be /a{shown}b/ (from the file name), \
             and {what} cannot be part of a URL"
        ));
    }
    let o = s.run(&["check"]);
    assert_eq!(o.code(), Some(1));
    let err = o.stderr();
    for e in &expected {
        assert!(err.contains(e), "stderr lacks {e:?}:\n{err}");
    }
    assert!(err.contains("= help: rename the file (or its folder) to letters, digits, `-`, `_` and `.`, or set `slug:` in the front matter"));

    // The same for a folder, and an explicit `slug:` makes the name irrelevant.
    let p = Site::fixture("invalid/_base").with_previous_build();
    p.write("content/x\\..\\..\\victim.md", "---\ntitle: t\nweight: 2\n---\n正文。\n");
    p.fails(
        1,
        "content/x\\..\\..\\victim.md: error: this chapter's URL would be /x\\..\\..\\victim/ (from the file name), \
         and `\\` cannot be part of a URL",
    );
    p.remove("content/x\\..\\..\\victim.md");
    p.write("content/a b/c.md", "---\ntitle: t\nweight: 2\n---\n正文。\n");
    p.fails(1, "content/a b/c.md: error: this chapter's URL would be /a b/c/ (from the file name), and ' ' cannot");
    p.write("content/a b/c.md", "---\ntitle: t\nweight: 2\nslug: ab-c\n---\n正文。\n");
    assert!(p.build().read("ab-c/index.html").contains("正文。"));
    assert!(!p.path().join("victim").exists() && !p.path().parent().unwrap().join("victim").exists());
}

/// A static file whose name is not a clean path (a `\`, a control character, not UTF-8) is a
/// located error naming it, before anything is written.
#[cfg(unix)]
#[test]
fn static_names_that_are_not_clean_are_refused() {
    use std::os::unix::ffi::OsStrExt;
    let cases: &[(&[u8], &str)] = &[
        (
            b"static/x\\..\\..\\victim.sh",
            "static/x\\..\\..\\victim.sh: error: this static file cannot be published under its name: `\\` cannot be part of a published file's name",
        ),
        (
            b"static/a\nb.txt",
            "static/a\\nb.txt: error: this static file cannot be published under its name: '\\n' cannot be part of a published file's name",
        ),
        (
            b"static/d\x01/x.txt",
            "static/d\\u{1}/x.txt: error: this static file cannot be published under its name: '\\u{1}' cannot",
        ),
        (
            b"static/a\xffb.txt",
            "static/a\u{fffd}b.txt: error: this static file cannot be published under its name: a byte that is not UTF-8 cannot",
        ),
    ];
    for (name, first) in cases {
        let p = Site::fixture("invalid/_base").with_previous_build();
        let path = p.path().join(std::ffi::OsStr::from_bytes(name));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "echo pwned").unwrap();
        let err = p.fails(1, first);
        assert!(err.contains("= help: rename the file"), "{err}");
    }
}

/// Names a file system cannot hold once baipi adds to them (temporary files, `.gz` copies) are
/// located errors before anything is written, from a chapter's file name, a folder of chapters,
/// a static file and a dataset's file name (a long `slug:` and chart id are fixtures): a rebuild
/// can never fail with an unlocated "File name too long".
#[test]
fn names_too_long_for_a_file_system_are_refused() {
    let long = "a".repeat(240);
    let too_long = "the name `aaaaaaaaaaaaaaaaaaaaaaaa…` in it is";
    let deep = vec!["d".repeat(100); 11].join("/");
    let cases: Vec<(String, String, String)> = vec![
        (
            format!("content/{long}.md"),
            "---\ntitle: 长\nweight: 2\n---\n正文。\n".into(),
            format!(
                "content/{long}.md: error: this chapter's URL /{}… (from the file name) is too long to publish: {too_long} 240 bytes",
                &long[..60]
            ),
        ),
        (
            format!("content/{deep}/x.md"),
            "---\ntitle: 深\nweight: 2\n---\n正文。\n".into(),
            format!("content/{deep}/x.md: error: this chapter's URL /"),
        ),
        (
            format!("static/{long}.css"),
            "body {}".into(),
            format!(
                "static/{long}.css: error: this static file would be /{}…, too long to publish: {too_long} 253 bytes",
                &long[..60]
            ),
        ),
        (
            format!("data/{long}.yaml"),
            "title: 长\nunit: 个\nvalues:\n  a: { label: 甲, value: 1 }\n".into(),
            format!(
                "data/{long}.yaml: error: this dataset's open data would be /data/{}…, too long to publish: {too_long} 244 bytes",
                &long[..55]
            ),
        ),
    ];
    for (file, text, first) in &cases {
        let p = Site::fixture("invalid/_base").with_previous_build();
        p.write(file, text);
        let err = p.fails(1, first);
        assert!(!err.contains("os error"), "{err}");
    }
    // The deep folder's message says how long the whole path is.
    let p = Site::fixture("invalid/_base");
    p.write(&format!("content/{deep}/x.md"), "---\ntitle: 深\n---\n正文。\n");
    let err = p.run(&["check"]).stderr();
    assert!(err.contains("it is 1123 bytes long, and a path in the output may have at most 1024 bytes"), "{err}");
    // `new chapter` with a title that makes too long a URL writes nothing.
    let p = Site::fixture("invalid/_base");
    let o = p.run(&["new", "chapter", &"长".repeat(90)]);
    assert_eq!(o.code(), Some(2));
    assert!(o.stderr().contains("the chapter's URL would be too long to publish"), "{}", o.stderr());
    assert_eq!(entries_in(&p.file("content")), ["01-a.md"]);
}

/// A chart shown by two chapters (one places another's chart, which is also added at the end of
/// its own) would repeat its ids on the whole-paper page: an error at the `figure(…)` of the
/// later chapter, and the previous output stays.
#[test]
fn a_figure_shown_by_two_chapters_is_refused() {
    let p = Site::fixture("invalid/_base");
    p.write(
        "content/01-a.md",
        "---\ntitle: 第一章\nweight: 1\ncharts:\n  - { id: orgs, type: donut, data: orgs.by_type, title: 党组织 }\n---\n正文。\n",
    );
    let p = p.with_previous_build();
    p.write("content/02-b.md", "---\ntitle: 第二章\nweight: 2\n---\n再看：\n\n{{ figure(id=\"orgs\") }}\n");
    let err = p.fails(
        1,
        "content/02-b.md:7:4: error: figure `orgs` is also shown by content/01-a.md; the whole-paper page would hold it twice",
    );
    assert!(err.contains("elsewhere refer to it with `figref(id=\"orgs\")`"), "{err}");
    // The other way round: the error is still at the chapter that placed another's chart.
    p.write("content/01-a.md", "---\ntitle: 第一章\nweight: 1\n---\n正文。\n\n见 {{ figure(id=\"orgs\") }}\n");
    p.write(
        "content/02-b.md",
        "---\ntitle: 第二章\nweight: 2\ncharts:\n  - { id: orgs, type: donut, data: orgs.by_type, title: 党组织 }\n---\n再看。\n",
    );
    p.fails(
        1,
        "content/01-a.md:7:6: error: figure `orgs` is also shown by content/02-b.md; the whole-paper page would hold it twice",
    );
}
