//! `build`: pages from the fixtures, ordering, templates, URLs under a sub-path, assets, the
//! command line (exit codes, `--verbose`, `--quiet`, the default output folder), and
//! reproducible bytes.

use crate::support::{Site, TempDir, baipi, files_of, read, repo};

#[test]
fn front_matter_and_data_in_prose() {
    let s = Site::fixture("basic");
    let out = s.build();
    let first = out.read("first/index.html");
    // slug from front matter; data expressions evaluated; table cell expression.
    assert!(first.contains("共938个，其中社会组织党组织159个"), "{first}");
    assert!(first.contains("<td style=\"text-align: right\">938</td>"), "{first}");
    let second = out.read("02-second/index.html");
    // default slug from the file name; computed share; chapter-local data; summary.
    assert!(second.contains("非公企业党组织779个，占83.05%"), "{second}");
    assert!(second.contains("本章自带数据 42"), "{second}");
    assert!(second.contains("第二篇的摘要"));
    // Chinese heading id, link to another chapter's heading rewritten to its URL.
    assert!(second.contains(r#"<h2 id="一-组织">"#), "{second}");
    // (pulldown-cmark percent-encodes the fragment; browsers decode it.)
    assert!(second.contains(r#"href="/first/#%E4%BA%8C-%E8%AF%B4%E6%98%8E""#), "{second}");
    // cover: key figure from data, prose date.
    let index = out.read("index.html");
    assert!(index.contains("938<small>个</small>"), "{index}");
    assert!(index.contains("导语：截至2021年6月。"));
    assert!(index.contains(r#"<html lang="zh-CN">"#));
}

#[test]
fn chapters_ordered_by_weight_then_path() {
    let s = Site::fixture("basic");
    let out = s.build();
    let index = out.read("index.html");
    let a = index.find("第二篇").unwrap();
    let b = index.find("第一篇").unwrap();
    assert!(a < b, "weight 1 (第二篇) must come before weight 2 (第一篇)");
    let second = out.read("02-second/index.html");
    assert!(second.contains(r#"rel="next" href="/first/""#), "{second}");
    let first = out.read("first/index.html");
    assert!(first.contains(r#"rel="prev" href="/02-second/""#));
}

#[test]
fn site_templates_override_the_theme() {
    let page = Site::fixture("override").build().read("01-a/index.html");
    assert!(page.contains("SITE OVERRIDE"), "{page}");
    // base.html still comes from the theme.
    assert!(page.contains("class=\"masthead\""));
}

#[test]
fn sub_path_urls() {
    let s = Site::fixture("basic");
    let out = s.build_with(&["--base-url", "https://host.example/tianhe-2021/"]);
    let second = out.read("02-second/index.html");
    assert!(second.contains(r#"href="/tianhe-2021/css/site."#), "{second}");
    assert!(second.contains(r#"href="/tianhe-2021/first/#%E4%BA%8C"#));
    assert!(second.contains(r#"<link rel="canonical" href="https://host.example/tianhe-2021/02-second/">"#));
    let index = out.read("index.html");
    assert!(index.contains(r#"href="/tianhe-2021/02-second/""#));
    assert!(!index.contains(r#"href="/02-second/""#));
    let sitemap = out.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://host.example/tianhe-2021/first/</loc>"));
}

#[test]
fn whole_paper_page_keeps_ids_unique() {
    let s = Site::fixture("basic");
    let out = s.build();
    let full = out.read("full/index.html");
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
    assert!(out.read("sitemap.xml").contains("https://example.org/full/"));
}

#[test]
fn assets_are_fingerprinted_and_precompressed() {
    let s = Site::fixture("basic");
    s.append("site.toml", "\n[build]\nprecompress = true\n");
    let out = s.build();
    let index = out.read("index.html");
    let css = index.split("href=\"/css/").nth(1).unwrap().split('"').next().unwrap();
    assert!(css.starts_with("site.") && css.ends_with(".css") && css.len() == "site.12345678.css".len(), "{css}");
    assert!(out.join("css").join(css).exists());
    let gz = out.bytes("index.html.gz");
    assert_eq!(&gz[..2], &[0x1f, 0x8b]);
    assert!(!out.join("favicon.svg.gz").exists(), "small files are not compressed");
}

#[test]
fn images_and_files_are_found_copied_and_linked() {
    let s = Site::fixture("basic");
    s.write("content/img/chart.png", b"\x89PNG");
    s.write("static/files/report.pdf", b"%PDF");
    s.append("content/02-second.md", "\n![图](img/chart.png) [报告](files/report.pdf) [数据](/data/orgs.csv)\n");
    let out = s.build_with(&["--base-url", "/sub/"]);
    let html = out.read("02-second/index.html");
    assert!(html.contains(r#"src="/sub/img/chart.png""#), "{html}");
    assert!(html.contains(r#"href="/sub/files/report.pdf""#), "{html}");
    assert!(html.contains(r#"href="/sub/data/orgs.csv""#), "{html}");
    assert_eq!(out.bytes("img/chart.png"), b"\x89PNG");
    assert!(out.join("files/report.pdf").exists());
}

/// CRLF line endings and a byte-order mark in every kind of file build like plain LF files.
#[test]
fn crlf_and_bom_files_build() {
    let s = Site::fixture("invalid/_base");
    let crlf = |rel: &str, bom: bool| {
        let text = s.read(rel).replace('\n', "\r\n");
        let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        bytes.extend_from_slice(text.as_bytes());
        s.write(rel, bytes);
    };
    s.write(
        "content/02-b.md",
        "---\ntitle: 第二章\nweight: 2\ncharts:\n  - { id: t, type: bar, data: orgs.by_type, title: 类型 }\n---\n## 小节\n\n共{{ data.orgs.total | num }}个，见[甲](01-a.md)。\n\n{{ figure(id=\"t\") }}\n",
    );
    s.write("templates/404.html", std::fs::read(repo().join("themes/default/templates/404.html")).unwrap());
    crlf("content/01-a.md", true);
    crlf("content/02-b.md", false);
    crlf("data/orgs.yaml", true);
    crlf("site.toml", true);
    crlf("templates/404.html", true);
    let out = s.build();
    let a = out.read("01-a/index.html");
    assert!(a.contains("共938个。"), "{a}");
    let b = out.read("02-b/index.html");
    assert!(b.contains("共938个，见<a href=\"/01-a/\">甲</a>。"), "{b}");
    assert!(b.contains(r#"<h2 id="小节">"#) && b.contains("id=\"fig-t\""), "{b}");
    assert!(out.read("index.html").contains("错误用例"));
    assert!(out.read("404.html").contains("页面未找到"));
    for (path, text) in out.texts() {
        assert!(!text.contains('\r') && !text.contains('\u{feff}') || path.ends_with(".csv"), "{path}");
    }
}

// ---------------------------------------------------------------- the command line

#[test]
fn usage_errors_exit_2() {
    let o = baipi().arg("frobnicate").run();
    assert_eq!(o.code(), Some(2));
    let o = baipi().args(["--root", "/nonexistent/baipi", "build"]).run();
    assert_eq!(o.code(), Some(1), "{}", o.stderr());
    assert!(o.stderr().contains("site.toml"));
}

#[test]
fn verbose_lists_stages_and_files_and_quiet_prints_nothing() {
    let s = Site::fixture("basic");
    let out = s.file("public");
    let o = s.run(&["--verbose", "build", "--output-dir", out.to_str().unwrap()]);
    let text = o.stdout();
    assert!(text.contains("2 chapters, 1 dataset, ") && text.contains(" ms → "), "{text}");
    assert!(text.contains("render ") && text.contains("  first/index.html ("), "{text}");
    let o = s.run(&["--quiet", "build", "--output-dir", out.to_str().unwrap()]);
    assert!(o.success() && o.stdout().is_empty() && o.stderr().is_empty());
}

#[test]
fn default_output_dir_is_public_in_the_root() {
    let s = Site::fixture("basic");
    let o = s.run_inside(&["build"]).expect_success();
    assert!(o.stdout().contains("→ public/"));
    assert!(s.file("public/index.html").exists());
}

// ---------------------------------------------------------------- reproducible bytes

#[test]
fn builds_are_byte_identical() {
    let s = Site::fixture("basic");
    let a = TempDir::new("a");
    let b = TempDir::new("b");
    let (out_a, out_b) = (s.build_into(&a.path().join("out")), s.build_into(&b.path().join("out")));
    assert_eq!(out_a.files(), out_b.files());
}

/// The same input on another path, with its files created in the reverse order, gives the same bytes.
#[test]
fn output_does_not_depend_on_path_or_file_order() {
    let a = Site::fixture("basic");
    let elsewhere = TempDir::new("elsewhere-with-a-longer-name");
    let mut files: Vec<(String, Vec<u8>)> = files_of(a.path());
    files.reverse();
    let b = Site::at(elsewhere.path().join("site"));
    for (f, bytes) in &files {
        b.write(f, bytes);
    }
    assert_eq!(a.build().files(), b.build().files());
}

/// Chapters render in parallel; the bytes must not depend on the number of threads.
#[test]
fn output_does_not_depend_on_thread_count() {
    let outs: Vec<Vec<(String, Vec<u8>)>> = ["1", "2", "4"]
        .iter()
        .map(|n| {
            let t = TempDir::new(&format!("threads{n}"));
            let out = t.path().join("public");
            Site::bundled()
                .command()
                .env("RAYON_NUM_THREADS", n)
                .args(["build", "--output-dir", out.to_str().unwrap()])
                .run()
                .expect_success();
            files_of(&out)
        })
        .collect();
    assert!(outs[0] == outs[1] && outs[1] == outs[2], "output differs between thread counts");
}

/// With the default `base_url = "/"` the pages, the sitemap and robots.txt publish no relative
/// URL where an absolute one is required (canonical, og:url, `<loc>`, `Sitemap:`): those are
/// left out, and the build says once what to set. With an absolute `base_url` they are there.
#[test]
fn a_path_base_url_publishes_no_relative_canonical_urls() {
    let s = Site::fixture("basic");
    s.edit("site.toml", "base_url = \"https://example.org/\"", "base_url = \"/\"");
    let out = s.file("public");
    let dir = out.to_str().unwrap();
    let o = s.run(&["build", "--output-dir", dir]).expect_success();
    let err = o.stderr();
    assert_eq!(err.matches("warning: site.toml's `base_url` is \"/\", a path").count(), 1, "{err}");
    assert!(err.contains("set `base_url = \"https://your.domain/\"` in site.toml"), "{err}");
    for page in ["index.html", "first/index.html", "search/index.html", "full/index.html", "404.html"] {
        let html = read(&out.join(page));
        assert!(!html.contains("rel=\"canonical\"") && !html.contains("og:url"), "{page}: {html}");
        assert!(html.contains("og:title"), "{page}");
    }
    assert!(!out.join("sitemap.xml").exists());
    assert_eq!(read(&out.join("robots.txt")), "User-agent: *\nAllow: /\n");
    // The same site with an absolute base URL: everything absolute, no warning.
    let o = s.run(&["build", "--output-dir", dir, "--base-url", "https://example.org/"]).expect_success();
    assert!(!o.stderr().contains("warning"), "{}", o.stderr());
    assert!(
        read(&out.join("first/index.html"))
            .contains(r#"<meta property="og:url" content="https://example.org/first/">"#)
    );
    assert!(read(&out.join("robots.txt")).contains("Sitemap: https://example.org/sitemap.xml"));
    assert!(read(&out.join("sitemap.xml")).contains("<loc>https://example.org/</loc>"));
}

/// `static/` is published as is, hidden files included (`.nojekyll`, `.well-known/`, `_headers`,
/// `_redirects`); only version-control folders, editor files and `.DS_Store` are left out, each
/// named in a warning.
#[test]
fn static_dot_files_are_published() {
    let s = Site::fixture("basic");
    for (f, text) in [
        ("static/.nojekyll", ""),
        ("static/.well-known/security.txt", "Contact: mailto:a@example.org\n"),
        ("static/_headers", "/*\n  X-Frame-Options: DENY\n"),
        ("static/_redirects", "/old /new 301\n"),
        ("static/.git/config", "[core]\n"),
        ("static/.DS_Store", "x"),
        ("static/.notes.md.swp", "x"),
        ("static/.baipi-manifest", "index.html\n"),
    ] {
        s.write(f, text);
    }
    let o = s.run(&["build"]).expect_success();
    let out = s.file("public");
    for kept in [".nojekyll", ".well-known/security.txt", "_headers", "_redirects"] {
        assert!(out.join(kept).is_file(), "{kept} not published");
    }
    assert_eq!(read(&out.join("_redirects")), "/old /new 301\n");
    for left in [".git", ".DS_Store", ".notes.md.swp"] {
        assert!(!out.join(left).exists(), "{left} published");
    }
    assert_ne!(read(&out.join(".baipi-manifest")), "index.html\n");
    let err = o.stderr();
    for w in [
        "static/.DS_Store: warning: not published: a file the system's file browser made",
        "static/.baipi-manifest: warning: not published: baipi's own name in an output folder",
        "static/.git: warning: not published: a version-control folder is never published",
        "static/.notes.md.swp: warning: not published: an editor's temporary or backup file",
    ] {
        assert!(err.contains(w), "stderr lacks {w:?}:\n{err}");
    }
    assert!(!err.contains("static/.git/config"), "{err}");
}

/// Headings never take the page's own ids (`main`, `toc-h` …, kept in step with the default
/// theme's templates here) nor a figure's (`fig-…`): they get a suffix or `h-`, and every id on
/// the page is unique.
#[test]
fn heading_ids_avoid_the_theme_and_figure_ids() {
    let reserved = crate::support::library::reserved_ids();
    for entry in std::fs::read_dir(repo().join("themes/default/templates")).unwrap() {
        let text = read(&entry.unwrap().path());
        for id in text.split(" id=\"").skip(1).filter_map(|t| t.split('"').next()) {
            assert!(id.contains("{{") || reserved.contains(&id), "theme id `{id}` is not in markdown::RESERVED_IDS");
        }
    }
    let s = Site::fixture("invalid/_base");
    s.write(
        "content/01-a.md",
        "---\ntitle: 第一章\nweight: 1\ncharts:\n  - { id: orgs, type: donut, data: orgs.by_type, title: 党组织 }\n---\n\
         ## main\n\n## TOC-H\n\n## fig-orgs\n\n{{ figure(id=\"orgs\") }}\n\n[回到](#main-1) [图](#h-fig-orgs)\n",
    );
    let out = s.build();
    let page = out.read("01-a/index.html");
    for h in [r#"<h2 id="main-1">main</h2>"#, r#"<h2 id="toc-h-1">TOC-H</h2>"#, r#"<h2 id="h-fig-orgs">fig-orgs</h2>"#]
    {
        assert!(page.contains(h), "{h}: {page}");
    }
    for page in [page, out.read("full/index.html")] {
        let mut ids: Vec<&str> = page.split(" id=\"").skip(1).filter_map(|t| t.split('"').next()).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate ids: {page}");
    }
}

/// A baipi built without the `pdf` feature (the default) builds the site, says once that the PDF
/// edition was skipped and how to get it, and neither writes nor links a PDF. (`.ci/run` runs this
/// test without the feature, the rest of the suite with it.)
#[cfg(not(feature = "pdf"))]
#[test]
fn without_the_pdf_feature_the_edition_is_skipped_once() {
    let s = Site::fixture("basic");
    let o = s.run(&["build"]);
    let err = o.stderr();
    assert!(o.success(), "{err}");
    assert_eq!(err.matches("note: the PDF edition was skipped").count(), 1, "{err}");
    assert!(err.contains("cargo install --path . --features pdf"), "{err}");
    let out = s.path().join("public");
    assert!(!out.join("paper.pdf").exists());
    assert!(!read(&out.join("index.html")).contains("下载PDF版"));
    // `--quiet` says nothing.
    assert!(!s.run(&["build", "--quiet"]).stderr().contains("PDF"));
}
