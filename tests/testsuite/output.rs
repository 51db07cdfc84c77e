//! The output folder: stale files removed, rebuilds that write only what changed, the staged
//! build against the in-memory render, failed builds that leave the previous output intact,
//! and output folders that cannot be written.

use crate::support::library::render_in_memory;
use crate::support::{Site, entries_in, files_of, folders_of, leftovers, read, repo};
#[cfg(unix)]
use std::path::Path;

/// A rebuild removes the files of the previous build that the site no longer produces (they
/// are listed in `.baipi-manifest`), and nothing else: a file the editor put in the folder and
/// a `.git/` folder stay.
#[test]
fn only_files_baipi_wrote_are_removed() {
    let s = Site::fixture("basic");
    let out = s.build();
    let manifest = read(&out.join(".baipi-manifest"));
    assert!(manifest.lines().any(|l| l == "index.html") && manifest.lines().any(|l| l == "sitemap.xml"), "{manifest}");
    std::fs::write(out.join("CNAME"), "example.org").unwrap();
    std::fs::create_dir_all(out.join(".git")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages").unwrap();
    // The last chapter (no other links to it).
    let chapter = entries_in(&s.file("content")).into_iter().rfind(|n| n != "_index.md").unwrap();
    s.remove(&format!("content/{chapter}"));
    s.build();
    let after = read(&out.join(".baipi-manifest"));
    let gone: Vec<&str> = manifest.lines().filter(|l| !after.lines().any(|a| a == *l)).collect();
    assert!(gone.iter().any(|g| g.ends_with("/index.html")), "{gone:?}");
    for g in &gone {
        assert!(!out.join(g).exists(), "{g} of the removed chapter is still there");
    }
    assert_eq!(read(&out.join("CNAME")), "example.org");
    assert_eq!(read(&out.join(".git/HEAD")), "ref: refs/heads/gh-pages");
    assert!(!after.lines().any(|l| l == "CNAME"));
}

/// A folder that is not empty and was not made by baipi (no manifest) is refused; `--force`
/// builds into it and keeps what is there.
#[test]
fn a_folder_baipi_did_not_make_is_refused_unless_forced() {
    let s = Site::fixture("basic");
    s.write("public/notes.txt", "mine");
    let o = s.run(&["build", "--output-dir", s.file("public").to_str().unwrap()]);
    assert_eq!(o.code(), Some(2));
    let e = o.stderr();
    assert!(e.starts_with("error: refusing to write the site to ") && e.contains("has no .baipi-manifest"), "{e}");
    assert_eq!(entries_in(&s.file("public")), ["notes.txt"]);
    s.run(&["build", "--force", "--output-dir", s.file("public").to_str().unwrap()]).expect_success();
    assert_eq!(read(&s.file("public/notes.txt")), "mine");
    assert!(s.file("public/index.html").exists());
    // Built once, the folder is baipi's: the next build needs no --force.
    s.run(&["build", "--output-dir", s.file("public").to_str().unwrap()]).expect_success();
    assert_eq!(read(&s.file("public/notes.txt")), "mine");
}

/// A rebuild writes only what changed: unchanged pages keep their inode and modification time,
/// a changed chapter's page is replaced, a removed chapter's page and folder disappear, and no
/// temporary file is left. The result is the same bytes as a build into an empty folder.
#[test]
fn rebuild_writes_only_changed_files() {
    let s = Site::fixture("basic");
    let out = s.build();
    let meta = |p: &str| std::fs::metadata(out.join(p)).unwrap();
    let (sitemap_before, robots_before) = (meta("sitemap.xml"), meta("robots.txt"));
    let chapters: Vec<String> = entries_in(&s.file("content"))
        .into_iter()
        .filter(|n| n != "_index.md")
        .map(|n| format!("content/{n}"))
        .collect();
    assert!(chapters.len() >= 2);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let o = s.run(&["build", "--output-dir", out.to_str().unwrap(), "--verbose"]).expect_success();
    let stdout = o.stdout();
    assert!(stdout.contains(" 0 files written, "), "{stdout}");
    assert_eq!(meta("robots.txt").modified().unwrap(), robots_before.modified().unwrap());
    // Change one chapter's text, remove another.
    let (changed, removed) = (&chapters[0], &chapters[1]);
    s.append(changed, "\n追加的一段文字。\n");
    s.remove(removed);
    let o = s.run(&["build", "--output-dir", out.to_str().unwrap(), "--verbose"]).expect_success();
    let stdout = o.stdout();
    assert!(!stdout.contains(" 0 files written, ") && !stdout.contains(" 0 removed"), "{stdout}");
    assert_eq!(meta("robots.txt").modified().unwrap(), robots_before.modified().unwrap(), "robots.txt was rewritten");
    assert_ne!(meta("sitemap.xml").modified().unwrap(), sitemap_before.modified().unwrap());
    let all = out.files();
    assert!(!all.iter().any(|(f, _)| f.contains("baipi-tmp")));
    // Same bytes as a fresh build.
    let fresh = s.build_into(&s.file("fresh"));
    assert!(all == fresh.files(), "incremental and fresh builds differ");
    assert_eq!(folders_of(&out), folders_of(&fresh), "a stale folder was left");
    assert!(all.iter().any(|(_, b)| String::from_utf8_lossy(b).contains("追加的一段文字")));
}

/// `build` writes chapter pages and the search index while rendering (staged); what lands on
/// disk is exactly what the in-memory render (`serve`, `check`) produces, for the bundled
/// paper and a site with enough chapters for several search text blocks.
#[test]
fn staged_build_matches_the_in_memory_render() {
    let paper = Site::paper();
    let big = Site::fixture("basic");
    let body = "## 第一节\n\n天河区两新组织党建工作稳步推进，党员队伍不断壮大。\n".repeat(40);
    for i in 0..40 {
        big.write(&format!("content/x{i:02}.md"), format!("---\ntitle: 第{i}章\n---\n{body}"));
    }
    for site in [&paper, &big] {
        let root = site.path();
        let mut disk = site.build().files();
        let manifest = disk.iter().position(|(f, _)| f == ".baipi-manifest").expect("a manifest");
        let listed = String::from_utf8(disk.remove(manifest).1).unwrap();
        let mem = render_in_memory(root);
        let paths: Vec<&str> = listed.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(paths, disk.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(), "the manifest lists every file");
        assert!(mem.staged.is_empty());
        let want = mem.files;
        assert_eq!(disk.len(), want.len(), "{}", root.display());
        assert!(disk == want, "{}: the staged build differs from the in-memory render", root.display());
    }
    assert!(files_of(&big.file("public")).iter().filter(|(f, _)| f.starts_with("search/t")).count() > 1);
}

// ---------------------------------------------------------------- failed builds

#[test]
fn failed_build_leaves_previous_output_intact() {
    let s = Site::fixture("basic");
    let out = s.build();
    let before = out.read("first/index.html");
    s.write("content/01-first.md", "---\ntitle: [\n---\n");
    let o = s.run(&["build", "--output-dir", out.to_str().unwrap()]);
    assert_eq!(o.code(), Some(1));
    assert_eq!(out.read("first/index.html"), before);
    // No temporary folders left behind.
    let leftovers = leftovers(s.path());
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A template error on the second chapter's page, after the first page was already written
/// (staged): the build fails, and the previous output is exactly as it was — no new page, no
/// new folder, no temporary file.
#[test]
fn error_after_staging_leaves_previous_output() {
    let p = Site::fixture("invalid/_base").with_previous_build();
    let chapter = read(&repo().join("themes/default/templates/chapter.html"));
    let broken = chapter.replacen("{% block", "{% if page.number == 2 %}{{ page.titel }}{% endif %}{% block", 1);
    assert_ne!(chapter, broken);
    p.write("templates/chapter.html", broken);
    p.write("content/02-b.md", "---\ntitle: 乙\nweight: 9\n---\n正文。\n");
    let out = p.file("public");
    let dirs_before = entries_in(&out);
    let o = p.run(&["build", "--output-dir", out.to_str().unwrap()]);
    let err = o.stderr();
    assert_eq!(o.code(), Some(1), "{err}");
    assert!(err.contains("titel"), "{err}");
    assert!(p.output_unchanged(), "the previous output changed");
    assert_eq!(dirs_before, entries_in(&out));
}

// ---------------------------------------------------------------- output folders that cannot be written

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
        let p = Site::fixture("invalid/_base").with_previous_build();
        let ro = p.file(folder);
        mode(&ro, 0o555);
        let o = p.run_inside(&["build", "--output-dir", "public"]);
        mode(&ro, 0o755);
        let err = o.stderr();
        assert_eq!(o.code(), Some(2), "{err}");
        assert!(err.starts_with(first), "{err}");
        assert!(p.output_unchanged(), "the previous output changed");
    }
}

/// An output folder whose files even root cannot replace (immutable, `chattr +i`): a rebuild
/// that changes the pages fails with exit code 2 naming a file in the folder, and the previous
/// output stays, with no temporary file left. Skipped where chattr is not available or not
/// permitted (it needs CAP_LINUX_IMMUTABLE and ext4/xfs/btrfs).
#[cfg(target_os = "linux")]
#[test]
fn immutable_output_folder_fails_cleanly() {
    use std::process::Command;
    let p = Site::fixture("invalid/_base").with_previous_build();
    let out = p.file("public");
    // A new title changes every page, so the rebuild must write in the immutable folder.
    p.edit("site.toml", "错误用例", "错误用例（改）");
    if !Command::new("chattr").arg("+i").arg(&out).status().is_ok_and(|s| s.success()) {
        eprintln!("chattr +i is not available here; skipping");
        return;
    }
    let o = p.run(&["build", "--output-dir", out.to_str().unwrap()]);
    let _ = Command::new("chattr").arg("-i").arg(&out).status();
    let err = o.stderr();
    assert_eq!(o.code(), Some(2), "{err}");
    assert!(err.starts_with(&format!("error: {}/", out.display())), "{err}");
    assert!(!files_of(&out).iter().any(|(f, _)| f.contains("baipi-tmp")), "a temporary file was left");
    assert!(p.output_unchanged(), "the previous output changed");
    let leftovers = leftovers(p.path());
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
    let s = Site::fixture("invalid/_base");
    let o = s.run(&["build", "--output-dir", "/proc/baipi-test/public"]);
    let err = o.stderr();
    assert_eq!(o.code(), Some(2), "{err}");
    assert!(err.starts_with("error: /proc/baipi-test"), "{err}");
    assert!(!Path::new("/proc/baipi-test").exists());
}

/// A chapter whose page would sit inside a file of the site (`index.html.md` →
/// `index.html/index.html`) is found before anything is written: the previous output stays
/// byte-identical.
#[test]
fn a_page_inside_a_file_fails_before_anything_is_written() {
    let p = Site::fixture("invalid/_base").with_previous_build();
    p.write("content/index.html.md", "---\ntitle: 冲突\nweight: 9\n---\n正文。\n");
    p.fails(1, "content/index.html.md: error: this chapter's page would be /index.html/index.html");
}

/// The temporary files (`.NAME.PID.baipi-tmp`) anywhere under `dir`.
#[cfg(unix)]
fn temp_files(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".baipi-tmp"))
        .map(|e| e.path().display().to_string())
        .collect()
}

/// A site of `n` long chapters whose every page changes at each rebuild (the text says which
/// rebuild it is), with a first build in `public/`.
#[cfg(unix)]
fn site_of_long_chapters(n: usize) -> Site {
    let s = Site::fixture("invalid/_base");
    let para = format!("{}\n\n", "这一段正文用来加长页面，使构建要写很多字节。".repeat(20));
    for i in 0..n {
        s.write(
            &format!("content/c{i:05}.md"),
            format!("---\ntitle: 第{i}章\nweight: {}\n---\n{}", i + 2, para.repeat(10)),
        );
    }
    s.build();
    s
}

/// `SIGTERM` and `SIGINT` in the middle of writing a rebuild — sent once the build's temporary
/// files are seen in the output — remove them and the new files, end with 143 and 130, and leave
/// the previous output byte for byte. If a build ends before it is seen writing, the site is
/// made larger and the attempt repeated, so the test cannot pass without interrupting a write.
#[cfg(unix)]
#[test]
fn an_interrupted_build_leaves_no_temporary_file_and_the_old_output() {
    let mut n = 150;
    for (signal, code) in [(libc::SIGTERM, 143), (libc::SIGINT, 130)] {
        let interrupted = (0..6).any(|round| {
            let s = site_of_long_chapters(n);
            let public = s.file("public");
            let before = files_of(&public);
            for i in 0..n {
                s.append(&format!("content/c{i:05}.md"), &format!("\n第{round}次改动。\n"));
            }
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_baipi"))
                .args(["--root", s.path().to_str().unwrap(), "build", "-q"])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let start = std::time::Instant::now();
            let status = loop {
                if let Some(st) = child.try_wait().unwrap() {
                    break Some(st);
                }
                if !temp_files(&public).is_empty() {
                    // SAFETY: a signal to the child this test started and has not reaped.
                    unsafe { libc::kill(child.id() as libc::pid_t, signal) };
                    break None;
                }
                assert!(start.elapsed() < crate::support::DEADLINE, "the build did not end");
                std::thread::sleep(std::time::Duration::from_millis(1));
            };
            if status.is_some_and(|st| st.success()) {
                n *= 2; // It ended before it was seen writing: try a larger site.
                return false;
            }
            let out = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr).into_owned();
            if out.status.success() {
                n *= 2; // It had just finished when the signal came.
                return false;
            }
            assert_eq!(out.status.code(), Some(code), "{err}");
            assert!(err.contains("the output folder is as it was"), "{err}");
            assert_eq!(temp_files(&public), Vec::<String>::new());
            assert!(files_of(&public) == before, "the previous output changed");
            true
        });
        assert!(interrupted, "no build of up to {n} chapters could be interrupted while writing");
    }
}
