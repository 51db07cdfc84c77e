//! `{{ table(data="members.by_age") }}`: a breakdown as an accessible HTML table, generated
//! from the data instead of typed cell by cell.
//!
//! Takes the breakdown's statistics as templates see them (`data.<dataset>.<breakdown>`);
//! produces one line of HTML: a caption (the dataset's and the breakdown's titles, the unit), column headers with
//! `scope`, one row per part (numbers as prose writes them, the share, the site's remainder
//! marked 本站推算), a totals row, and with `groups=true` the breakdown's groups (`其中：…`).
//! The share column says where its numbers come from: 报道所列 when every share shown is one
//! the publication prints (`published_share`), 本站计算 when none is, and per row otherwise.
//! Options: `caption=`, `label=` (the first column's header, default 类别), `share=false`,
//! `total=false`, `groups=true`.
//!
//! `{{ table(data="members.series.yearly") }}` renders a series over time: one row per period
//! (时期, the value with its qualifiers, the growth over the previous period computed by the
//! site, the growth the publication printed with its qualifiers, and with `index=true` the index
//! on the base period). A period without a value shows — and says 报道未列出. Options:
//! `caption=`, `label=` (default 时期), `growth=false`, `index=true`.

use tera::{Kwargs, State, TeraResult, Value};

use super::{NumberFormat, dec_of};
use crate::util::escape::html;

/// How a generated table starts: what the PDF edition's document tree finds it by
/// (`markdown::datatable`).
pub const MARK: &str = "<table class=\"data-table\">";

/// The `table()` function's work; `state` gives the `data` tree.
pub fn table(kwargs: Kwargs, state: &State, fmt: &NumberFormat) -> TeraResult<Value> {
    let path: String = kwargs.must_get::<String>("data")?;
    let data: Value = state.get::<Value>("data")?.unwrap_or(Value::undefined());
    if let Some(series) =
        data.get_from_path(&path).filter(|v| v.get_from_path("periods").is_some_and(|p| p.as_array().is_some()))
    {
        return series_table(&kwargs, &data, &path, series, fmt);
    }
    let bd = data.get_from_path(&path).filter(|v| v.is_map()).ok_or_else(|| {
        tera::Error::message(format!("table: `data.{path}` is not a breakdown (write `data=\"dataset.breakdown\"`)"))
    })?;
    let parts = bd
        .get_from_path("parts")
        .and_then(Value::as_array)
        .ok_or_else(|| tera::Error::message(format!("table: `data.{path}` is not a breakdown: it has no parts")))?;
    let groups: Vec<&Value> = match kwargs.get::<bool>("groups")?.unwrap_or(false) {
        true => bd.get_from_path("groups").and_then(Value::as_array).map(|g| g.iter().collect()).unwrap_or_default(),
        false => Vec::new(),
    };
    let opts = options(&kwargs, &data, &path, bd, parts, !groups.is_empty(), fmt)?;
    let mut s = format!("\n\n<div class=\"table-scroll\">{MARK}");
    s.push_str(&head(&opts));
    s.push_str("<tbody>");
    for p in parts {
        s.push_str(&row(p, &opts));
    }
    s.push_str("</tbody>");
    if opts.total
        && let Some(total) = bd.get_from_path("total").and_then(dec_of)
    {
        s.push_str(&foot(total, &groups, &opts));
    }
    s.push_str("</table></div>\n\n");
    Ok(Value::safe_string(&s))
}

/// A series as a table: one row per period.
fn series_table(kwargs: &Kwargs, data: &Value, path: &str, series: &Value, fmt: &NumberFormat) -> TeraResult<Value> {
    let periods: &[Value] = series.get_from_path("periods").and_then(Value::as_array).unwrap_or(&[]);
    let dataset = path.rsplit_once(".series.").map_or("", |(d, _)| d);
    let caption = caption(kwargs, data, dataset, series)?;
    let label = kwargs.get::<String>("label")?.unwrap_or_else(|| "时期".into());
    let num = |p: &Value, k: &str| p.get_from_path(k).and_then(dec_of);
    let growth = kwargs.get::<bool>("growth")?.unwrap_or(true) && periods.iter().any(|p| num(p, "growth").is_some());
    let published = periods.iter().any(|p| num(p, "published_growth").is_some());
    let index = kwargs.get::<bool>("index")?.unwrap_or(false);
    let missing = periods.iter().any(|p| num(p, "value").is_none());
    let notes = missing || periods.iter().any(|p| !text(p, "note").is_empty());
    let unit = text(series, "unit");
    let mut s =
        format!("\n\n<div class=\"table-scroll\">{MARK}<caption>{}（单位：{}）</caption>", html(&caption), html(&unit));
    s.push_str(&format!(
        "<thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">数值（{}）</th>",
        html(&label),
        html(&unit)
    ));
    let mut head = |on: bool, h: String| {
        if on {
            s.push_str(&format!("<th scope=\"col\"{}>{h}</th>", if h == "说明" { "" } else { " class=\"num\"" }));
        }
    };
    head(growth, "较上期增长（本站计算）".into());
    head(published, "增速（报道所列）".into());
    let base = text(series, "base");
    head(index, format!("指数（{}=100）", html(&base)));
    head(notes, "说明".into());
    s.push_str("</tr></thead><tbody>");
    for p in periods {
        let cell = |v: String| format!("<td class=\"num\">{}</td>", html(&v));
        let value = match num(p, "value") {
            Some(v) => format!("{}{}{}", text(p, "prefix"), fmt.num(v), text(p, "suffix")),
            None => "—".into(),
        };
        s.push_str(&format!("<tr><th scope=\"row\">{}</th>{}", html(&text(p, "label")), cell(value)));
        let pct = |k: &str| num(p, k).map_or("—".to_string(), |d| fmt.pct(d));
        if growth {
            s.push_str(&cell(pct("growth")));
        }
        if published {
            let g = num(p, "published_growth").map_or("—".to_string(), |_| text(p, "growth_text"));
            s.push_str(&cell(g));
        }
        if index {
            s.push_str(&cell(num(p, "index").map_or("—".into(), |d| fmt.num(d))));
        }
        if notes {
            let absent = if num(p, "value").is_none() { "数值报道未列出" } else { "" };
            let note = text(p, "note");
            let said = [absent, note.as_str()].iter().filter(|t| !t.is_empty()).copied().collect::<Vec<_>>().join("。");
            s.push_str(&format!("<td>{}</td>", html(&said)));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div>\n\n");
    Ok(Value::safe_string(&s))
}

/// `caption=`, or `两新组织党员数量与结构·按年龄划分`: the dataset's title, then the table's own.
fn caption(kwargs: &Kwargs, data: &Value, dataset: &str, own: &Value) -> TeraResult<String> {
    if let Some(c) = kwargs.get::<String>("caption")? {
        return Ok(c);
    }
    let ds_title = data.get_from_path(dataset).map(|d| text(d, "title")).unwrap_or_default();
    Ok([ds_title, text(own, "title")].into_iter().filter(|t| !t.is_empty()).collect::<Vec<_>>().join("·"))
}

fn text(v: &Value, k: &str) -> String {
    v.get_from_path(k).and_then(Value::as_str).unwrap_or("").to_string()
}

fn flag(v: &Value, k: &str) -> bool {
    v.get_from_path(k).and_then(Value::as_bool).unwrap_or(false)
}

/// The options given, and what the data decides: the unit, where the shares come from,
/// whether a 说明 column is needed.
fn options(
    kwargs: &Kwargs,
    data: &Value,
    path: &str,
    bd: &Value,
    parts: &[Value],
    groups: bool,
    fmt: &NumberFormat,
) -> TeraResult<Options> {
    let percent = flag(bd, "percent");
    let caption = caption(kwargs, data, path.rsplit_once('.').map_or("", |(d, _)| d), bd)?;
    let listed: Vec<&Value> = parts.iter().filter(|p| !is_derived(p)).collect();
    let published = |p: &&Value| flag(p, "published_share");
    let source = match (listed.iter().all(published), listed.iter().any(published)) {
        (true, _) => Source::Publication,
        (false, false) => Source::Site,
        (false, true) => Source::PerRow,
    };
    Ok(Options {
        caption,
        label: kwargs.get::<String>("label")?.unwrap_or_else(|| "类别".into()),
        unit: if percent { "%".to_string() } else { text(bd, "unit") },
        share: kwargs.get::<bool>("share")?.unwrap_or(true) && !percent,
        total: kwargs.get::<bool>("total")?.unwrap_or(true) && !percent,
        source,
        notes: groups || source == Source::PerRow || parts.iter().any(|p| is_derived(p) || !text(p, "note").is_empty()),
        fmt: fmt.clone(),
    })
}

/// The caption and the header row.
fn head(opts: &Options) -> String {
    let mut s = format!("<caption>{}（单位：{}）</caption>", html(&opts.caption), html(&opts.unit));
    s.push_str(&format!("<thead><tr><th scope=\"col\">{}</th>", html(&opts.label)));
    s.push_str(&format!("<th scope=\"col\" class=\"num\">数值（{}）</th>", html(&opts.unit)));
    if opts.share {
        let from = match opts.source {
            Source::Publication => "（报道所列）",
            Source::Site => "（本站计算）",
            Source::PerRow => "",
        };
        s.push_str(&format!("<th scope=\"col\" class=\"num\">占比{from}</th>"));
    }
    if opts.notes {
        s.push_str("<th scope=\"col\">说明</th>");
    }
    s.push_str("</tr></thead>");
    s
}

/// The totals row, then the groups (`其中：…`).
fn foot(total: crate::number::Dec, groups: &[&Value], opts: &Options) -> String {
    let mut s = format!("<tfoot><tr><th scope=\"row\">合计</th><td class=\"num\">{}</td>", opts.fmt.num(total));
    if opts.share {
        s.push_str(&format!("<td class=\"num\">{}</td>", opts.fmt.whole()));
    }
    if opts.notes {
        s.push_str("<td></td>");
    }
    s.push_str("</tr>");
    for g in groups {
        s.push_str(&group_row(g, opts));
    }
    s.push_str("</tfoot>");
    s
}

struct Options {
    caption: String,
    label: String,
    /// The unit shown (`%` for survey percentages).
    unit: String,
    share: bool,
    total: bool,
    source: Source,
    /// A 说明 column is shown.
    notes: bool,
    fmt: NumberFormat,
}

/// Where the shares shown come from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    /// All are printed by the publication.
    Publication,
    /// None is: the site computed them.
    Site,
    /// Some are: each row says.
    PerRow,
}

/// A group's row under the total: `其中：40岁及以下`.
fn group_row(g: &Value, opts: &Options) -> String {
    let label = g.get_from_path("label").and_then(Value::as_str).unwrap_or("");
    let value = g.get_from_path("value").and_then(dec_of).map(|d| opts.fmt.num(d)).unwrap_or_default();
    let mut s = format!("<tr><th scope=\"row\">其中：{}</th><td class=\"num\">{value}</td>", html(label));
    if opts.share {
        let share = g.get_from_path("share").and_then(dec_of).map(|d| opts.fmt.pct(d)).unwrap_or("—".into());
        s.push_str(&format!("<td class=\"num\">{share}</td>"));
    }
    if opts.notes {
        let flag = |k: &str| g.get_from_path(k).and_then(Value::as_bool).unwrap_or(false);
        let said = match (flag("published_value"), flag("published_share") && opts.share) {
            (true, true) => "报道所列",
            (true, false) if opts.share => "数值为报道所列，占比为本站计算",
            (true, false) => "报道所列",
            (false, true) => "数值为本站计算，占比为报道所列",
            (false, false) => "本站计算",
        };
        s.push_str(&format!("<td>{said}</td>"));
    }
    s.push_str("</tr>");
    s
}

fn is_derived(p: &Value) -> bool {
    p.get_from_path("derived").and_then(Value::as_bool).unwrap_or(false)
}

/// One part's row.
fn row(p: &Value, opts: &Options) -> String {
    let notes = opts.notes;
    let label = p.get_from_path("label").and_then(Value::as_str).unwrap_or("");
    let value = p.get_from_path("value").and_then(dec_of).map(|d| opts.fmt.num(d)).unwrap_or_default();
    let mut s = format!("<tr><th scope=\"row\">{}</th><td class=\"num\">{value}</td>", html(label));
    if opts.share {
        let share = p.get_from_path("share").and_then(dec_of).map(|d| opts.fmt.pct(d)).unwrap_or("—".into());
        s.push_str(&format!("<td class=\"num\">{share}</td>"));
    }
    if notes {
        let note = p.get_from_path("note").and_then(Value::as_str).unwrap_or("");
        let published = p.get_from_path("published_share").and_then(Value::as_bool).unwrap_or(false);
        let origin = match (is_derived(p), opts.source, published) {
            // A remainder's own note says how it was derived.
            (true, _, _) if !note.is_empty() => "",
            (true, _, _) => "本站推算",
            (false, Source::PerRow, true) => "占比为报道所列",
            (false, Source::PerRow, false) => "占比为本站计算",
            (false, _, _) => "",
        };
        let said = [origin, note].iter().filter(|t| !t.is_empty()).copied().collect::<Vec<_>>().join("。");
        s.push_str(&format!("<td>{}</td>", html(&said)));
    }
    s.push_str("</tr>");
    s
}

#[cfg(test)]
mod tests {
    fn render(src: &str) -> Result<String, String> {
        let mut t = tera::Tera::new();
        super::super::register(&mut t, &Default::default());
        let data = serde_json::json!({"m": {"title": "党员", "b": {
            "title": "按年龄", "unit": "人", "total": 100, "percent": false,
            "parts": [
                {"label": "<青年>", "value": 60, "share": 60, "derived": false, "published_share": true, "note": ""},
                {"label": "其他（推算）", "value": 40, "share": 40, "derived": true, "published_share": false, "note": ""}
            ],
            "groups": [{"label": "全部", "value": 100, "share": 100, "published_value": true, "published_share": false}]
        }}});
        let mut ctx = tera::Context::new();
        ctx.insert("data", &data);
        t.render_str(src, &ctx, true).map_err(|e| format!("{e:?}"))
    }

    #[test]
    fn a_breakdown_as_a_table() {
        let html = render(r#"{{ table(data="m.b", label="年龄", groups=true) }}"#).unwrap();
        assert!(html.starts_with("\n\n<div class=\"table-scroll\">") && !html.trim().contains('\n'), "{html}");
        for want in [
            "<caption>党员·按年龄（单位：人）</caption>",
            "<th scope=\"col\">年龄</th>",
            "<th scope=\"col\" class=\"num\">占比（报道所列）</th>",
            "<th scope=\"row\">&lt;青年&gt;</th><td class=\"num\">60</td>",
            "<td>本站推算</td>",
            "<tfoot><tr><th scope=\"row\">合计</th><td class=\"num\">100</td><td class=\"num\">100.00%</td>",
            "<th scope=\"row\">其中：全部</th>",
            "数值为报道所列，占比为本站计算",
        ] {
            assert!(html.contains(want), "{want}\n{html}");
        }
        let plain = render(r#"{{ table(data="m.b", share=false, total=false) }}"#).unwrap();
        assert!(!plain.contains("占比") && !plain.contains("tfoot"), "{plain}");
        let e = render(r#"{{ table(data="m.nope") }}"#).unwrap_err();
        assert!(e.contains("table: `data.m.nope` is not a breakdown"), "{e}");
    }

    #[test]
    fn a_series_as_a_table() {
        // The tree `data.m` as the statistics serialize it (see stats::series).
        let period = |p: &str,
                      label: &str,
                      value: serde_json::Value,
                      growth: serde_json::Value,
                      pg: serde_json::Value,
                      gt: &str,
                      index: serde_json::Value,
                      note: &str| {
            serde_json::json!({"period": p, "label": label, "value": value, "prefix": "", "suffix": "", "growth": growth,
                "published_growth": pg, "growth_text": gt, "index": index, "note": note})
        };
        let n = serde_json::Value::Null;
        let stats = serde_json::json!({"title": "党员", "series": {"y": {"title": "逐年", "unit": "人", "base": "2018", "periods": [
            period("2018", "2018年", 800.into(), n.clone(), n.clone(), "", 100.into(), ""),
            period("2019", "2019年", 1000.into(), 25.into(), 25.into(), "25%", 125.into(), ""),
            period("2020", "2020年", n.clone(), n.clone(), 20.into(), "超过20%", n.clone(), "<注>"),
        ]}}});
        let mut t = tera::Tera::new();
        super::super::register(&mut t, &super::super::NumberFormat::default());
        let mut ctx = tera::Context::new();
        ctx.insert("data", &serde_json::json!({ "m": stats }));
        let html = t.render_str(r#"{{ table(data="m.series.y", index=true) }}"#, &ctx, true).unwrap();
        for want in [
            "<caption>党员·逐年（单位：人）</caption>",
            "<th scope=\"col\">时期</th>",
            "<th scope=\"col\" class=\"num\">较上期增长（本站计算）</th><th scope=\"col\" class=\"num\">增速（报道所列）</th><th scope=\"col\" class=\"num\">指数（2018=100）</th><th scope=\"col\">说明</th>",
            "<tr><th scope=\"row\">2018年</th><td class=\"num\">800</td><td class=\"num\">—</td><td class=\"num\">—</td><td class=\"num\">100</td><td></td></tr>",
            "<tr><th scope=\"row\">2019年</th><td class=\"num\">1,000</td><td class=\"num\">25%</td><td class=\"num\">25%</td><td class=\"num\">125</td>",
            "<tr><th scope=\"row\">2020年</th><td class=\"num\">—</td><td class=\"num\">—</td><td class=\"num\">超过20%</td><td class=\"num\">—</td><td>数值报道未列出。&lt;注&gt;</td></tr>",
        ] {
            assert!(html.contains(want), "{want}\n{html}");
        }
        assert!(!html.contains("合计"), "a sum of years means nothing: {html}");
    }
}
