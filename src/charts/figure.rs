//! The figure around a drawn chart: its HTML (caption, SVG, summary, data table, downloads),
//! the one-sentence summary, and the SVG and CSV files offered for download.

use super::{Chart, ChartKind, Figure, Point};
use crate::format::NumberFormat;

/// A one-sentence description of what the chart shows.
///
/// The largest and smallest are taken among every part drawn, a remainder the site
/// computed included (it is named as the site's); parts that tie are named together
/// (`甲、乙并列最多`), and when all parts are equal no ranking is claimed. Numbers are written
/// as prose writes them, in the site's [`NumberFormat`].
pub fn summary(chart: &Chart, numbers: &NumberFormat) -> String {
    let unit = if chart.percent { "%" } else { chart.unit.as_str() };
    let fmt = |p: &Point| {
        let share = match (chart.percent, p.share) {
            (false, Some(s)) => format!("，占{s}%"),
            _ => String::new(),
        };
        format!("{}{unit}{share}", numbers.num(p.value))
    };
    // A derived part is named as the site's own figure, once: `本科以下（推算）` →
    // `本科以下（本站推算）`, `其他（报道未列出）` → `其他（报道未列出，本站推算）`.
    let name = |p: &Point| {
        let label = p.label.trim_end_matches("（推算）");
        match (p.derived, label.strip_suffix('）')) {
            (false, _) => label.to_string(),
            (true, Some(open)) => format!("{open}，本站推算）"),
            (true, None) => format!("{label}（本站推算）"),
        }
    };
    let names = |ps: &[&Point]| ps.iter().map(|p| name(p)).collect::<Vec<_>>().join("、");
    let points: Vec<&Point> = chart.points.iter().collect();
    if chart.kind == ChartKind::Line || chart.trend.is_some() {
        // A share of a sum of years means nothing: values only.
        let plain = |p: &Point| format!("{}{unit}", numbers.num(p.value));
        return change(chart, &points, &plain, numbers.share_digits);
    }
    // Parts that do not cover the whole are ranked among themselves only.
    let count = if chart.whole { "共" } else { "列出" };
    let mut s = format!("{}：{count}{}项", chart.title, chart.points.len());
    let (Some(max), Some(min)) = (points.iter().map(|p| p.value).max(), points.iter().map(|p| p.value).min()) else {
        s.push('。');
        return s;
    };
    let (most, least) = if chart.percent { ("最高", "最低") } else { ("最多", "最少") };
    if points.len() == 1 {
        s.push_str(&format!("，{}为{}", name(points[0]), fmt(points[0])));
    } else if max != min {
        let top: Vec<&Point> = points.iter().copied().filter(|p| p.value == max).collect();
        let low: Vec<&Point> = points.iter().copied().filter(|p| p.value == min).collect();
        let tie = |ps: &[&Point]| if ps.len() > 1 { "并列" } else { "" };
        s.push_str(&format!("，{}{}{most}，为{}", names(&top), tie(&top), fmt(top[0])));
        s.push_str(&format!("；{}{}{least}，为{}", names(&low), tie(&low), fmt(low[0])));
    } else {
        s.push_str(&format!("，各项均为{}", fmt(points[0])));
    }
    s.push('。');
    s
}

/// A line over time speaks of change, never of shares of a sum: the first and last points,
/// the change between them and, for a series, its average annual growth.
fn change(chart: &Chart, points: &[&Point], fmt: &dyn Fn(&Point) -> String, digits: u32) -> String {
    let mut s = format!("{}：共{}个时点", chart.title, points.len());
    if let (Some(first), Some(last)) = (points.first(), points.last())
        && points.len() >= 2
    {
        s.push_str(&format!("，{}为{}，{}为{}", first.label, fmt(first), last.label, fmt(last)));
        let diff = last.value.checked_sub(first.value);
        // A series' growth as the statistics computed it (to its digits); else from the points.
        let growth = match chart.trend {
            Some(t) => t.growth,
            None => last.value.growth_from(first.value, digits),
        };
        match (chart.percent, growth, diff) {
            (true, _, Some(d)) => s.push_str(&format!("，变化{d}个百分点")),
            (false, Some(g), _) if g.is_zero() => s.push_str("，没有变化"),
            (false, Some(g), _) if g.is_negative() => {
                s.push_str(&format!("，下降{}%", g.to_string().trim_start_matches('-')))
            }
            (false, Some(g), _) => s.push_str(&format!("，增长{g}%")),
            _ => {}
        }
        if let Some(c) =
            chart.trend.and_then(|t| t.cagr).filter(|c| !c.is_zero() && chart.trend.and_then(|t| t.growth) != Some(*c))
        {
            match c.is_negative() {
                true => s.push_str(&format!("，年均下降{}%", c.to_string().trim_start_matches('-'))),
                false => s.push_str(&format!("，年均增长{c}%")),
            }
        }
    }
    s.push('。');
    s
}

/// The figure's HTML: caption, inline SVG, summary, data table, downloads. One block, no blank lines.
pub fn figure_html(f: &Figure, base_path: &str, numbers: &NumberFormat) -> String {
    let c = &f.chart;
    let h = |s: &str| crate::util::escape::html(s);
    let unit = if c.percent { "%".to_string() } else { c.unit.clone() };
    let mut rows = String::new();
    // Over time the third column is the growth over the previous period, not a share.
    let over_time = c.trend.is_some();
    for p in &c.points {
        let third = match (c.percent, over_time, p.share, p.growth) {
            (false, false, Some(s), _) | (_, true, _, Some(s)) => format!("{s}%"),
            _ => "—".into(),
        };
        rows.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td>{}<td>{}</td></tr>",
            h(&p.label),
            numbers.num(p.value),
            if c.percent && !over_time { String::new() } else { format!("<td class=\"num\">{third}</td>") },
            if p.derived { "本站推算" } else { "" }
        ));
    }
    let share_head = match (over_time, c.percent) {
        (true, _) => "<th scope=\"col\" class=\"num\">较上期增长（本站计算）</th>".to_string(),
        (false, true) => String::new(),
        (false, false) => "<th scope=\"col\" class=\"num\">占比</th>".into(),
    };
    let first_head = if over_time { "时期" } else { "类别" };
    let mut meta = Vec::new();
    if let Some(d) = crate::format::date_zh(&c.as_of) {
        meta.push(format!("数据时点：{d}"));
    }
    if !c.source.is_empty() {
        meta.push(format!("资料来源：{}", h(&c.source)));
    }
    if !c.note.is_empty() {
        meta.push(h(&c.note));
    }
    format!(
        "<figure class=\"chart\" id=\"fig-{id}\" data-chart=\"{kind}\"><figcaption><span class=\"fig-no\">图{n}</span> {title}{sub}</figcaption><div class=\"chart-box\">{svg}</div><p class=\"chart-summary\">{summary}</p><details class=\"chart-data\"><summary>图{n}数据表</summary><div class=\"table-scroll\"><table><caption>图{n} {title}（单位：{unit}）</caption><thead><tr><th scope=\"col\">{first_head}</th><th scope=\"col\" class=\"num\">数值（{unit}）</th>{share_head}<th scope=\"col\">说明</th></tr></thead><tbody>{rows}</tbody></table></div></details><p class=\"chart-meta\">{meta}{sep}下载：<a href=\"{bp}figures/{id}.svg\" download>SVG 图</a> · <a href=\"{bp}figures/{id}.csv\" download>CSV 数据</a></p></figure>",
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

/// The figure's data as CSV (UTF-8 with BOM); over time, `period` and `growth_percent`
/// (over the previous period) take the place of `key` and `share_percent`.
pub fn csv_file(f: &Figure) -> String {
    let c = &f.chart;
    let over_time = c.trend.is_some();
    let mut s = String::from(match over_time {
        true => "\u{feff}figure,period,label,value,unit,growth_percent,derived\r\n",
        false => "\u{feff}figure,key,label,value,unit,share_percent,derived\r\n",
    });
    for p in &c.points {
        let third = match over_time {
            true => p.growth,
            false => p.share.filter(|_| !c.percent),
        };
        let cells = [
            format!("图{}", f.number),
            p.key.clone(),
            p.label.clone(),
            p.value.to_string(),
            if c.percent { "%".into() } else { c.unit.clone() },
            third.map(|d| d.to_string()).unwrap_or_default(),
            p.derived.to_string(),
        ];
        s.push_str(&cells.iter().map(|c| crate::util::escape::csv_cell(c)).collect::<Vec<_>>().join(","));
        s.push_str("\r\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::ChartKind;
    use crate::number::Dec;

    fn chart(points: &[(&str, i64, bool)]) -> Chart {
        Chart {
            id: "c".into(),
            kind: ChartKind::Bar,
            title: "图".into(),
            subtitle: String::new(),
            unit: "人".into(),
            percent: false,
            points: points
                .iter()
                .map(|(label, v, derived)| Point {
                    key: label.to_string(),
                    label: label.to_string(),
                    value: Dec::from_int(*v),
                    share: None,
                    derived: *derived,
                    growth: None,
                })
                .collect(),
            whole: true,
            highlight: None,
            note: String::new(),
            source: String::new(),
            as_of: String::new(),
            dataset: "d".into(),
            trend: None,
        }
    }

    #[test]
    fn summaries_rank_every_part_and_say_ties() {
        // The remainder the site computed is smaller than every listed part: it is the least.
        let s = summary(
            &chart(&[("研究生", 2648, false), ("本科", 7721, false), ("本科以下（推算）", 2504, true)]),
            &NumberFormat::default(),
        );
        assert_eq!(s, "图：共3项，本科最多，为7,721人；本科以下（本站推算）最少，为2,504人。");
        let s = summary(&chart(&[("甲", 5, false), ("乙", 5, false), ("丙", 1, false)]), &NumberFormat::default());
        assert_eq!(s, "图：共3项，甲、乙并列最多，为5人；丙最少，为1人。");
        let s = summary(&chart(&[("甲", 0, false), ("乙", 0, false)]), &NumberFormat::default());
        assert_eq!(s, "图：共2项，各项均为0人。");
        assert_eq!(summary(&chart(&[("甲", 12873, false)]), &NumberFormat::default()), "图：共1项，甲为12,873人。");
        // Listed parts that do not cover the whole are ranked among themselves, and say so.
        let mut listed = chart(&[("甲", 8, false), ("乙", 6, false)]);
        listed.whole = false;
        assert_eq!(summary(&listed, &NumberFormat::default()), "图：列出2项，甲最多，为8人；乙最少，为6人。");
        // A line over time speaks of change.
        let mut line = chart(&[("2018年", 800, false), ("2019年", 1000, false), ("2021年", 1200, false)]);
        line.kind = ChartKind::Line;
        line.points[0].share = Some(Dec::from_int(27));
        assert_eq!(
            summary(&line, &NumberFormat::default()),
            "图：共3个时点，2018年为800人，2021年为1,200人，增长50.00%。"
        );
        // A series over time, drawn as bars, says the same and its average annual growth.
        let mut bars = chart(&[("2018年", 800, false), ("2021年", 1200, false)]);
        bars.trend = Some(crate::charts::Trend { growth: Some(Dec::from_int(50)), cagr: Dec::parse("14.47") });
        assert_eq!(
            summary(&bars, &NumberFormat::default()),
            "图：共2个时点，2018年为800人，2021年为1,200人，增长50%，年均增长14.47%。"
        );
    }
}
