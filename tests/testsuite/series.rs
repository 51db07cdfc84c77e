//! Time series: a series in a YAML dataset, a CSV or a workbook reaches prose, charts over time,
//! `table()`, fact-checking of growth and the open data; a series without values is not drawn.

use crate::support::Site;
use crate::support::workbook::{self, Cell, Sheet, texts};

const MEMBERS: &str = "title: 党员\nunit: 人\nsource: 测试\nseries:\n  members:\n    title: 党员人数\n    periods:\n      - { period: 2018, value: 800 }\n      - { period: 2019, value: 1000, published_growth: 25 }\n      - { period: 2020, value: 1100 }\n      - { period: 2021, value: 1200, published_growth: 9, growth_prefix: 超过 }\n";

const CHAPTER: &str = r#"---
title: 党员
weight: 1
charts:
  - { id: trend, type: line, data: members.series.members, title: 党员人数变化 }
  - { id: bars, type: bar, data: members.series.members, title: 党员人数逐年 }
---
党员人数从{{ data.members.series.members.first.value | num }}人增至{{ data.members.series.members.last.value | num }}人，增长{{ data.members.series.members.growth | pct }}，年均增长{{ data.members.series.members.cagr | pct }}；2019年增速{{ data.members.series.members.at["2019"].growth_text }}，指数{{ data.members.series.members.at["2021"].index }}（2018年=100）。

手写的增速也核对：四年增长50%，年均增长14.5%。

{{ figure(id="trend") }}

{{ figure(id="bars") }}

{{ table(data="members.series.members", index=true) }}
"#;

/// Builds `s`, which must fail with `first` as the start of its message; the message.
fn fails(s: &Site, first: &str) -> String {
    let o = s.run(&["build"]);
    let err = o.stderr();
    assert_eq!(o.code(), Some(1), "{err}");
    assert!(err.starts_with(first), "expected stderr to start with\n{first}\ngot:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn site() -> Site {
    let s = Site::fixtures(&["invalid/_base"]);
    s.write("data/members.yaml", MEMBERS);
    s.write("content/01-a.md", CHAPTER);
    s
}

#[test]
fn a_series_reaches_prose_charts_tables_and_open_data() {
    let s = site();
    let o = s.run(&["check", "--strict"]);
    assert!(o.success(), "{}", o.stderr());
    let out = s.build();
    let page = out.read("01-a/index.html");
    assert!(
        page.contains("党员人数从800人增至1,200人，增长50%，年均增长14.47%；2019年增速25%，指数150（2018年=100）。"),
        "{page}"
    );
    // Both figures speak of change over time, never of shares of a sum of years.
    let summary = "共4个时点，2018年为800人，2021年为1,200人，增长50%，年均增长14.47%。";
    for title in ["党员人数变化", "党员人数逐年"] {
        assert!(page.contains(&format!("chart-summary\">{title}：{summary}")), "{page}");
    }
    assert!(!page.contains("最多") && !page.contains("最少"), "{page}");
    assert!(page.contains("<th scope=\"col\">时期</th>"), "{page}");
    assert!(page.contains("较上期增长（本站计算）"), "{page}");
    assert!(
        page.contains("<th scope=\"row\">2020年</th><td class=\"num\">1,100</td><td class=\"num\">10%</td>"),
        "{page}"
    );
    // table(): the value, computed and published growth, the index.
    assert!(page.contains("<caption>党员·党员人数（单位：人）</caption>"), "{page}");
    assert!(page.contains("<td class=\"num\">1,200</td><td class=\"num\">9.09%</td><td class=\"num\">超过9%</td><td class=\"num\">150</td>"), "{page}");
    assert!(out.read("figures/trend.svg").contains("<svg"));
    let fig_csv = out.read("figures/bars.csv");
    assert!(fig_csv.starts_with("\u{feff}figure,period,label,value,unit,growth_percent,derived\r\n"), "{fig_csv}");
    assert!(fig_csv.contains("图2,2019,2019年,1000,人,25,false"), "{fig_csv}");
    // Open data: one row per period with its own columns.
    let csv = out.read("data/members.csv");
    let header: Vec<&str> = csv.lines().next().unwrap().trim_start_matches('\u{feff}').split(',').collect();
    let row = csv.lines().find(|l| l.starts_with("members,members,2021,")).unwrap_or_else(|| panic!("{csv}"));
    let cells: Vec<&str> = row.split(',').collect();
    let cell = |n: &str| cells[header.iter().position(|h| *h == n).unwrap_or_else(|| panic!("no column {n}"))];
    let got = [
        cell("period"),
        cell("value"),
        cell("growth_percent"),
        cell("published_growth"),
        cell("growth_prefix"),
        cell("index"),
    ];
    assert_eq!(got, ["2021", "1200", "9.09", "9", "超过", "150.00"]);
    let json: serde_json::Value = serde_json::from_str(&out.read("data/members.json")).unwrap();
    let m = &json["series"]["members"];
    assert_eq!((m["cagr"].as_f64(), m["growth"].as_i64(), m["change"].as_i64()), (Some(14.47), Some(50), Some(400)));
    assert_eq!(m["at"]["2021"]["growth_prefix"], "超过");
}

#[test]
fn growth_typed_in_prose_is_checked_as_growth() {
    let s = site();
    s.edit("content/01-a.md", "四年增长50%", "四年增长40%");
    let o = s.run(&["check"]);
    let err = o.stderr();
    assert!(
        err.contains("content/01-a.md:10:14: warning: growth \"40%\" matches no growth in the data; did you mean data.members.series.members.growth = 50%?"),
        "{err}"
    );
    assert_eq!(err.matches("warning: ").count(), 1, "年均增长14.5% rounds 14.47%: {err}");
}

#[test]
fn a_published_growth_that_the_values_contradict_fails_the_build() {
    let s = site();
    s.edit(
        "data/members.yaml",
        "published_growth: 9, growth_prefix: 超过",
        "published_growth: 10, growth_prefix: 超过",
    );
    let err = fails(
        &s,
        "data/members.yaml:11:56: error: series `members`: published_growth of period `2021` is 超过10%, but 1200 over the previous 1100 is a growth of 9.09%, not more than 10%",
    );
    assert!(err.contains("help: correct the value or the published growth"), "{err}");
}

#[test]
fn a_series_without_values_is_stated_but_never_drawn() {
    let s = Site::fixtures(&["invalid/_base"]);
    s.write(
        "data/members.yaml",
        "title: 党员\nunit: 人\nseries:\n  by_year:\n    title: 逐年\n    periods:\n      - { period: 2018, published_growth: 20, growth_prefix: 超过 }\n",
    );
    s.write(
        "content/01-a.md",
        "---\ntitle: 党员\n---\n2018年增速{{ data.members.series.by_year.at[\"2018\"].growth_text }}，逐年人数报道未列出。\n\n{{ table(data=\"members.series.by_year\") }}\n",
    );
    let out = s.build();
    let page = out.read("01-a/index.html");
    assert!(page.contains("2018年增速超过20%，逐年人数报道未列出。"), "{page}");
    assert!(page.contains("<td class=\"num\">—</td><td class=\"num\">超过20%</td><td>数值报道未列出</td>"), "{page}");
    // Nothing is computed from values that are not there.
    let json: serde_json::Value = serde_json::from_str(&out.read("data/members.json")).unwrap();
    for k in ["first", "last", "change", "growth", "cagr", "base"] {
        assert!(json["series"]["by_year"][k].is_null(), "{k}");
    }
    // And a chart of it is refused.
    s.edit(
        "content/01-a.md",
        "title: 党员\n",
        "title: 党员\ncharts:\n  - { id: y, type: line, data: members.series.by_year, title: 逐年 }\n",
    );
    fails(&s, "content/01-a.md:4:32: error: chart `y`: series `by_year` cannot be drawn: it gives no value for 2018");
}

#[test]
fn a_csv_with_a_period_column_is_a_series() {
    let s = Site::fixtures(&["invalid/_base"]);
    s.write("data/members.csv", "党员人数\n年份,数值,公布增速,增速前缀\n2018,800,,\n2019,1000,20,超过\n2021,1210,,\n");
    s.write("data/members.meta.yaml", "title: 党员\nunit: 人\nseries:\n  members: {}\n");
    s.write(
        "content/01-a.md",
        "---\ntitle: 党员\n---\n{{ data.members.series.members.title }}：年均增长{{ data.members.series.members.cagr | pct }}，2019年增速{{ data.members.series.members.at[\"2019\"].growth_text }}。\n",
    );
    let out = s.build();
    let page = out.read("01-a/index.html");
    // 800 → 1,210 over three years: 14.79% a year.
    assert!(page.contains("党员人数：年均增长14.79%，2019年增速超过20%。"), "{page}");
    // A wrong growth is reported at its cell.
    s.edit("data/members.csv", "2019,1000,20,超过", "2019,1000,30,超过");
    fails(&s, "data/members.csv:4:11: error: series `members`: published_growth of period `2019` is 超过30%");
}

#[test]
fn a_workbook_sheet_with_a_period_column_is_a_series() {
    use Cell::*;
    let quarters = Sheet {
        name: "季度",
        rows: vec![
            texts(&["期间", "数值"]),
            vec![Text("2021Q1"), Num(100.0)],
            vec![Text("2021Q1"), Num(110.0)],
            vec![Text("2021Q2"), Num(121.0)],
        ],
        merged: vec![],
    };
    let s = Site::fixtures(&["invalid/_base"]);
    s.write("data/q.xlsx", workbook::xlsx(&[quarters]));
    s.write("data/q.meta.yaml", "title: 季度\nunit: 个\nseries:\n  by_quarter: { title: 逐季, sheet: 季度 }\n");
    let err = fails(&s, "data/q.xlsx:季度!A3: error: series `by_quarter`: period `2021Q1` is listed twice");
    assert!(err.contains("help:"), "{err}");
    s.write(
        "data/q.xlsx",
        workbook::xlsx(&[Sheet {
            name: "季度",
            rows: vec![
                texts(&["期间", "数值"]),
                vec![Text("2021Q1"), Num(100.0)],
                vec![Text("2021Q3"), Num(110.0)],
                vec![Text("2022Q1"), Num(121.0)],
            ],
            merged: vec![],
        }]),
    );
    s.write("content/01-a.md", "---\ntitle: 季度\n---\n{{ data.q.series.by_quarter.last.label }}较{{ data.q.series.by_quarter.first.label }}增长{{ data.q.series.by_quarter.growth | pct }}，年均增长{{ data.q.series.by_quarter.cagr | pct }}。\n");
    let page = s.build().read("01-a/index.html");
    assert!(page.contains("2022年第一季度较2021年第一季度增长21%，年均增长21%。"), "{page}");
}

/// The published `/data/NAME.csv` of a series, put back in `data/` with metadata that names the
/// series, reads back as the same series.
#[test]
fn the_open_data_of_a_series_reads_back() {
    let first = site().build().read("data/members.csv");
    let s = Site::fixtures(&["invalid/_base"]);
    s.write("data/members.csv", &first);
    s.write("data/members.meta.yaml", "title: 党员\nunit: 人\nsource: 测试\nseries:\n  members: { title: 党员人数 }\n");
    let out = s.build();
    assert_eq!(out.read("data/members.csv"), first);
    let json: serde_json::Value = serde_json::from_str(&out.read("data/members.json")).unwrap();
    assert_eq!(json["series"]["members"]["cagr"].as_f64(), Some(14.47));
    assert_eq!(json["series"]["members"]["at"]["2021"]["growth_text"], "超过9%");
}
