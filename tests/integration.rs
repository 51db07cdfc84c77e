//! Integration tests: build small fixture sites with the real binary and read the output.
//!
//! One fixture per feature under `tests/fixtures/<feature>/`; invalid-input
//! cases under `tests/fixtures/invalid/<case>/` are overlaid on
//! `invalid/_base` and carry an `expected.txt` (exit code, then the first
//! line of stderr, exactly).

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

/// Copies fixture(s) into a temp site, adding the repository's default theme if missing.
fn site(fixtures: &[&str]) -> TempDir {
    let t = TempDir::new(fixtures.last().unwrap().rsplit('/').next().unwrap());
    for f in fixtures {
        copy_dir(&repo().join("tests/fixtures").join(f), t.path());
    }
    let theme = t.path().join("themes/default");
    if !theme.exists() {
        copy_dir(&repo().join("themes/default"), &theme);
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
    assert!(cases.len() >= 8, "{cases:?}");
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
        let o = baipi(s.path(), &["build", "--output-dir", out.to_str().unwrap()]);
        let err = stderr(&o);
        if o.status.code() != Some(code) || err.lines().next() != Some(first) {
            failures.push(format!(
                "{case}: exit {:?}, stderr:\n{err}\nexpected exit {code} and first line:\n{first}",
                o.status.code()
            ));
        }
        if read(&out.join("index.html")) != "previous" {
            failures.push(format!("{case}: previous output was changed"));
        }
        assert!(!err.contains("panicked"), "{case} panicked: {err}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
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
