//! Chart specs + data → accessible SVG figures, rendered with charts-rs.
//!
//! A chapter declares charts in its front matter (`charts:`), each naming a
//! breakdown (`members.by_age`) or a dataset's values (`survey` with
//! `items:`). Specs are validated against the data with located errors;
//! figures are numbered across the paper (图1, 图2 …) in chapter order and
//! placed in prose with `{{ figure(id="…") }}`. Every figure carries a
//! `<title>`/`<desc>`, a generated one-sentence summary, its numbers as an
//! HTML table, and links to download its SVG and CSV.
//!
//! charts-rs measures text with the fonts registered through `add_fonts`;
//! the theme ships an openly licensed CJK font (a subset of Noto Sans CJK
//! SC) so Chinese labels are measured correctly on any machine. Axis ranges
//! are chosen here: round ticks (0, 50, 100 …) and room for the largest
//! value label.

use serde::Deserialize;
use serde_json::{Value, json};
use serde_saphyr::Spanned;

use crate::content::chart::{ChartSpec, TYPES};
use std::path::Path;
use std::sync::OnceLock;

use crate::diag::{Diagnostic, Error, Result};
use crate::number::Dec;
use crate::source::yaml::Pos;

/// Colours and fonts, from the theme's `theme.toml` `[charts]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Style {
    /// Font file under the theme folder, registered for text measurement.
    pub font: Option<String>,
    /// Family name of that font, as charts-rs measures it.
    #[serde(default = "default_family")]
    pub font_family: String,
    /// The CSS font stack written into the SVG (what readers see).
    #[serde(default = "default_stack")]
    pub font_stack: String,
    #[serde(default = "default_palette")]
    pub palette: Vec<String>,
    #[serde(default = "default_highlight")]
    pub highlight: String,
    #[serde(default = "default_muted")]
    pub muted: String,
    #[serde(default = "default_text")]
    pub text: String,
    #[serde(default = "default_axis")]
    pub axis: String,
    #[serde(default = "default_grid")]
    pub grid: String,
    #[serde(default = "default_background")]
    pub background: String,
    #[serde(default = "default_width")]
    pub width: u32,
    #[serde(default = "default_font_size")]
    pub font_size: u32,
}

fn default_family() -> String {
    "Noto Sans CJK SC".into()
}
fn default_stack() -> String {
    "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Hiragino Sans GB','Microsoft YaHei',sans-serif".into()
}
fn default_palette() -> Vec<String> {
    ["#9f1c20", "#3d6a84", "#b5651d", "#5b7a45", "#6b4f8c", "#7a5c2e"].map(String::from).to_vec()
}
fn default_highlight() -> String {
    "#9f1c20".into()
}
fn default_muted() -> String {
    "#8c7b73".into()
}
fn default_text() -> String {
    "#333333".into()
}
fn default_axis() -> String {
    "#767676".into()
}
fn default_grid() -> String {
    "#e6dfd4".into()
}
fn default_background() -> String {
    "#ffffff".into()
}
fn default_width() -> u32 {
    480
}
fn default_font_size() -> u32 {
    15
}

impl Default for Style {
    fn default() -> Self {
        serde_json::from_value(json!({})).unwrap_or_else(|_| unreachable!("all fields have defaults"))
    }
}

/// One plotted point.
#[derive(Debug, Clone)]
pub struct Point {
    pub key: String,
    pub label: String,
    pub value: Dec,
    pub share: Option<Dec>,
    pub derived: bool,
}

/// A resolved chart, ready to render.
#[derive(Debug, Clone)]
pub struct Chart {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub subtitle: String,
    pub unit: String,
    /// Plotting shares (percent) rather than counts.
    pub percent: bool,
    pub points: Vec<Point>,
    pub highlight: Option<String>,
    pub note: String,
    pub source: String,
    pub as_of: String,
    /// Dataset the chart draws from (for its CSV name and links).
    pub dataset: String,
}

/// A rendered figure.
#[derive(Debug, Clone)]
pub struct Figure {
    pub id: String,
    pub number: usize,
    /// Where the figure lives (`/portrait/`), for cross-page references.
    pub page_url: String,
    pub chart: Chart,
    /// The bare SVG (for inlining).
    pub svg: String,
    pub summary: String,
}

fn dec_of(v: &Value) -> Option<Dec> {
    match v {
        Value::Number(n) => Dec::parse(&n.to_string()).or_else(|| n.as_f64().and_then(Dec::from_f64)),
        _ => None,
    }
}

fn spos<T>(s: &Spanned<T>) -> Pos {
    Pos::of(s)
}

/// Validates a spec against the data; errors are located at `line_offset` + the YAML position.
pub fn resolve(spec: &ChartSpec, data: &Value, err: &mut dyn FnMut(Pos, String)) -> Option<Chart> {
    let kind = spec.kind.value.as_str();
    if !TYPES.contains(&kind) {
        let hint = crate::util::text::nearest(kind, TYPES.iter().copied()).map(|n| format!(" (did you mean `{n}`?)"));
        err(
            spos(&spec.kind),
            format!("unknown chart type `{kind}`; expected one of {}{}", TYPES.join(", "), hint.unwrap_or_default()),
        );
        return None;
    }
    let id = &spec.id.value;
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        err(spos(&spec.id), format!("chart id `{id}` must be letters, digits, `-` and `_`"));
        return None;
    }
    let path = spec.data.value.as_str();
    let Some(ds_name) = find_dataset(data, path) else {
        let names: Vec<String> = dataset_names(data);
        let first = path.split('.').next().unwrap_or("");
        let hint = crate::util::text::nearest(first, names.iter().map(String::as_str))
            .map(|n| format!(" (did you mean `{n}`?)"));
        err(spos(&spec.data), format!("chart `{id}`: no dataset `{first}` in data/{}", hint.unwrap_or_default()));
        return None;
    };
    let ds = pointer(data, &ds_name)?;
    let rest = path[ds_name.len()..].trim_start_matches('.');
    let as_of = ds.get("as_of").and_then(Value::as_str).unwrap_or("").to_string();
    let source = ds.get("source").and_then(Value::as_str).unwrap_or("").to_string();
    let mut unit = ds.get("unit").and_then(Value::as_str).unwrap_or("").to_string();
    let mut points = Vec::new();

    if rest.is_empty() {
        // Values of the dataset, chosen by `items`.
        if spec.items.is_empty() {
            err(
                spos(&spec.data),
                format!(
                    "chart `{id}`: `data: {path}` names a whole dataset; name a breakdown (`{path}.<breakdown>`) or list `items:` of its values"
                ),
            );
            return None;
        }
        for it in &spec.items {
            let key = &it.value;
            let Some(v) = ds.get(key).filter(|v| v.get("value").is_some() && v.get("parts").is_none()) else {
                let keys: Vec<&str> = ds
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(|v| v.get("key").and_then(Value::as_str)).collect())
                    .unwrap_or_default();
                let hint =
                    crate::util::text::nearest(key, keys.iter().copied()).map(|n| format!(" (did you mean `{n}`?)"));
                err(
                    spos(it),
                    format!("chart `{id}`: dataset `{ds_name}` has no value `{key}`{}", hint.unwrap_or_default()),
                );
                continue;
            };
            if let Some(u) = v.get("unit").and_then(Value::as_str) {
                unit = u.to_string();
            }
            points.push(Point {
                key: key.clone(),
                label: spec.labels.get(key).cloned().unwrap_or_else(|| str_of(v, "label")),
                value: v.get("value").and_then(dec_of).unwrap_or(Dec::ZERO),
                share: None,
                derived: false,
            });
        }
    } else {
        let Some(bd) = ds.get(rest).filter(|b| b.get("parts").is_some()) else {
            let names: Vec<&str> = ds
                .get("breakdowns")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|v| v.get("key").and_then(Value::as_str)).collect())
                .unwrap_or_default();
            let hint =
                crate::util::text::nearest(rest, names.iter().copied()).map(|n| format!(" (did you mean `{n}`?)"));
            err(
                spos(&spec.data),
                format!("chart `{id}`: dataset `{ds_name}` has no breakdown `{rest}`{}", hint.unwrap_or_default()),
            );
            return None;
        };
        if let Some(u) = bd.get("unit").and_then(Value::as_str) {
            unit = u.to_string();
        }
        let with_remainder = spec.remainder.unwrap_or(true);
        for p in bd.get("parts").and_then(Value::as_array).into_iter().flatten() {
            let derived = p.get("derived").and_then(Value::as_bool).unwrap_or(false);
            if derived && !with_remainder {
                continue;
            }
            let key = str_of(p, "key");
            points.push(Point {
                label: spec.labels.get(&key).cloned().unwrap_or_else(|| str_of(p, "label")),
                key,
                value: p.get("value").and_then(dec_of).unwrap_or(Dec::ZERO),
                share: p.get("share").and_then(dec_of),
                derived,
            });
        }
    }
    for k in spec.labels.keys() {
        if !points.iter().any(|p| &p.key == k) {
            err(spos(&spec.data), format!("chart `{id}`: `labels` names `{k}`, which the chart does not plot"));
        }
    }
    let percent = match spec.value.as_ref().map(|v| v.value.as_str()) {
        None | Some("count") => unit == "%",
        Some("share") => {
            if points.iter().any(|p| p.share.is_none()) {
                err(spos(spec.value.as_ref()?), format!("chart `{id}`: `value: share` needs a breakdown with a total"));
                return None;
            }
            true
        }
        Some(other) => {
            err(
                spos(spec.value.as_ref()?),
                format!("chart `{id}`: `value` must be `count` or `share`, found `{other}`"),
            );
            return None;
        }
    };
    if spec.value.as_ref().is_some_and(|v| v.value == "share") {
        for p in &mut points {
            p.value = p.share.unwrap_or(p.value);
        }
    }
    match spec.sort.as_ref().map(|s| s.value.as_str()) {
        None | Some("none") => {}
        Some("desc") => points.sort_by_key(|p| std::cmp::Reverse(p.value)),
        Some("asc") => points.sort_by_key(|p| p.value),
        Some(other) => {
            err(spos(spec.sort.as_ref()?), format!("chart `{id}`: `sort` must be none, desc or asc, found `{other}`"));
            return None;
        }
    }
    if let Some(h) = &spec.highlight
        && !points.iter().any(|p| p.key == h.value)
    {
        let hint = crate::util::text::nearest(&h.value, points.iter().map(|p| p.key.as_str()))
            .map(|n| format!(" (did you mean `{n}`?)"));
        err(
            spos(h),
            format!(
                "chart `{id}`: `highlight` names `{}`, which the chart does not plot{}",
                h.value,
                hint.unwrap_or_default()
            ),
        );
    }
    if points.is_empty() {
        err(spos(&spec.data), format!("chart `{id}` has nothing to plot"));
        return None;
    }
    if points.len() > MAX_POINTS {
        err(spos(&spec.data), format!("chart `{id}` has {} points; the limit is {MAX_POINTS}", points.len()));
        return None;
    }
    Some(Chart {
        id: id.clone(),
        kind: kind.to_string(),
        title: spec.title.clone(),
        subtitle: spec.subtitle.clone(),
        unit: if percent { "%".into() } else { unit },
        percent,
        points,
        highlight: spec.highlight.as_ref().map(|h| h.value.clone()),
        note: spec.note.clone(),
        source,
        as_of,
        dataset: ds_name,
    })
}

/// Most points one chart may plot.
pub const MAX_POINTS: usize = 200;

fn str_of(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

fn pointer<'a>(data: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(data, |v, k| v.get(k))
}

/// The longest prefix of `path` that names a dataset (an object with `title` and `breakdowns`).
fn find_dataset(data: &Value, path: &str) -> Option<String> {
    let segs: Vec<&str> = path.split('.').collect();
    (1..=segs.len())
        .rev()
        .map(|n| segs[..n].join("."))
        .find(|p| pointer(data, p).is_some_and(|v| v.get("breakdowns").is_some()))
}

fn dataset_names(data: &Value) -> Vec<String> {
    data.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

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
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    charts_rs::add_fonts(&[&bytes]).map_err(|e| {
        Error::one(Diagnostic::error(path.display().to_string(), 0, 0, format!("cannot load chart font: {e}")))
    })?;
    done.push(key);
    Ok(())
}

/// Round axis: (max, step) with 1-2-5 steps and at most 6 intervals, leaving `headroom` (0–1) free.
pub fn nice_axis(max: f64, headroom: f64) -> (f64, f64) {
    let target = (max * (1.0 + headroom)).max(1e-9);
    let raw = target / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| target / s <= 6.0).unwrap_or(10.0 * mag);
    let top = (target / step).ceil() * step;
    (top, step)
}

/// Formats a value for a label: whole numbers plain, decimals as written.
fn label_num(d: Dec) -> String {
    d.to_string()
}

/// Estimated text width in px: CJK and full-width forms 1em, others ~0.6em.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(|c| if crate::diag::display_width(&c.to_string()) == 2 { size } else { size * 0.6 }).sum()
}

/// Renders a chart to SVG.
pub fn render(chart: &Chart, style: &Style) -> Result<String> {
    let fs = style.font_size as f64;
    let width = style.width as f64;
    let values: Vec<f64> = chart.points.iter().map(|p| p.value.to_f64()).collect();
    let max = values.iter().cloned().fold(0.0, f64::max);
    let labels: Vec<String> = chart.points.iter().map(|p| p.label.clone()).collect();
    let suffix = if chart.percent { "%" } else { "" };
    let value_labels: Vec<String> = chart.points.iter().map(|p| format!("{}{suffix}", label_num(p.value))).collect();
    let colors: Vec<String> = chart
        .points
        .iter()
        .map(|p| match &chart.highlight {
            Some(h) if &p.key == h => style.highlight.clone(),
            Some(_) => style.muted.clone(),
            None if p.derived => style.muted.clone(),
            None => style.palette.first().cloned().unwrap_or_else(|| style.highlight.clone()),
        })
        .collect();
    let base = json!({
        "width": width, "font_family": style.font_family,
        "margin": {"left": 8, "top": 10, "right": 12, "bottom": 8},
        "x_axis_font_size": fs, "x_axis_font_color": style.text, "x_axis_stroke_color": style.axis,
        "series_label_font_size": fs, "series_label_font_color": style.text,
        "grid_stroke_color": style.grid, "series_colors": style.palette,
        "legend_font_size": fs, "legend_font_color": style.text,
    });
    let mut spec = base.as_object().cloned().unwrap_or_default();
    let merge = |spec: &mut serde_json::Map<String, Value>, v: Value| {
        if let Value::Object(m) = v {
            spec.extend(m);
        }
    };
    let svg = match chart.kind.as_str() {
        "hbar" => {
            // Round axis without headroom (capped at 100 for percentages); the value labels
            // get a right margin as wide as the widest of them, so none is ever clipped.
            let widest = value_labels.iter().map(|l| text_width(l, fs)).fold(0.0, f64::max) + 12.0;
            let (mut top, mut step) = nice_axis(max, 0.0);
            if chart.percent && top > 100.0 {
                (top, step) = (100.0, 25.0);
            }
            let n = chart.points.len() as f64;
            let mut rev_labels = labels.clone();
            rev_labels.reverse();
            let mut rev_vals = values.clone();
            rev_vals.reverse();
            let mut rev_colors = colors.clone();
            rev_colors.reverse();
            merge(
                &mut spec,
                json!({
                    "height": 40.0 + 42.0 * n,
                    "margin": {"left": 8, "top": 10, "right": widest.max(20.0), "bottom": 8},
                    "x_axis_data": rev_labels, "legend_show": false,
                    "x_axis_height": 28,
                    "y_axis_configs": [{"axis_min": 0, "axis_max": top, "axis_split_number": (top / step).round() as u32,
                        "axis_formatter": format!("{{t}}{suffix}"), "axis_font_size": fs - 2.0, "axis_font_color": style.axis}],
                    "series_label_formatter": format!("{{c}}{suffix}"),
                    "series_list": [{"name": chart.title, "data": rev_vals, "label_show": true, "colors": rev_colors}],
                }),
            );
            let mut rev_value_labels = value_labels.clone();
            rev_value_labels.reverse();
            charts_rs::HorizontalBarChart::from_json(&Value::Object(spec).to_string())
                .and_then(|c| c.svg())
                .map(|svg| exact_value_labels(&svg, &rev_value_labels))
        }
        "bar" | "line" => {
            let (top, step) = nice_axis(max, 0.15);
            let n = chart.points.len() as f64;
            let slot = (width - 60.0) / n.max(1.0);
            let longest = labels.iter().map(|l| text_width(l, fs - 1.0)).fold(0.0, f64::max);
            let rotate = longest > slot - 4.0;
            merge(
                &mut spec,
                json!({
                    "height": if rotate { 300.0 + longest * 0.5 } else { 300.0 },
                    "x_axis_data": labels, "legend_show": false,
                    "x_axis_font_size": fs - 1.0,
                    "x_axis_name_rotate": if rotate { 0.6 } else { 0.0 },
                    "x_axis_height": if rotate { 30.0 + longest * 0.6 } else { 30.0 },
                    "y_axis_configs": [{"axis_min": 0, "axis_max": top, "axis_split_number": (top / step).round() as u32,
                        "axis_formatter": format!("{{t}}{suffix}"), "axis_font_size": fs - 2.0, "axis_font_color": style.axis}],
                    "series_label_formatter": format!("{{c}}{suffix}"),
                    "series_list": [{"name": chart.title, "data": values, "label_show": true,
                        "colors": if chart.kind == "bar" { json!(colors) } else { Value::Null }}],
                }),
            );
            if chart.kind == "bar" {
                merge(&mut spec, json!({"radius": 2}));
                charts_rs::BarChart::from_json(&Value::Object(spec).to_string())
                    .and_then(|c| c.svg())
                    .map(|svg| exact_value_labels(&svg, &value_labels))
            } else {
                if let Some(Value::Array(sl)) = spec.get_mut("series_list")
                    && let Some(Value::Object(s)) = sl.first_mut()
                {
                    s.remove("colors");
                }
                charts_rs::LineChart::from_json(&Value::Object(spec).to_string()).and_then(|c| c.svg())
            }
        }
        "donut" | "pie" => {
            let n = chart.points.len();
            let legend_h = 28.0 * n as f64;
            let radius = (width * 0.3).min(130.0);
            let series: Vec<Value> = chart
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let share = p.share.filter(|_| !chart.percent).map(|s| format!(" {s}%")).unwrap_or_default();
                    json!({"name": format!("{} {}{}{}", p.label, label_num(p.value), chart.unit, share), "data": [p.value.to_f64()], "index": i})
                })
                .collect();
            merge(
                &mut spec,
                json!({
                    "height": 2.0 * radius + 24.0 + legend_h,
                    "rose_type": false, "radius": radius, "inner_radius": if chart.kind == "donut" { radius * 0.55 } else { 0.0 },
                    "series_label_position": "inside", "series_label_formatter": "{d}%", "series_label_font_color": "#ffffff",
                    "series_label_font_size": fs - 2.0,
                    "min_show_label_angle": 400,
                    "legend_show": true, "legend_position": "bottom", "legend_align": "left", "legend_category": "rect",
                    "margin": {"left": 12, "top": 6, "right": 12, "bottom": 6},
                    "series_list": series,
                }),
            );
            charts_rs::PieChart::from_json(&Value::Object(spec).to_string()).and_then(|c| c.svg())
        }
        "stacked" => {
            let series: Vec<Value> = chart
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    json!({"name": format!("{} {}{suffix}", p.label, label_num(p.value)), "data": [p.value.to_f64()], "stack": "all", "index": i,
                        "label_show": false})
                })
                .collect();
            let n = chart.points.len() as f64;
            merge(
                &mut spec,
                json!({
                    "height": 96.0 + 26.0 * (n / 2.0).ceil(),
                    "x_axis_data": [""], "y_axis_hidden": true,
                    "legend_show": true, "legend_position": "bottom", "legend_align": "left", "legend_category": "rect",
                    "y_axis_configs": [{"axis_min": 0, "axis_max": if chart.percent { 100.0 } else { values.iter().sum::<f64>() }, "axis_split_number": 4,
                        "axis_formatter": format!("{{t}}{suffix}"), "axis_font_size": fs - 2.0, "axis_font_color": style.axis}],
                    "margin": {"left": 12, "top": 10, "right": 16, "bottom": 6},
                    "series_list": series,
                }),
            );
            charts_rs::HorizontalBarChart::from_json(&Value::Object(spec).to_string()).and_then(|c| c.svg())
        }
        other => return Err(Error::Io(format!("chart type `{other}` not implemented"))),
    };
    let svg = svg.map_err(|e| Error::Io(format!("chart `{}`: charts-rs failed: {e}", chart.id)))?;
    Ok(finish_svg(&svg, chart, style))
}

/// charts-rs prints value labels from an `f32` with one decimal (94.75 → 94.8); a white
/// paper must print the published figure. The labels follow the last bar (`data-value`)
/// in data order, so their text is replaced, in order, by the exact values.
fn exact_value_labels(svg: &str, labels: &[String]) -> String {
    let Some(last_bar) = svg.rfind("data-value=") else { return svg.to_string() };
    let mut out = String::with_capacity(svg.len() + 64);
    let mut rest = &svg[last_bar..];
    out.push_str(&svg[..last_bar]);
    for label in labels {
        let Some(t) = rest.find("<text") else { break };
        let Some(open_end) = rest[t..].find('>').map(|e| t + e + 1) else { break };
        let Some(close) = rest[open_end..].find("</text>").map(|e| open_end + e) else { break };
        out.push_str(&rest[..open_end]);
        out.push_str(&xml(label));
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// Makes charts-rs output accessible and responsive: role, title, desc; the reader's font stack; one line.
fn finish_svg(svg: &str, chart: &Chart, style: &Style) -> String {
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
            xml(&summary(chart)),
            &s[end + 1..]
        );
    }
    s
}

pub fn xml(s: &str) -> String {
    crate::util::escape::html(s)
}

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
        kind = h(&c.kind),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Value {
        json!({"members": {"title": "m", "unit": "人", "as_of": "2021-06", "source": "s", "breakdowns": [], "values": [],
            "by_age": {"key": "by_age", "parts": [
                {"key": "le30", "label": "30岁及以下", "value": 3957, "share": 30.74, "derived": false},
                {"key": "a31_40", "label": "31—40岁", "value": 6280, "share": 48.78, "derived": false}]}}})
    }

    fn spec(yaml: &str) -> ChartSpec {
        crate::source::yaml::parse_yaml(yaml).expect("spec parses")
    }

    fn errors(yaml: &str) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        let _ = resolve(&spec(yaml), &data(), &mut |p, m| out.push((p.line, p.col, m)));
        out
    }

    #[test]
    fn valid_spec_resolves() {
        let c =
            resolve(&spec("id: a\ntype: bar\ndata: members.by_age\ntitle: t\n"), &data(), &mut |_, m| panic!("{m}"))
                .unwrap();
        assert_eq!(c.points.len(), 2);
        assert_eq!(c.unit, "人");
        assert_eq!(c.as_of, "2021-06");
        assert!(summary(&c).contains("31—40岁最多，为6280人，占48.78%"), "{}", summary(&c));
    }

    #[test]
    fn unknown_type_dataset_series_are_located() {
        assert_eq!(
            errors("id: a\ntype: barr\ndata: members.by_age\ntitle: t\n"),
            [(
                2,
                7,
                "unknown chart type `barr`; expected one of bar, hbar, donut, pie, stacked, line (did you mean `bar`?)"
                    .to_string()
            )]
        );
        assert_eq!(
            errors("id: a\ntype: bar\ndata: membres.by_age\ntitle: t\n"),
            [(3, 7, "chart `a`: no dataset `membres` in data/ (did you mean `members`?)".to_string())]
        );
        assert_eq!(
            errors("id: a\ntype: bar\ndata: members.by_ag\ntitle: t\n"),
            [(3, 7, "chart `a`: dataset `members` has no breakdown `by_ag`".to_string())]
        );
        let e = errors("id: a\ntype: bar\ndata: members.by_age\ntitle: t\nhighlight: le3\n");
        assert_eq!(e[0].0, 5);
        assert!(e[0].2.contains("did you mean `le30`"), "{e:?}");
        let e = errors("id: a\ntype: bar\ndata: members\ntitle: t\n");
        assert!(e[0].2.contains("names a whole dataset"), "{e:?}");
        let e = errors("id: a\ntype: bar\ndata: members\nitems: [nope]\ntitle: t\n");
        assert!(e[0].2.contains("has no value `nope`"), "{e:?}");
        let e = errors("id: a b\ntype: bar\ndata: members.by_age\ntitle: t\n");
        assert!(e[0].2.contains("chart id"), "{e:?}");
        let e = errors("id: a\ntype: bar\ndata: members.by_age\ntitle: t\nsort: up\n");
        assert!(e[0].2.contains("`sort` must be"), "{e:?}");
    }

    #[test]
    fn unknown_field_in_spec_is_rejected() {
        let r: std::result::Result<ChartSpec, _> =
            crate::source::yaml::parse_yaml("id: a\ntype: bar\ndata: x\ntitle: t\ncolour: red\n");
        assert!(r.is_err());
    }

    #[test]
    fn exact_labels_replace_rounded_ones() {
        let svg = "<rect data-value=\"94.75\"/><text x=\"1\">94.8%</text><text>x</text>";
        assert_eq!(
            exact_value_labels(svg, &["94.75%".into()]),
            "<rect data-value=\"94.75\"/><text x=\"1\">94.75%</text><text>x</text>"
        );
    }

    #[test]
    fn nice_axes_are_round() {
        assert_eq!(nice_axis(230.0, 0.1), (300.0, 50.0));
        assert_eq!(nice_axis(6280.0, 0.15), (8000.0, 2000.0));
        assert_eq!(nice_axis(94.75, 0.1), (120.0, 20.0));
        let (top, step) = nice_axis(11591.0, 0.2);
        assert!(top >= 11591.0 * 1.2 && (top / step).fract() == 0.0 && top / step <= 6.0);
    }
}
