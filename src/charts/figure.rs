//! The figure around a drawn chart: its HTML (caption, SVG, summary, data table, downloads),
//! the one-sentence summary, and the SVG and CSV files offered for download.

use super::{Chart, Figure, Point};

/// A one-sentence description of what the chart shows.
///
/// Largest and smallest are taken among published parts; derived parts (a
/// remainder the site computed) are named separately, never ranked.
pub fn summary(chart: &Chart) -> String {
    let unit = if chart.percent { "%" } else { chart.unit.as_str() };
    let fmt = |p: &Point| {
        let share = match (chart.percent, p.share) {
            (false, Some(s)) => format!("，占{s}%"),
            _ => String::new(),
        };
        format!("{}{unit}{share}", p.value)
    };
    let published: Vec<&Point> = chart.points.iter().filter(|p| !p.derived).collect();
    let mut s = format!("{}：共{}项", chart.title, chart.points.len());
    if published.len() >= 2 {
        let top = published.iter().max_by(|a, b| a.value.cmp(&b.value).then(b.key.cmp(&a.key))).copied();
        let low = published.iter().min_by(|a, b| a.value.cmp(&b.value).then(a.key.cmp(&b.key))).copied();
        if let (Some(top), Some(low)) = (top, low) {
            let (most, least) = if chart.percent { ("最高", "最低") } else { ("最多", "最少") };
            s.push_str(&format!("，{}{most}，为{}；{}{least}，为{}", top.label, fmt(top), low.label, fmt(low)));
        }
    } else if let Some(p) = published.first() {
        s.push_str(&format!("，{}为{}", p.label, fmt(p)));
    }
    for d in chart.points.iter().filter(|p| p.derived) {
        s.push_str(&format!("；{}为本站推算，{}", d.label, fmt(d)));
    }
    s.push('。');
    s
}

/// The figure's HTML: caption, inline SVG, summary, data table, downloads. One block, no blank lines.
pub fn figure_html(f: &Figure, base_path: &str) -> String {
    let c = &f.chart;
    let h = |s: &str| crate::util::escape::html(s);
    let unit = if c.percent { "%".to_string() } else { c.unit.clone() };
    let mut rows = String::new();
    for p in &c.points {
        let share = match (c.percent, p.share) {
            (false, Some(s)) => format!("{s}%"),
            _ => "—".into(),
        };
        rows.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td>{}<td>{}</td></tr>",
            h(&p.label),
            p.value,
            if c.percent { String::new() } else { format!("<td class=\"num\">{share}</td>") },
            if p.derived { "本站推算" } else { "" }
        ));
    }
    let share_head = if c.percent { String::new() } else { "<th scope=\"col\" class=\"num\">占比</th>".into() };
    let mut meta = Vec::new();
    if !c.as_of.is_empty()
        && let Some(d) = crate::format::date_zh(&c.as_of)
    {
        meta.push(format!("数据时点：{d}"));
    }
    if !c.source.is_empty() {
        meta.push(format!("资料来源：{}", h(&c.source)));
    }
    if !c.note.is_empty() {
        meta.push(h(&c.note));
    }
    format!(
        "<figure class=\"chart\" id=\"fig-{id}\" data-chart=\"{kind}\"><figcaption><span class=\"fig-no\">图{n}</span> {title}{sub}</figcaption><div class=\"chart-box\">{svg}</div><p class=\"chart-summary\">{summary}</p><details class=\"chart-data\"><summary>图{n}数据表</summary><div class=\"table-scroll\"><table><caption>图{n} {title}（单位：{unit}）</caption><thead><tr><th scope=\"col\">类别</th><th scope=\"col\" class=\"num\">数值（{unit}）</th>{share_head}<th scope=\"col\">说明</th></tr></thead><tbody>{rows}</tbody></table></div></details><p class=\"chart-meta\">{meta}{sep}下载：<a href=\"{bp}figures/{id}.svg\" download>SVG 图</a> · <a href=\"{bp}figures/{id}.csv\" download>CSV 数据</a></p></figure>",
        id = h(&c.id),
        kind = c.kind.name(),
        n = f.number,
        title = h(&c.title),
        sub = if c.subtitle.is_empty() { String::new() } else { format!("<small>{}</small>", h(&c.subtitle)) },
        svg = f.svg,
        summary = h(&f.summary),
        unit = h(&unit),
        meta = meta.join(" · "),
        sep = if meta.is_empty() { "" } else { " · " },
        bp = base_path,
    )
}

/// The standalone SVG file for download.
pub fn svg_file(f: &Figure) -> String {
    let svg = f.svg.replacen("<svg ", "<svg xmlns:xlink=\"http://www.w3.org/1999/xlink\" ", 1);
    let svg = if svg.contains("xmlns=\"http://www.w3.org/2000/svg\"") {
        svg
    } else {
        svg.replacen("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" ", 1)
    };
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{svg}\n")
}

/// The figure's data as CSV (UTF-8 with BOM).
pub fn csv_file(f: &Figure) -> String {
    let c = &f.chart;
    let mut s = String::from("\u{feff}figure,key,label,value,unit,share_percent,derived\r\n");
    for p in &c.points {
        let cells = [
            format!("图{}", f.number),
            p.key.clone(),
            p.label.clone(),
            p.value.to_string(),
            if c.percent { "%".into() } else { c.unit.clone() },
            if c.percent { String::new() } else { p.share.map(|d| d.to_string()).unwrap_or_default() },
            p.derived.to_string(),
        ];
        s.push_str(&cells.iter().map(|c| crate::util::escape::csv_cell(c)).collect::<Vec<_>>().join(","));
        s.push_str("\r\n");
    }
    s
}
