//! Charts: SVG snapshots of the bundled paper (`tests/snapshots/`), figures numbered,
//! accessible and downloadable, labels escaped, links to figures.

use crate::support::{Site, TempDir, read, repo};

/// Representative charts of the bundled paper, pinned byte for byte.
/// Set BAIPI_UPDATE_SNAPSHOTS=1 to rewrite them after an intended change.
#[test]
fn chart_svg_snapshots() {
    let t = TempDir::new("snap");
    let paper = Site::bundled();
    let out = paper.build_into(&t.path().join("public"));
    let update = std::env::var_os("BAIPI_UPDATE_SNAPSHOTS").is_some();
    for id in ["members-by-age", "orgs-by-formation", "members-by-education", "survey-sanhui-yike", "survey-members"] {
        let got = out.read(&format!("figures/{id}.svg"));
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
    let paper = Site::bundled();
    let out = paper.build_into(&t.path().join("public"));
    let portrait = out.read("portrait/index.html");
    // Numbered across the paper: the achievements chapter (before) has 8 figures.
    assert!(portrait.contains(r#"<figure class="chart" id="fig-orgs-by-type" data-chart="donut"><figcaption><span class="fig-no">图9</span>"#), "{portrait}");
    assert!(portrait.contains(r#"<svg role="img" aria-labelledby="fig-members-by-age-title fig-members-by-age-desc""#));
    assert!(portrait.contains(r#"<title id="fig-members-by-age-title">天河区两新组织党员年龄分布</title>"#));
    assert!(portrait.contains("31～40岁最多，为6,280人，占48.78%"));
    assert!(portrait.contains(r#"<details class="chart-data"><summary>图12数据表</summary>"#));
    assert!(portrait.contains(r#"href="/figures/members-by-age.csv""#));
    // Exact value labels, not charts-rs's one-decimal rounding.
    let svg = out.read("figures/survey-members.svg");
    assert!(svg.contains(">94.75%</text>") && !svg.contains(">94.8%<"), "{svg}");
    // Round axis ticks, no 1k-style labels.
    let age = out.read("figures/members-by-age.svg");
    assert!(age.contains(">8,000</text>") && !age.contains("k</text>"), "{age}");
    let csv = out.read("figures/members-by-education.csv");
    assert!(csv.contains("图13,below_bachelor,本科以下（推算）,2504,人,19.45,true"), "{csv}");
    // The not-published charts are said to be not published, never drawn.
    let ach = out.read("achievements/index.html");
    assert!(ach.contains("未公布图表所依据的逐年具体数值"));
}

#[test]
fn chart_labels_are_escaped() {
    let s = Site::fixture("basic");
    s.edit("data/orgs.yaml", "label: 非公企业党组织", r#"label: "<script>alert(1)</script>""#);
    s.write(
        "content/03-chart.md",
        "---\ntitle: 图\nweight: 3\ncharts:\n  - { id: c1, type: hbar, data: orgs.by_type, title: \"<img src=x onerror=alert(1)>\" }\n---\n{{ figure(id=\"c1\") }}\n",
    );
    let out = s.build();
    let page = out.read("03-chart/index.html");
    assert!(!page.contains("<script>alert") && !page.contains("<img src=x"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let svg = out.read("figures/c1.svg");
    assert!(!svg.contains("<script>") && !svg.contains("<img"), "{svg}");
}

/// A link may point at any element with an id in the target chapter, not only at a heading:
/// a figure (`#fig-…`) or an id written in raw HTML. (The check sees them even though large
/// sites no longer keep each chapter's HTML after its page is written.)
#[test]
fn anchors_to_figures_and_html_ids_resolve() {
    let s = Site::fixture("invalid/_base");
    s.write("content/02-b.md", "---\ntitle: 乙\nweight: 2\n---\n## 一节\n\n<span id=\"mark-1\">标记</span>\n");
    s.write("content/03-c.md", "---\ntitle: 丙\nweight: 3\n---\n见[一节](02-b.md#一节)和[标记](02-b.md#mark-1)。\n");
    let out = s.build();
    assert!(out.read("03-c/index.html").contains("/02-b/#mark-1"));
    s.write("content/03-c.md", "---\ntitle: 丙\nweight: 3\n---\n见[标记](02-b.md#mark-2)。\n");
    let e = s.run(&["build"]).stderr();
    assert!(e.contains("content/03-c.md:5:2: error: link to `02-b.md#mark-2`"), "{e}");
}

/// `stacked` is a 100% bar, as the README says, also for counts: its axis runs to 100% and the
/// legend keeps each part's number.
#[test]
fn stacked_counts_are_a_hundred_percent_bar() {
    let s = crate::support::Site::fixture("basic");
    s.write(
        "content/03-stacked.md",
        "---\ntitle: 堆积\nweight: 3\ncharts:\n  - { id: st, type: stacked, data: orgs.by_type, title: 构成 }\n---\n正文。\n",
    );
    let out = s.build();
    let svg = out.read("figures/st.svg");
    assert!(svg.contains(">100%</text>") && svg.contains(">50%</text>"), "{svg}");
    assert!(!svg.contains(">938</text>") && svg.contains("非公企业党组织 779个"), "{svg}");
}

/// A long label in a legend is wrapped inside the chart: its number and share stay in view
/// (on more lines), and the SVG grows to hold them.
#[test]
fn long_legend_labels_wrap_inside_the_chart() {
    let s = crate::support::Site::fixture("basic");
    let long = "非公有制经济组织和社会组织中已经建立党组织的单位及其联合组建形式";
    s.edit("data/orgs.yaml", "label: 非公企业党组织", &format!("label: {long}"));
    s.write(
        "content/03-donut.md",
        "---\ntitle: 环形\nweight: 3\ncharts:\n  - { id: dn, type: donut, data: orgs.by_type, title: 构成 }\n---\n正文。\n",
    );
    let out = s.build();
    let svg = out.read("figures/dn.svg");
    let texts: Vec<&str> =
        svg.split("<text").skip(1).filter_map(|t| t.split('>').nth(1)?.split("</text").next()).collect();
    let pieces: Vec<&&str> = texts.iter().filter(|t| long.contains(t.trim()) || t.contains("779个")).collect();
    assert!(pieces.len() >= 2, "the long label is on one line: {texts:?}");
    assert!(texts.iter().any(|t| t.contains("779个")) && texts.iter().any(|t| t.contains("83.05%")), "{texts:?}");
    assert!(!texts.iter().any(|t| t.ends_with("83.") || t.starts_with("05%")), "a number was split: {texts:?}");
}
