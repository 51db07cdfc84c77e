//! The truth of the numbers: a corrected count changes every figure that depends on it, totals
//! that no longer add up fail, numbers typed in prose are checked against the data, and the open
//! data (CSV, JSON) carries the same values.

use crate::support::{Site, TempDir, baipi};

#[test]
fn corrected_count_changes_every_dependent_figure() {
    let t = Site::paper();
    t.edit("data/orgs.yaml", "value: 779, published_share: 83.05", "value: 780, published_share: 83.16");
    t.edit("data/orgs.yaml", "value: 159, published_share: 16.95", "value: 158, published_share: 16.84");
    let out = t.build();
    for (path, text) in &out.texts() {
        for stale in ["83.05", "16.95", "779个", ">779<", "159个"] {
            assert!(!text.contains(stale), "{path} still shows {stale}");
        }
    }
    let overview = out.read("overview/index.html");
    assert!(overview.contains("非公企业党组织780个，占83.16%"), "{overview}");
    assert!(overview.contains("社会组织党组织158个，占16.84%"));
    assert!(out.read("data/orgs.csv").contains("nonpublic,非公企业党组织,,780,,个,83.16"));
    assert!(out.read("data/orgs.json").contains("83.16"));
}

#[test]
fn totals_that_no_longer_add_up_fail_build_and_check() {
    let t = Site::paper();
    t.edit("data/orgs.yaml", "total: 938", "total: 940");
    for cmd in ["build", "check"] {
        let o = t.run(&[cmd]);
        assert_eq!(o.code(), Some(1), "{cmd}");
        let e = o.stderr();
        assert!(
            e.contains("data/orgs.yaml:7:8: error: breakdown `by_type` is marked complete, but its parts add up to 938, not the total 940 (missing 2)"),
            "{e}"
        );
    }
    assert!(!t.file("public").exists());
}

#[test]
fn fact_check_reports_a_wrong_typed_percentage() {
    let t = Site::paper();
    let ch = "content/01-overview.md";
    t.edit(ch, "占{{ data.orgs.by_type.nonpublic.share | pct }}", "占83.50%");
    let o = t.run(&["check"]);
    assert_eq!(o.code(), Some(0), "warnings alone exit 0");
    let e = o.stderr();
    assert!(
        e.contains("content/01-overview.md:16:")
            && e.contains(
                r#"warning: "83.50%" matches no data; did you mean data.orgs.by_type.nonpublic.share = 83.05%?"#
            ),
        "{e}"
    );
    // The hint shows the number in question, not a placeholder.
    assert!(e.contains("or mark intentional free text as 83.50%{# free #}"), "{e}");
    let o = t.run(&["check", "--strict"]);
    assert_eq!(o.code(), Some(1));
    // `build` counts what `check` lists (without building the messages): add an unmatched
    // number and a free one.
    t.edit(ch, "占83.50%", "占83.50%，另有17个、5{# free #}个");
    let listed = t.run(&["check"]).stderr().matches("matches no data").count();
    assert_eq!(listed, 2);
    let o = t.run(&["build"]);
    assert!(o.success());
    assert!(o.stderr().contains("warning: 2 numbers typed in prose match no data"), "{}", o.stderr());
    // One unmatched number: singular.
    t.edit(ch, "占83.50%，另有17个、5{# free #}个", "占83.50%{# free #}，另有17个");
    let o = t.run(&["build"]);
    assert!(o.stderr().contains("warning: 1 number typed in prose matches no data"), "{}", o.stderr());
    t.edit(ch, "占83.50%{# free #}，另有17个", "占83.50%");
    // Marked as free text, it passes.
    t.edit(ch, "占83.50%", "占83.50%{# free #}");
    let o = t.run(&["check", "--strict"]);
    assert_eq!(o.code(), Some(0), "{}", o.stderr());
}

#[test]
fn open_data_csv_and_json() {
    let s = Site::fixture("basic");
    let out = s.build();
    let csv = out.bytes("data/orgs.csv");
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "CSV starts with a BOM");
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("orgs,by_type,nonpublic,非公企业党组织,,779,,个,83.05,83.05,83.05,false,2021-06,"), "{csv}");
    let json: serde_json::Value = serde_json::from_str(&out.read("data/orgs.json")).unwrap();
    assert_eq!(json["by_type"]["social"]["share"], serde_json::json!(16.95));
}

/// A breakdown the source gives no date for (`as_of: undated`) does not take its dataset's
/// date: its chart says 未注明 and its open data says `undated`; a group the publication
/// prints (`published_value`) is not marked as the site's own figure. Chart numbers are
/// written as prose writes them.
#[test]
fn undated_breakdowns_and_published_groups() {
    let s = crate::support::Site::paper();
    s.edit(
        "data/members.meta.yaml",
        "  by_type:\n    title: 按单位类型划分\n",
        "  by_type:\n    title: 按单位类型划分\n    as_of: 2021-06\n",
    );
    let out = s.build();
    let portrait = out.read("portrait/index.html");
    let meta = |id: &str| {
        let at = portrait.find(&format!("id=\"fig-{id}\"")).unwrap_or_else(|| panic!("no figure {id}"));
        let rest = &portrait[at..];
        let m = rest.find("chart-meta").unwrap();
        rest[m..m + 200.min(rest.len() - m)].to_string()
    };
    assert!(meta("members-by-age").contains("数据时点：未注明"), "{}", meta("members-by-age"));
    assert!(meta("members-by-type").contains("数据时点：2021年6月"), "{}", meta("members-by-type"));
    assert!(portrait.contains("31～40岁最多，为6,280人"));
    let csv = out.read("data/members.csv");
    let row = |key: &str| csv.lines().find(|l| l.split(',').nth(2) == Some(key)).unwrap_or_default().to_string();
    assert!(row("a31_40").contains(",undated,"), "{}", row("a31_40"));
    assert!(row("nonpublic").contains(",2021-06,"), "{}", row("nonpublic"));
    assert!(row("bachelor_plus").contains(",false,undated,"), "{}", row("bachelor_plus"));
    assert!(row("below_bachelor").contains(",true,undated,"), "{}", row("below_bachelor"));
}

/// The open data keeps a figure's qualifiers in columns of their own: nobody reads `20` where
/// the paper says 超过20%.
#[test]
fn open_data_keeps_qualifiers() {
    let t = crate::support::TempDir::new("quals");
    let paper = Site::bundled();
    let out = paper.build_into(&t.path().join("public"));
    let csv = out.read("data/members.csv");
    // 超过20%: a published growth of the series by_year, period 2018, which has no value.
    let row = csv.lines().find(|l| l.starts_with("members,by_year,2018,")).unwrap_or_else(|| panic!("{csv}"));
    let cells: Vec<&str> = row.split(',').collect();
    let header: Vec<&str> = csv.lines().next().unwrap().trim_start_matches('\u{feff}').split(',').collect();
    let cell = |name: &str| cells[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(
        (cell("period"), cell("value"), cell("published_growth"), cell("growth_prefix")),
        ("2018", "", "20", "超过")
    );
    let work = out.read("data/work.csv");
    assert!(work.lines().any(|l| l.contains(",多,") || l.contains(",超过,")), "{work}");
}

/// `[numbers]` in site.toml sets one format for every number the site prints: prose, the
/// figures' labels, axes, summaries and data tables, tables from data; open data stays plain.
#[test]
fn one_number_format_everywhere() {
    let t = Site::paper();
    t.edit("site.toml", "[build]", "[numbers]\ngrouping = \"thin-space\"\ngroup_min_digits = 5\n\n[build]");
    let out = t.build();
    let nb = '\u{202F}';
    let overview = out.read("overview/index.html");
    assert!(overview.contains(&format!("12{nb}873")), "prose: {overview}");
    let portrait = out.read("portrait/index.html");
    // A table from data (`table()`) and a figure's data table and summary.
    assert!(portrait.contains(&format!("<td class=\"num\">11{nb}591</td>")), "{portrait}");
    assert!(portrait.contains(">6280</td>") && portrait.contains("为6280人"), "four digits stay ungrouped");
    let age = out.read("figures/members-by-age.svg");
    assert!(age.contains(">6280</text>") && age.contains(">8000</text>"), "labels and axis: {age}");
    assert!(!age.contains("6,280") && !age.contains("8,000"), "{age}");
    let types = out.read("figures/members-by-type.svg");
    assert!(types.contains(&format!("非公企业 11{nb}591人 90.04%")), "legend: {types}");
    for (path, text) in &out.texts() {
        if path.ends_with(".html") {
            assert!(!text.contains("12,873") && !text.contains("11,591"), "{path} keeps the default format");
        }
    }
    assert!(out.read("data/members.csv").contains(",11591,"), "open data is not grouped");
}

/// A line chart prints its point labels and value axis in the site's format too (charts-rs
/// writes `12873` and an axis running from the top down, `20,000` … `0`).
#[test]
fn line_charts_follow_the_number_format() {
    let t = TempDir::new("line-format");
    let dir = t.path().join("site");
    baipi().arg("init").arg(&dir).run().expect_success();
    let s = Site::at(&dir);
    for (from, to) in
        [("value: 80 }", "value: 12873 }"), ("value: 88 }", "value: 13500 }"), ("value: 95 }", "value: 14210 }")]
    {
        s.edit("data/example.yaml", from, to);
    }
    s.edit("data/example.yaml", "value: 100 }", "value: 15002 }");
    let texts = |svg: &str| -> Vec<String> {
        svg.split("</text>").filter_map(|t| t.rsplit('>').next()).map(str::to_string).collect()
    };
    let svg = s.build().read("figures/example-by-year.svg");
    let got = texts(&svg);
    for want in ["12,873", "13,500", "14,210", "15,002", "20,000", "15,000", "10,000", "5,000", "0"] {
        assert!(got.iter().any(|t| t == want), "default format, `{want}` missing: {got:?}");
    }
    assert!(!got.iter().any(|t| t == "12873"), "{got:?}");
    s.edit("site.toml", "[publication]", "[numbers]\ngrouping = \"thin-space\"\ngroup_min_digits = 5\n\n[publication]");
    let svg = s.build().read("figures/example-by-year.svg");
    let got = texts(&svg);
    let nb = '\u{202F}';
    for want in [format!("12{nb}873"), format!("15{nb}002"), format!("20{nb}000"), format!("10{nb}000"), "5000".into()]
    {
        assert!(got.contains(&want), "thin-space format, `{want}` missing: {got:?}");
    }
    assert!(!svg.contains("12,873") && !svg.contains("20,000") && !svg.contains("5,000"), "{got:?}");
}

/// A chapter's own figures (`data:` in its front matter) keep the digits typed, whichever
/// way the front matter is read (the fast path or, with a comment, the YAML parser).
#[test]
fn front_matter_numbers_keep_their_digits() {
    for comment in ["", " # 报道数"] {
        let t = Site::fixture("basic");
        let front = format!(
            "---\ntitle: 精度\nweight: 9\ndata:\n  big: 9007199254740993.0{comment}\n  share: 63.0\n  plain: 29.9\n---\n\n\
             {{{{ page.data.big | num }}}}；{{{{ page.data.share | pct }}}}；{{{{ page.data.plain | pct }}}}；{{{{ page.data.share }}}}\n"
        );
        t.write("content/09-precision.md", &front);
        let out = t.build();
        let page = out.read("09-precision/index.html");
        assert!(page.contains("9,007,199,254,740,993.0；63.0%；29.9%；63.0"), "{comment:?}: {page}");
    }
}
