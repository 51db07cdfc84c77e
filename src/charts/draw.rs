//! A [`Chart`] → SVG, drawn by charts-rs.
//!
//! charts-rs takes a JSON description per chart type; this module writes it (sizes, axes,
//! colours from the [`Style`]), then makes the SVG fit a white paper: value labels as
//! published rather than rounded through `f32`, the reader's font stack, and `role`,
//! `<title>` and `<desc>` for screen readers. Axis ranges are chosen here: round ticks
//! (0, 50, 100 …) and room for the largest value label.

use serde_json::{Map, Value, json};
use std::path::Path;
use std::sync::OnceLock;

use super::{Chart, ChartKind, Style};
use crate::diag::{Diagnostic, Error, Result};
use crate::format::NumberFormat;
use crate::util::escape::html as xml;

/// Registers the theme's chart font once per process (charts-rs keeps a global registry).
pub fn register_font(theme_dir: &Path, style: &Style) -> Result<()> {
    static DONE: OnceLock<std::sync::Mutex<Vec<String>>> = OnceLock::new();
    let Some(font) = &style.font else { return Ok(()) };
    let path = theme_dir.join(font);
    let key = path.display().to_string();
    let done = DONE.get_or_init(Default::default);
    let mut done = done.lock().unwrap_or_else(|e| e.into_inner());
    if done.contains(&key) {
        return Ok(());
    }
    let bytes = crate::source::read_binary(&path, &key)?;
    charts_rs::add_fonts(&[&bytes]).map_err(|e| {
        Error::one(Diagnostic::error(path.display().to_string(), 0, 0, format!("cannot load chart font: {e}")))
    })?;
    done.push(key);
    Ok(())
}

/// A round value axis: its top and the step between ticks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub top: f64,
    pub step: f64,
}

impl Axis {
    fn splits(self) -> u32 {
        (self.top / self.step).round() as u32
    }
}

/// Round axis with 1-2-5 steps and at most 6 intervals, leaving `headroom` (0–1) free.
pub fn nice_axis(max: f64, headroom: f64) -> Axis {
    let target = (max * (1.0 + headroom)).max(1e-9);
    let raw = target / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| target / s <= 6.0).unwrap_or(10.0 * mag);
    Axis { top: (target / step).ceil() * step, step }
}

/// Estimated text width in px: CJK and full-width forms 1em, others ~0.6em.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(|c| if crate::diag::display_width(&c.to_string()) == 2 { size } else { size * 0.6 }).sum()
}

/// What every chart type is drawn from.
struct Input<'a> {
    chart: &'a Chart,
    style: &'a Style,
    /// The site's number format, for every number the chart prints.
    fmt: &'a NumberFormat,
    /// Font size.
    fs: f64,
    values: Vec<f64>,
    labels: Vec<String>,
    /// `%` after numbers when plotting shares.
    suffix: &'static str,
    /// The exact labels printed on bars (see [`exact_value_labels`]).
    value_labels: Vec<String>,
    /// Per point: the accent for the highlighted part, muted for the others and for derived parts.
    colors: Vec<String>,
}

impl<'a> Input<'a> {
    fn new(chart: &'a Chart, style: &'a Style, fmt: &'a NumberFormat) -> Input<'a> {
        let suffix = if chart.percent { "%" } else { "" };
        let colors = chart
            .points
            .iter()
            .map(|p| match &chart.highlight {
                Some(h) if &p.key == h => style.highlight.clone(),
                Some(_) => style.muted.clone(),
                None if p.derived => style.muted.clone(),
                None => style.palette.first().cloned().unwrap_or_else(|| style.highlight.clone()),
            })
            .collect();
        Input {
            chart,
            style,
            fmt,
            fs: style.font_size as f64,
            values: chart.points.iter().map(|p| p.value.to_f64()).collect(),
            labels: chart.points.iter().map(|p| p.label.clone()).collect(),
            suffix,
            value_labels: chart.points.iter().map(|p| format!("{}{suffix}", fmt.num(p.value))).collect(),
            colors,
        }
    }

    fn max(&self) -> f64 {
        self.values.iter().cloned().fold(0.0, f64::max)
    }

    /// The value axis as charts-rs describes it.
    fn y_axis(&self, top: f64, splits: u32) -> Value {
        json!([{"axis_min": 0, "axis_max": top, "axis_split_number": splits,
            "axis_formatter": format!("{{t}}{}", self.suffix), "axis_font_size": self.fs - 2.0,
            "axis_font_color": self.style.axis}])
    }

    /// The settings common to every type, with `over` laid over them (a key already present
    /// keeps its place).
    fn spec(&self, over: Value) -> String {
        let (style, fs) = (self.style, self.fs);
        let mut spec = match json!({
            "width": style.width as f64, "font_family": style.font_family,
            "margin": {"left": 8, "top": 10, "right": 12, "bottom": 8},
            "x_axis_font_size": fs, "x_axis_font_color": style.text, "x_axis_stroke_color": style.axis,
            "series_label_font_size": fs, "series_label_font_color": style.text,
            "grid_stroke_color": style.grid, "series_colors": style.palette,
            "legend_font_size": fs, "legend_font_color": style.text,
        }) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        if let Value::Object(m) = over {
            spec.extend(m);
        }
        Value::Object(spec).to_string()
    }
}

/// Draws a chart as SVG.
pub fn render(chart: &Chart, style: &Style, fmt: &NumberFormat) -> Result<String> {
    let input = Input::new(chart, style, fmt);
    let svg = match chart.kind {
        ChartKind::Hbar => hbar(&input),
        ChartKind::Bar => columns(&input, Columns::Bar),
        ChartKind::Line => columns(&input, Columns::Line),
        ChartKind::Donut => round(&input, Round::Donut),
        ChartKind::Pie => round(&input, Round::Pie),
        ChartKind::Stacked => stacked(&input),
    };
    let svg = svg.map_err(|e| Error::Io(format!("chart `{}`: charts-rs failed: {e}", chart.id)))?;
    // charts-rs writes the labels it is given as they are: a control character in one would
    // make the SVG ill-formed XML.
    Ok(finish_svg(&crate::util::escape::xml_chars(svg), chart, style, fmt))
}

/// Horizontal bars, first point on top. Round axis without headroom (capped at 100 for
/// percentages); the value labels get a right margin as wide as the widest of them, so
/// none is ever clipped.
fn hbar(i: &Input) -> charts_rs::Result<String> {
    let widest = i.value_labels.iter().map(|l| text_width(l, i.fs)).fold(0.0, f64::max) + 12.0;
    let mut axis = nice_axis(i.max(), 0.0);
    if i.chart.percent && axis.top > 100.0 {
        axis = Axis { top: 100.0, step: 25.0 };
    }
    let n = i.chart.points.len() as f64;
    // charts-rs draws the first category at the bottom.
    let rev = |v: &[String]| v.iter().rev().cloned().collect::<Vec<_>>();
    let rev_vals: Vec<f64> = i.values.iter().rev().cloned().collect();
    let spec = i.spec(json!({
        "height": 40.0 + 42.0 * n,
        "margin": {"left": 8, "top": 10, "right": widest.max(20.0), "bottom": 8},
        "x_axis_data": rev(&fitted_labels(i)), "legend_show": false,
        "x_axis_height": 28,
        "y_axis_configs": i.y_axis(axis.top, axis.splits()),
        "series_label_formatter": format!("{{c}}{}", i.suffix),
        "series_list": [{"name": i.chart.title, "data": rev_vals, "label_show": true, "colors": rev(&i.colors)}],
    }));
    charts_rs::HorizontalBarChart::from_json(&spec)
        .and_then(|c| c.svg())
        .map(|svg| exact_value_labels(&svg, &rev(&i.value_labels)))
        .map(|svg| axis_labels(&svg, axis, i.suffix, i.fmt))
}

/// The chart types drawn over a category axis.
#[derive(Clone, Copy)]
enum Columns {
    Bar,
    Line,
}

/// The round chart types.
#[derive(Clone, Copy)]
enum Round {
    Donut,
    Pie,
}

/// Vertical bars or a line; long category labels are rotated.
fn columns(i: &Input, shape: Columns) -> charts_rs::Result<String> {
    let fs = i.fs;
    let axis = nice_axis(i.max(), 0.15);
    let n = i.chart.points.len() as f64;
    let slot = (i.style.width as f64 - 60.0) / n.max(1.0);
    let longest = i.labels.iter().map(|l| text_width(l, fs - 1.0)).fold(0.0, f64::max);
    let rotate = longest > slot - 4.0;
    let mut series = json!({"name": i.chart.title, "data": i.values, "label_show": true});
    if let (Columns::Bar, Value::Object(s)) = (shape, &mut series) {
        s.insert("colors".into(), json!(i.colors));
    }
    let mut over = json!({
        "height": if rotate { 300.0 + longest * 0.5 } else { 300.0 },
        "x_axis_data": i.labels, "legend_show": false,
        "x_axis_font_size": fs - 1.0,
        "x_axis_name_rotate": if rotate { 0.6 } else { 0.0 },
        "x_axis_height": if rotate { 30.0 + longest * 0.6 } else { 30.0 },
        "y_axis_configs": i.y_axis(axis.top, axis.splits()),
        "series_label_formatter": format!("{{c}}{}", i.suffix),
        "series_list": [series],
    });
    match shape {
        Columns::Bar => {
            if let Value::Object(m) = &mut over {
                m.insert("radius".into(), json!(2));
            }
            charts_rs::BarChart::from_json(&i.spec(over))
                .and_then(|c| c.svg())
                .map(|svg| axis_labels(&exact_value_labels(&svg, &i.value_labels), axis, i.suffix, i.fmt))
        }
        Columns::Line => charts_rs::LineChart::from_json(&i.spec(over))
            .and_then(|c| c.svg())
            .map(|svg| axis_labels(&exact_point_labels(&svg, &i.value_labels), axis, i.suffix, i.fmt)),
    }
}

/// A donut or pie, with a legend naming each part, its value and share.
fn round(i: &Input, ring: Round) -> charts_rs::Result<String> {
    let chart = i.chart;
    let radius = (i.style.width as f64 * 0.3).min(130.0);
    let inner = match ring {
        Round::Donut => radius * 0.55,
        Round::Pie => 0.0,
    };
    let series: Vec<Value> = chart
        .points
        .iter()
        .enumerate()
        .map(|(n, p)| json!({"name": legend_name(chart, p, i.fmt), "data": [p.value.to_f64()], "index": n}))
        .collect();
    let spec = i.spec(json!({
        "height": 2.0 * radius + 24.0,
        "rose_type": false, "radius": radius, "inner_radius": inner,
        "series_label_position": "inside", "series_label_formatter": "{d}%", "series_label_font_color": "#ffffff",
        "series_label_font_size": i.fs - 2.0,
        "min_show_label_angle": 400,
        "legend_show": false,
        "margin": {"left": 12, "top": 6, "right": 12, "bottom": 6},
        "series_list": series,
    }));
    charts_rs::PieChart::from_json(&spec).and_then(|c| c.svg()).map(|svg| with_legend(&svg, i))
}

/// One horizontal bar divided into the parts, with a legend.
/// A 100% bar: each part drawn as its share of the whole (counts too), the axis 0–100%; the
/// legend gives each part's number as published.
fn stacked(i: &Input) -> charts_rs::Result<String> {
    let chart = i.chart;
    let sum: f64 = i.values.iter().sum();
    let series: Vec<Value> = chart
        .points
        .iter()
        .enumerate()
        .map(|(n, p)| {
            let share = if chart.percent || sum == 0.0 { p.value.to_f64() } else { p.value.to_f64() / sum * 100.0 };
            json!({"name": legend_name(chart, p, i.fmt), "data": [share], "stack": "all", "index": n,
                "label_show": false})
        })
        .collect();
    let axis = json!([{"axis_min": 0, "axis_max": 100.0, "axis_split_number": 4, "axis_formatter": "{t}%",
        "axis_font_size": i.fs - 2.0, "axis_font_color": i.style.axis}]);
    let spec = i.spec(json!({
        "height": 96.0,
        "x_axis_data": [""], "y_axis_hidden": true,
        "legend_show": false,
        "y_axis_configs": axis,
        "margin": {"left": 12, "top": 10, "right": 16, "bottom": 6},
        "series_list": series,
    }));
    charts_rs::HorizontalBarChart::from_json(&spec).and_then(|c| c.svg()).map(|svg| with_legend(&svg, i))
}

/// The category labels of a horizontal bar chart, each cut with `…` to at most 55% of the
/// chart's width, so the bars and their numbers keep their room (the full label is in the
/// figure's title, summary and data table).
fn fitted_labels(i: &Input) -> Vec<String> {
    let room = i.style.width as f64 * 0.55;
    i.labels
        .iter()
        .map(|label| {
            if text_width(label, i.fs) <= room {
                return label.clone();
            }
            let mut cut = String::new();
            for c in label.chars() {
                if text_width(&format!("{cut}{c}…"), i.fs) > room {
                    break;
                }
                cut.push(c);
            }
            format!("{cut}…")
        })
        .collect()
}

/// A legend entry: the part's label, its number as published, and its share.
fn legend_name(chart: &Chart, p: &super::Point, fmt: &NumberFormat) -> String {
    let unit = if chart.percent { "%" } else { chart.unit.as_str() };
    let share = p.share.filter(|_| !chart.percent).map(|s| format!(" {s}%")).unwrap_or_default();
    format!("{} {}{unit}{share}", p.label, fmt.num(p.value))
}

/// Appends the legend under the chart, one entry a row, each wrapped to the chart's width so
/// that a long label never runs off the SVG (and its number and share stay in view); the SVG
/// grows to hold it.
fn with_legend(svg: &str, i: &Input) -> String {
    let (w, fs) = (i.style.width as f64, i.fs);
    let (left, swatch, gap) = (12.0, 25.0, 3.0);
    let room = w - left - swatch - gap - 12.0;
    // A CJK line box is about 1.45 em tall: less and wrapped lines touch.
    let line_h = (fs * 1.6).round();
    let Some(h) = svg_height(svg) else { return svg.to_string() };
    let mut y = h + 4.0;
    let mut g = String::new();
    // The parts take the palette's colours in order, as charts-rs gives them to the series.
    let palette = &i.style.palette;
    for (n, p) in i.chart.points.iter().enumerate() {
        let color = palette.get(n % palette.len().max(1)).cloned().unwrap_or_else(|| i.style.highlight.clone());
        let lines = wrap(&legend_name(i.chart, p, i.fmt), fs, room);
        g.push_str(&format!(
            "<rect x=\"{left}\" y=\"{}\" width=\"{swatch}\" height=\"10\" fill=\"{}\"/>",
            y + (line_h - 10.0) / 2.0,
            xml(&color)
        ));
        for (k, line) in lines.iter().enumerate() {
            g.push_str(&format!(
                "<text font-size=\"{fs}\" x=\"{}\" y=\"{}\" font-family=\"{}\" fill=\"{}\">{}</text>",
                left + swatch + gap,
                y + line_h * (k as f64 + 1.0) - (line_h - fs) / 2.0 - 2.0,
                xml(&i.style.font_family),
                xml(&i.style.text),
                xml(line)
            ));
        }
        y += line_h * lines.len() as f64 + 6.0;
    }
    let total = (y + 4.0).ceil();
    let grown = svg
        .replacen(
            &format!("height=\"{h}\" viewBox=\"0 0 {w} {h}\""),
            &format!("height=\"{total}\" viewBox=\"0 0 {w} {total}\""),
            1,
        )
        .replacen(
            &format!("<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\""),
            &format!("<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{total}\""),
            1,
        );
    match grown.rfind("</svg>") {
        Some(end) => format!("{}<g>{g}</g></svg>", &grown[..end]),
        None => grown,
    }
}

/// The `height` of the root `<svg>` charts-rs wrote.
fn svg_height(svg: &str) -> Option<f64> {
    let head = &svg[..svg.find('>')?];
    let at = head.find(" height=\"")? + 9;
    head[at..].split('"').next()?.parse().ok()
}

/// `text` in lines no wider than `room` at font size `fs` (measured as the charts are). Chinese
/// breaks between any two characters; a run of digits, Latin letters and signs (`2,504`,
/// `19.45%`) is never split, and a line never starts with the space it was broken at.
fn wrap(text: &str, fs: f64, room: f64) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for c in text.chars() {
        let glued = c.is_ascii() && c != ' ';
        match tokens.last_mut() {
            Some(t) if glued && t.chars().last().is_some_and(|l| l.is_ascii() && l != ' ') => t.push(c),
            _ => tokens.push(c.to_string()),
        }
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for t in tokens {
        if !line.is_empty() && text_width(&format!("{line}{t}"), fs) > room {
            lines.push(std::mem::take(&mut line).trim_end().to_string());
        }
        if !(line.is_empty() && t == " ") {
            line.push_str(&t);
        }
    }
    lines.push(line);
    lines
}

/// charts-rs prints value labels from an `f32` with one decimal (94.75 → 94.8); a white
/// paper must print the published figure. The labels follow the last bar (`data-value`)
/// in data order, so their text is replaced, in order, by the exact values.
fn exact_value_labels(svg: &str, labels: &[String]) -> String {
    labels_after(svg, "data-value=", labels, false)
}

/// The same for a line: charts-rs writes its point labels (`{c}`, ungrouped: `12873`) after
/// the last point's circle, in data order, centred by a `dx` measured on its own text; the
/// exact label is centred on its point instead.
fn exact_point_labels(svg: &str, labels: &[String]) -> String {
    labels_after(svg, "<circle", labels, true)
}

/// Replaces the text of the text elements that follow the last `anchor`, in order, by `labels`;
/// `center` replaces each element's `dx` by `text-anchor="middle"`.
fn labels_after(svg: &str, anchor: &str, labels: &[String], center: bool) -> String {
    let Some(last) = svg.rfind(anchor) else { return svg.to_string() };
    let mut out = String::with_capacity(svg.len() + 64);
    let mut rest = &svg[last..];
    out.push_str(&svg[..last]);
    for label in labels {
        let Some(t) = rest.find("<text") else { break };
        let Some(open_end) = rest[t..].find('>').map(|e| t + e + 1) else { break };
        let Some(close) = rest[open_end..].find("</text>").map(|e| open_end + e) else { break };
        match centered(&rest[t..open_end]).filter(|_| center) {
            Some(open) => {
                out.push_str(&rest[..t]);
                out.push_str(&open);
            }
            None => out.push_str(&rest[..open_end]),
        }
        out.push_str(&xml(label));
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// A `<text …>` tag with its `dx="…"` replaced by `text-anchor="middle"`; `None` without one.
fn centered(open: &str) -> Option<String> {
    let at = open.find(" dx=\"")?;
    let end = open[at + 5..].find('"')? + at + 6;
    Some(format!("{} text-anchor=\"middle\"{}", &open[..at], &open[end..]))
}

/// The tick labels of a value axis as charts-rs writes them (`{t}`: one decimal at most,
/// `2,000` from a thousand on).
fn charts_rs_ticks(axis: Axis, suffix: &str) -> Vec<String> {
    (0..=axis.splits())
        .map(|k| {
            let v = (k as f64 * axis.step) as f32;
            let mut s = if v.abs() < 1000.0 { format!("{v:.1}") } else { format!("{v:.0}") };
            if let Some(int) = s.strip_suffix(".0") {
                s = int.to_string();
            }
            if v.abs() >= 1000.0 {
                s = NumberFormat::default().group(&s);
            }
            format!("{s}{suffix}")
        })
        .collect()
}

/// charts-rs writes the ticks of the value axis itself; they are rewritten in the site's number
/// format (a bar labelled `6280` never stands beside an axis reading `8,000`). The ticks are
/// found as the run of text elements holding exactly the labels charts-rs writes, in order:
/// from 0 up (bars) or from the top down (a line's axis).
fn axis_labels(svg: &str, axis: Axis, suffix: &str, fmt: &NumberFormat) -> String {
    let theirs = charts_rs_ticks(axis, suffix);
    let ours: Vec<String> = (0..=axis.splits())
        .map(|k| {
            let v = crate::number::Dec::from_f64(k as f64 * axis.step).map(|d| d.normalized());
            format!("{}{suffix}", v.map(|d| fmt.num(d)).unwrap_or_default())
        })
        .collect();
    if theirs == ours {
        return svg.to_string();
    }
    match replace_ticks(svg, &theirs, &ours) {
        Some(out) => out,
        None => {
            let rev = |v: &[String]| v.iter().rev().cloned().collect::<Vec<_>>();
            replace_ticks(svg, &rev(&theirs), &rev(&ours)).unwrap_or_else(|| svg.to_string())
        }
    }
}

/// Replaces the run of text elements holding `theirs` (in that order, some perhaps left out)
/// by the matching `ours`; `None` when there is no such run of at least two.
fn replace_ticks(svg: &str, theirs: &[String], ours: &[String]) -> Option<String> {
    // (start, end) of every text element's content.
    let mut texts = Vec::new();
    let mut at = 0;
    while let Some(t) = svg[at..].find("<text").map(|t| at + t) {
        let Some(open) = svg[t..].find('>').map(|e| t + e + 1) else { break };
        let Some(close) = svg[open..].find("</text>").map(|e| open + e) else { break };
        texts.push((open, close));
        at = close;
    }
    let content = |k: usize| svg[texts[k].0..texts[k].1].trim();
    // charts-rs leaves out ticks that would overlap on a narrow axis: the run starts at the
    // first tick and goes on while each text is a later tick, in order.
    let run = |start: usize| {
        let mut found = vec![(start, 0)];
        let mut tick = 1;
        for k in start + 1..texts.len() {
            match (tick..theirs.len()).find(|&t| theirs[t] == content(k)) {
                Some(t) => {
                    found.push((k, t));
                    tick = t + 1;
                }
                None => break,
            }
        }
        found
    };
    let found = (0..texts.len()).filter(|&k| content(k) == theirs[0]).map(run).find(|f| f.len() >= 2)?;
    let mut out = String::with_capacity(svg.len() + 16);
    let mut last = 0;
    for (k, t) in found {
        let (open, close) = texts[k];
        out.push_str(&svg[last..open]);
        out.push_str(&xml(&ours[t]));
        last = close;
    }
    out.push_str(&svg[last..]);
    Some(out)
}

/// Makes charts-rs output accessible and responsive: role, title, desc; the reader's font stack; one line.
fn finish_svg(svg: &str, chart: &Chart, style: &Style, fmt: &NumberFormat) -> String {
    let stack = xml(&style.font_stack);
    let mut s = svg.replace(&format!("font-family=\"{}\"", style.font_family), &format!("font-family=\"{stack}\""));
    s = s.replace('\n', "");
    s = s.replacen("fill=\"#FFFFFF\"/>", &format!("fill=\"{}\"/>", xml(&style.background)), 1);
    let title_id = format!("fig-{}-title", chart.id);
    let desc_id = format!("fig-{}-desc", chart.id);
    if let Some(end) = s.find('>') {
        let head = &s[..end];
        let head = head.replacen(
            "<svg ",
            &format!("<svg role=\"img\" aria-labelledby=\"{title_id} {desc_id}\" class=\"chart-svg\" "),
            1,
        );
        s = format!(
            "{head}><title id=\"{title_id}\">{}</title><desc id=\"{desc_id}\">{}</desc>{}",
            xml(&chart.title),
            xml(&super::summary(chart, fmt)),
            &s[end + 1..]
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_labels_replace_rounded_ones() {
        let svg = "<rect data-value=\"94.75\"/><text x=\"1\">94.8%</text><text>x</text>";
        assert_eq!(
            exact_value_labels(svg, &["94.75%".into()]),
            "<rect data-value=\"94.75\"/><text x=\"1\">94.75%</text><text>x</text>"
        );
    }

    #[test]
    fn exact_labels_replace_a_lines_point_labels() {
        let svg = "<circle r=\"2\"/><circle r=\"2\"/></g><text dx=\"-22\">12873</text><text>13500</text><text>x</text>";
        assert_eq!(
            exact_point_labels(svg, &["12,873".into(), "13,500".into()]),
            "<circle r=\"2\"/><circle r=\"2\"/></g><text text-anchor=\"middle\">12,873</text><text>13,500</text><text>x</text>"
        );
    }

    #[test]
    fn axis_ticks_follow_the_site_format() {
        let svg = "<text>甲</text><text>\n0\n</text><text>5,000</text><text>10,000</text><text>5,000</text>";
        let gb = NumberFormat {
            grouping: crate::format::Grouping::ThinSpace,
            group_min_digits: 5,
            ..NumberFormat::default()
        };
        let axis = Axis { top: 10_000.0, step: 5_000.0 };
        // The run of ticks is rewritten; the later `5,000` (a value label) is not a tick.
        assert_eq!(
            axis_labels(svg, axis, "", &gb),
            "<text>甲</text><text>0</text><text>5000</text><text>10\u{202F}000</text><text>5,000</text>"
        );
        assert_eq!(axis_labels(svg, axis, "", &NumberFormat::default()), svg, "the default is charts-rs's own");
        // A narrow axis where charts-rs left out the middle tick.
        let narrow = "<text>0</text><text>10,000</text><text>9</text>";
        assert_eq!(axis_labels(narrow, axis, "", &gb), "<text>0</text><text>10\u{202F}000</text><text>9</text>");
        // A line's axis, from the top down.
        let down = "<text>10,000</text><text>5,000</text><text>0</text><text>12873</text>";
        assert_eq!(
            axis_labels(down, axis, "", &gb),
            "<text>10\u{202F}000</text><text>5000</text><text>0</text><text>12873</text>"
        );
        let pct = "<text>0%</text><text>50%</text><text>100%</text>";
        assert_eq!(axis_labels(pct, Axis { top: 100.0, step: 50.0 }, "%", &gb), pct);
    }

    #[test]
    fn nice_axes_are_round() {
        let axis = |top, step| Axis { top, step };
        assert_eq!(nice_axis(230.0, 0.1), axis(300.0, 50.0));
        assert_eq!(nice_axis(6280.0, 0.15), axis(8000.0, 2000.0));
        assert_eq!(nice_axis(94.75, 0.1), axis(120.0, 20.0));
        let a = nice_axis(11591.0, 0.2);
        assert!(a.top >= 11591.0 * 1.2 && (a.top / a.step).fract() == 0.0 && a.top / a.step <= 6.0);
    }
}
