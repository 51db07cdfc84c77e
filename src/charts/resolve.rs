//! A chart spec checked against the statistics → a [`Chart`] (or located errors).
//!
//! Checks run in a fixed order and most stop at the first problem, so that one mistake
//! (an unknown dataset) does not bring a cascade of others (every label unknown).
//! Numbers are taken as templates see them ([`crate::stats::as_seen`]).

use serde_saphyr::Spanned;

use super::{Chart, ChartKind, Measure, Point, Sort, Trend};
use crate::content::chart::ChartSpec;
use crate::source::yaml::Pos;
use crate::stats::{BreakdownStats, DatasetStats, PartStats, PeriodStats, SeriesStats, ValueStats, as_seen};
use crate::util::text::nearest;

/// Most points one chart may plot.
pub const MAX_POINTS: usize = 200;
/// Most charts one chapter may declare (the bundled paper's longest chapter has 3).
pub const MAX_CHARTS_PER_CHAPTER: usize = 100;
/// Most points the charts of one chapter may plot in all.
pub const MAX_POINTS_PER_CHAPTER: usize = 5_000;
/// Most charts a site may declare (10,000 chapters of one chart each are allowed).
pub const MAX_CHARTS_PER_SITE: usize = 10_000;
/// Most points the charts of a whole site may plot in all.
pub const MAX_POINTS_PER_SITE: usize = 100_000;

/// The chart budgets: how many charts and points the chapters so far have used. Drawing is
/// what costs time and memory (a few KiB per point), so a spec over a budget is refused
/// before anything is drawn.
#[derive(Debug, Default)]
pub struct Budget {
    chapter_charts: usize,
    chapter_points: usize,
    site_charts: usize,
    site_points: usize,
}

/// A spent budget: the message and hint for the spec that went over it.
pub struct OverBudget {
    pub message: String,
    pub help: &'static str,
}

impl Budget {
    /// Starts counting a new chapter.
    pub fn next_chapter(&mut self) {
        self.chapter_charts = 0;
        self.chapter_points = 0;
    }

    /// Counts one more chart spec `id`, before it is resolved.
    pub fn chart(&mut self, id: &str) -> Result<(), OverBudget> {
        self.chapter_charts += 1;
        self.site_charts += 1;
        if self.chapter_charts > MAX_CHARTS_PER_CHAPTER {
            return Err(OverBudget {
                message: format!(
                    "chart `{id}` is number {} in this chapter's `charts:`; a chapter may have at most {MAX_CHARTS_PER_CHAPTER} charts",
                    self.chapter_charts
                ),
                help: "split the chapter into several, or drop the charts it does not need",
            });
        }
        if self.site_charts > MAX_CHARTS_PER_SITE {
            return Err(OverBudget {
                message: format!(
                    "chart `{id}` is the site's chart number {}; the chapters of a site may have at most {MAX_CHARTS_PER_SITE} charts in all",
                    self.site_charts
                ),
                help: "drop the charts the paper does not need",
            });
        }
        Ok(())
    }

    /// Counts the `points` of the resolved chart `id`.
    pub fn points(&mut self, id: &str, points: usize) -> Result<(), OverBudget> {
        self.chapter_points += points;
        self.site_points += points;
        if self.chapter_points > MAX_POINTS_PER_CHAPTER {
            return Err(OverBudget {
                message: format!(
                    "chart `{id}` brings this chapter's charts to {} points; the charts of a chapter may plot at most {MAX_POINTS_PER_CHAPTER} points in all",
                    self.chapter_points
                ),
                help: "split the chapter into several, or plot fewer items (`items:`, or a smaller breakdown)",
            });
        }
        if self.site_points > MAX_POINTS_PER_SITE {
            return Err(OverBudget {
                message: format!(
                    "chart `{id}` brings the site's charts to {} points; the charts of a site may plot at most {MAX_POINTS_PER_SITE} points in all",
                    self.site_points
                ),
                help: "plot fewer items (`items:`, or a smaller breakdown), or drop the charts the paper does not need",
            });
        }
        Ok(())
    }
}

/// What a chart plots before `value:` and `sort:` apply.
struct Series {
    unit: String,
    /// The date of what is plotted: the breakdown's, or the one date all plotted values share.
    as_of: String,
    /// The points cover the whole (see [`Chart::whole`]).
    whole: bool,
    points: Vec<Point>,
    /// A series over time.
    trend: Option<Trend>,
}

/// Validates a spec against the statistics; `err` gets each problem at its YAML position.
pub fn resolve(spec: &ChartSpec, data: &[DatasetStats], err: &mut dyn FnMut(Pos, String)) -> Option<Chart> {
    let kind = kind(&spec.kind, err)?;
    let id = &spec.id.value;
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        err(Pos::of(&spec.id), format!("chart id `{id}` must be letters, digits, `-` and `_`"));
        return None;
    }
    // Its downloads are `figures/ID.svg` and `figures/ID.csv`.
    if let Some(why) = crate::util::path::length_problem(&format!("{id}.svg")) {
        err(Pos::of(&spec.id), format!("chart id is too long to name its files (figures/ID.svg): {why}"));
        return None;
    }
    let ds = dataset(spec, data, err)?;
    let rest = spec.data.value[ds.name.len()..].trim_start_matches('.');
    let mut series = match rest.strip_prefix("series.") {
        _ if rest.is_empty() => values(spec, ds, err)?,
        Some(key) => over_time(spec, ds, key, kind, err)?,
        None => parts(spec, ds, rest, err)?,
    };
    for (k, _) in &spec.labels.0 {
        if !series.points.iter().any(|p| p.key == k.value) {
            let hint = nearest(&k.value, series.points.iter().map(|p| p.key.as_str()))
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            err(Pos::of(k), format!("chart `{id}`: `labels` names `{}`, which the chart does not plot{hint}", k.value));
        }
    }
    let percent = measure(spec, &mut series, err)?;
    let mut points = series.points;
    match chosen(&spec.sort, Sort::from_name, err, || sort_expected(id))? {
        Some(Sort::None) | None => {}
        Some(Sort::Desc) => points.sort_by_key(|p| std::cmp::Reverse(p.value)),
        Some(Sort::Asc) => points.sort_by_key(|p| p.value),
    }
    check_highlight(spec, &points, err);
    if points.is_empty() {
        err(Pos::of(&spec.data), format!("chart `{id}` has nothing to plot"));
        return None;
    }
    if points.len() > MAX_POINTS {
        err(Pos::of(&spec.data), format!("chart `{id}` has {} points; the limit is {MAX_POINTS}", points.len()));
        return None;
    }
    Some(Chart {
        id: id.clone(),
        kind,
        title: spec.title.clone(),
        subtitle: spec.subtitle.clone(),
        unit: if percent { "%".into() } else { series.unit },
        percent,
        points,
        whole: series.whole,
        highlight: spec.highlight.as_ref().map(|h| h.value.clone()),
        note: spec.note.clone(),
        source: ds.source.clone(),
        as_of: series.as_of,
        dataset: ds.name.clone(),
        trend: series.trend,
    })
}

fn kind(spec_kind: &Spanned<String>, err: &mut dyn FnMut(Pos, String)) -> Option<ChartKind> {
    let name = spec_kind.value.as_str();
    let found = ChartKind::from_name(name);
    if found.is_none() {
        let names = ChartKind::ALL.map(ChartKind::name);
        let hint = nearest(name, names.iter().copied()).map(|n| format!(" (did you mean `{n}`?)"));
        err(
            Pos::of(spec_kind),
            format!("unknown chart type `{name}`; expected one of {}{}", names.join(", "), hint.unwrap_or_default()),
        );
    }
    found
}

/// A keyword setting (`value:`, `sort:`): `Some(None)` when absent, `None` after reporting
/// an unknown word as "`<expected>`, found `<word>`".
fn chosen<T>(
    field: &Option<Spanned<String>>,
    parse: fn(&str) -> Option<T>,
    err: &mut dyn FnMut(Pos, String),
    expected: impl FnOnce() -> String,
) -> Option<Option<T>> {
    let Some(f) = field else { return Some(None) };
    match parse(&f.value) {
        Some(v) => Some(Some(v)),
        None => {
            err(Pos::of(f), format!("{}, found `{}`", expected(), f.value));
            None
        }
    }
}

/// `a`, `a or b`, `a, b or c`.
fn alternatives(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn sort_expected(id: &str) -> String {
    let names: Vec<String> = Sort::ALL.iter().map(|s| s.name().to_string()).collect();
    format!("chart `{id}`: `sort` must be {}", alternatives(&names))
}

/// The dataset `data:` starts with: the longest dotted prefix that names one.
fn dataset<'a>(
    spec: &ChartSpec,
    data: &'a [DatasetStats],
    err: &mut dyn FnMut(Pos, String),
) -> Option<&'a DatasetStats> {
    let path = spec.data.value.as_str();
    let names =
        |d: &&DatasetStats| path.strip_prefix(d.name.as_str()).is_some_and(|r| r.is_empty() || r.starts_with('.'));
    let found = data.iter().filter(names).max_by_key(|d| d.name.len());
    if found.is_none() {
        // Suggest among the first segments of the names, as `data.` shows them.
        let mut firsts: Vec<&str> = Vec::new();
        for d in data {
            let f = d.name.split('.').next().unwrap_or("");
            if !firsts.contains(&f) {
                firsts.push(f);
            }
        }
        let first = path.split('.').next().unwrap_or("");
        let hint = nearest(first, firsts.into_iter()).map(|n| format!(" (did you mean `{n}`?)"));
        err(
            Pos::of(&spec.data),
            format!("chart `{}`: no dataset `{first}` in data/{}", spec.id.value, hint.unwrap_or_default()),
        );
    }
    found
}

/// A dataset's values, chosen by `items`.
fn values(spec: &ChartSpec, ds: &DatasetStats, err: &mut dyn FnMut(Pos, String)) -> Option<Series> {
    let (id, path) = (&spec.id.value, &spec.data.value);
    if spec.items.is_empty() {
        err(
            Pos::of(&spec.data),
            format!(
                "chart `{id}`: `data: {path}` names a whole dataset; name a breakdown (`{path}.<breakdown>`) or list `items:` of its values"
            ),
        );
        return None;
    }
    let mut series =
        Series { unit: ds.unit.clone(), as_of: ds.as_of.clone(), whole: false, points: Vec::new(), trend: None };
    let mut dates: Vec<&str> = Vec::new();
    for it in &spec.items {
        let Some(v) = ds.values.iter().find(|v| v.key == it.value) else {
            let hint =
                nearest(&it.value, ds.values.iter().map(|v| v.key.as_str())).map(|n| format!(" (did you mean `{n}`?)"));
            err(
                Pos::of(it),
                format!("chart `{id}`: dataset `{}` has no value `{}`{}", ds.name, it.value, hint.unwrap_or_default()),
            );
            continue;
        };
        let ValueStats { key, label, value, unit, prefix: _, suffix: _, as_of, respondents: _, note: _, text: _ } = v;
        // One axis, one unit: values in different units cannot share a chart.
        if let Some(first) = series.points.first().map(|p| &p.key)
            && *unit != series.unit
        {
            err(
                Pos::of(it),
                format!(
                    "chart `{id}`: value `{key}` is in {unit}, but `{first}` is in {}; one chart plots one unit",
                    series.unit
                ),
            );
            continue;
        }
        series.unit = unit.clone();
        dates.push(as_of);
        series.points.push(Point {
            key: key.clone(),
            label: spec.labels.get(key).cloned().unwrap_or_else(|| label.clone()),
            value: as_seen(*value).unwrap_or(*value),
            share: None,
            derived: false,
            growth: None,
        });
    }
    if let Some(first) = dates.first()
        && dates.iter().all(|d| d == first)
    {
        series.as_of = first.to_string();
    }
    Some(series)
}

/// The parts of the breakdown `rest` names (with the remainder unless `remainder: false`).
fn parts(spec: &ChartSpec, ds: &DatasetStats, rest: &str, err: &mut dyn FnMut(Pos, String)) -> Option<Series> {
    let Some(bd) = ds.breakdowns.iter().find(|b| b.key == rest) else {
        let hint =
            nearest(rest, ds.breakdowns.iter().map(|b| b.key.as_str())).map(|n| format!(" (did you mean `{n}`?)"));
        err(
            Pos::of(&spec.data),
            format!(
                "chart `{}`: dataset `{}` has no breakdown `{rest}`{}",
                spec.id.value,
                ds.name,
                hint.unwrap_or_default()
            ),
        );
        return None;
    };
    let BreakdownStats {
        key: _,
        title: _,
        as_of,
        unit,
        total: _,
        total_derived: _,
        sum: _,
        count: _,
        complete,
        remainder: _,
        largest: _,
        note: _,
        respondents: _,
        percent: _,
        parts,
        groups: _,
    } = bd;
    let with_remainder = spec.remainder.unwrap_or(true);
    let points = parts
        .iter()
        .filter(|p| with_remainder || !p.derived)
        .map(|p| {
            let PartStats {
                key,
                label,
                value,
                share,
                cumulative: _,
                rank: _,
                derived,
                published_share: _,
                note: _,
                unit: _,
            } = p;
            Point {
                key: key.clone(),
                label: spec.labels.get(key).cloned().unwrap_or_else(|| label.clone()),
                value: as_seen(*value).unwrap_or(*value),
                share: share.and_then(as_seen),
                derived: *derived,
                growth: None,
            }
        })
        .collect();
    let whole = *complete || (with_remainder && parts.iter().any(|p| p.derived));
    Some(Series { unit: unit.clone(), as_of: as_of.clone(), whole, points, trend: None })
}

/// The periods of the series `key`: drawn as a line or bars, in time order, every period with
/// a value (a chart never draws a value the data does not give).
fn over_time(
    spec: &ChartSpec,
    ds: &DatasetStats,
    key: &str,
    kind: ChartKind,
    err: &mut dyn FnMut(Pos, String),
) -> Option<Series> {
    let id = &spec.id.value;
    let Some(s) = ds.series.iter().find(|s| s.key == key) else {
        let hint = nearest(key, ds.series.iter().map(|s| s.key.as_str())).map(|n| format!(" (did you mean `{n}`?)"));
        err(
            Pos::of(&spec.data),
            format!("chart `{id}`: dataset `{}` has no series `{key}`{}", ds.name, hint.unwrap_or_default()),
        );
        return None;
    };
    let SeriesStats {
        key: _,
        title: _,
        unit,
        note: _,
        frequency: _,
        base: _,
        first: _,
        last: _,
        change: _,
        growth,
        cagr,
        years: _,
        complete: _,
        periods,
    } = s;
    drawable_over_time(spec, kind, err)?;
    let missing: Vec<&str> = periods.iter().filter(|p| p.value.is_none()).map(|p| p.period.as_str()).collect();
    if !missing.is_empty() || periods.len() < 2 {
        let why = if missing.is_empty() {
            format!("it has {} period; a chart over time needs at least two", periods.len())
        } else {
            format!("it gives no value for {}; a chart draws only values the data gives", missing.join(", "))
        };
        err(Pos::of(&spec.data), format!("chart `{id}`: series `{key}` cannot be drawn: {why}"));
        return None;
    }
    let points = period_points(spec, periods);
    let trend = Some(Trend { growth: growth.and_then(as_seen), cagr: cagr.and_then(as_seen) });
    Some(Series { unit: unit.clone(), as_of: String::new(), whole: false, points, trend })
}

/// A series over time is drawn as a line or bars, in time order, as counts.
fn drawable_over_time(spec: &ChartSpec, kind: ChartKind, err: &mut dyn FnMut(Pos, String)) -> Option<()> {
    let id = &spec.id.value;
    if !matches!(kind, ChartKind::Line | ChartKind::Bar) {
        err(
            Pos::of(&spec.kind),
            format!(
                "chart `{id}`: a series over time is drawn as `line` or `bar`, not `{}` (its periods are not parts of a whole)",
                kind.name()
            ),
        );
        return None;
    }
    if let Some(v) = spec.value.as_ref().filter(|v| v.value != Measure::Count.name()) {
        err(Pos::of(v), format!("chart `{id}`: a series over time has no shares to plot; remove `value: {}`", v.value));
        return None;
    }
    if let Some(o) = spec.sort.as_ref().filter(|o| o.value != Sort::None.name()) {
        err(Pos::of(o), format!("chart `{id}`: a series over time is drawn in time order; remove `sort: {}`", o.value));
        return None;
    }
    Some(())
}

/// One point per period, labelled as the period is named (or by `labels:`).
fn period_points(spec: &ChartSpec, periods: &[PeriodStats]) -> Vec<Point> {
    periods
        .iter()
        .map(|p| {
            let PeriodStats {
                period,
                label,
                value,
                prefix: _,
                suffix: _,
                text: _,
                change: _,
                growth,
                published_growth: _,
                growth_prefix: _,
                growth_suffix: _,
                growth_text: _,
                index: _,
                note: _,
                unit: _,
            } = p;
            let value = value.unwrap_or(crate::number::Dec::ZERO);
            Point {
                key: period.clone(),
                label: spec.labels.get(period).cloned().unwrap_or_else(|| label.clone()),
                value: as_seen(value).unwrap_or(value),
                share: None,
                derived: false,
                growth: growth.and_then(as_seen),
            }
        })
        .collect()
}

/// Applies `value:`; whether the chart now plots percentages.
fn measure(spec: &ChartSpec, series: &mut Series, err: &mut dyn FnMut(Pos, String)) -> Option<bool> {
    let id = &spec.id.value;
    let expected = || {
        let names: Vec<String> = Measure::ALL.iter().map(|m| format!("`{}`", m.name())).collect();
        format!("chart `{id}`: `value` must be {}", alternatives(&names))
    };
    match chosen(&spec.value, Measure::from_name, err, expected)?.unwrap_or(Measure::Count) {
        Measure::Count => Some(series.unit == "%"),
        Measure::Share => {
            if series.points.iter().any(|p| p.share.is_none()) {
                err(
                    Pos::of(spec.value.as_ref()?),
                    format!("chart `{id}`: `value: share` needs a breakdown with a total"),
                );
                return None;
            }
            for p in &mut series.points {
                p.value = p.share.unwrap_or(p.value);
            }
            Some(true)
        }
    }
}

fn check_highlight(spec: &ChartSpec, points: &[Point], err: &mut dyn FnMut(Pos, String)) {
    let Some(h) = &spec.highlight else { return };
    if points.iter().any(|p| p.key == h.value) {
        return;
    }
    let hint = nearest(&h.value, points.iter().map(|p| p.key.as_str())).map(|n| format!(" (did you mean `{n}`?)"));
    err(
        Pos::of(h),
        format!(
            "chart `{}`: `highlight` names `{}`, which the chart does not plot{}",
            spec.id.value,
            h.value,
            hint.unwrap_or_default()
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_count_per_chapter_and_per_site() {
        let mut b = Budget::default();
        // 5,000 chapters of two small charts each stay within every budget.
        for _ in 0..MAX_CHARTS_PER_SITE / 2 {
            b.next_chapter();
            for id in ["a", "b"] {
                assert!(b.chart(id).is_ok() && b.points(id, 4).is_ok());
            }
        }
        b.next_chapter();
        let over = b.chart("z").err().map(|o| o.message).unwrap_or_default();
        assert_eq!(
            over,
            "chart `z` is the site's chart number 10001; the chapters of a site may have at most 10000 charts in all"
        );
        // A new chapter starts its own count; the site's count goes on.
        let mut b = Budget::default();
        for i in 0..MAX_CHARTS_PER_CHAPTER {
            assert!(b.chart(&i.to_string()).is_ok());
        }
        assert!(b.chart("x").is_err());
        b.next_chapter();
        assert!(b.chart("y").is_ok());
        assert!(b.points("y", MAX_POINTS_PER_CHAPTER).is_ok());
        assert!(b.points("y", 1).is_err());
    }

    /// Positions as (line, column, message).
    type Found = Vec<(usize, usize, String)>;

    fn data() -> Vec<DatasetStats> {
        let yaml = "title: m\nunit: 人\nas_of: 2021-06\nsource: s\ntotal: 12873\nvalues:\n  n: { label: 党员, value: 12873 }\nbreakdowns:\n  by_age:\n    title: a\n    parts:\n      - { key: le30, label: 30岁及以下, value: 3957 }\n      - { key: a31_40, label: 31—40岁, value: 6280 }\n";
        let ds = crate::data::parse("members", "data/members.yaml", yaml.to_string()).expect("parses");
        let mut diags = Vec::new();
        let stats = crate::stats::compute(&ds, &crate::format::NumberFormat::default(), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        vec![stats]
    }

    fn spec(yaml: &str) -> ChartSpec {
        crate::source::yaml::parse_yaml(yaml).expect("spec parses")
    }

    fn errors(yaml: &str) -> Found {
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
        assert_eq!(c.kind, ChartKind::Bar);
        assert_eq!(c.unit, "人");
        assert_eq!(c.as_of, "2021-06");
        let s = crate::charts::summary(&c, &Default::default());
        assert!(s.contains("31—40岁最多，为6,280人，占48.78%"), "{s}");
        let c = resolve(
            &spec("id: a\ntype: hbar\ndata: members.by_age\ntitle: t\nvalue: share\nsort: asc\n"),
            &data(),
            &mut |_, m| panic!("{m}"),
        )
        .unwrap();
        assert!(c.percent);
        assert_eq!(c.points.iter().map(|p| p.value.to_string()).collect::<Vec<_>>(), ["30.74", "48.78"]);
        let c = resolve(&spec("id: a\ntype: pie\ndata: members\nitems: [n]\ntitle: t\n"), &data(), &mut |_, m| {
            panic!("{m}")
        })
        .unwrap();
        assert_eq!(c.points[0].label, "党员");
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
            [(3, 7, "chart `a`: dataset `members` has no breakdown `by_ag` (did you mean `by_age`?)".to_string())]
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
        assert_eq!(
            errors("id: a\ntype: bar\ndata: members.by_age\ntitle: t\nsort: up\n"),
            [(5, 7, "chart `a`: `sort` must be none, desc or asc, found `up`".to_string())]
        );
        assert_eq!(
            errors("id: a\ntype: bar\ndata: members.by_age\ntitle: t\nvalue: pct\n"),
            [(5, 8, "chart `a`: `value` must be `count` or `share`, found `pct`".to_string())]
        );
        let e = errors("id: a\ntype: bar\ndata: members\nitems: [n]\ntitle: t\nvalue: share\n");
        assert!(e[0].2.contains("`value: share` needs a breakdown with a total"), "{e:?}");
    }

    fn with_series() -> Vec<DatasetStats> {
        let yaml = "title: m\nunit: 人\nseries:\n  yearly:\n    title: y\n    periods:\n      - { period: 2018, value: 800 }\n      - { period: 2019, value: 1000 }\n      - { period: 2021, value: 1200 }\n  gappy:\n    title: g\n    periods:\n      - { period: 2018, published_growth: 20, growth_prefix: 超过 }\n";
        let ds = crate::data::parse("members", "data/members.yaml", yaml.to_string()).expect("parses");
        let mut diags = Vec::new();
        let stats = crate::stats::compute(&ds, &Default::default(), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        vec![stats]
    }

    #[test]
    fn a_series_is_drawn_over_time() {
        let data = with_series();
        let c = resolve(
            &spec("id: a\ntype: line\ndata: members.series.yearly\ntitle: 党员人数\nlabels: { \"2021\": 2021年6月 }\n"),
            &data,
            &mut |_, m| panic!("{m}"),
        )
        .unwrap();
        assert_eq!(c.points.iter().map(|p| p.label.as_str()).collect::<Vec<_>>(), ["2018年", "2019年", "2021年6月"]);
        assert_eq!(c.points[1].growth.map(|g| g.to_string()), Some("25".into()));
        assert_eq!(c.trend.and_then(|t| t.cagr).map(|g| g.to_string()), Some("14.47".into()));
        let s = crate::charts::summary(&c, &Default::default());
        assert_eq!(s, "党员人数：共3个时点，2018年为800人，2021年6月为1,200人，增长50%，年均增长14.47%。");
        assert!(!s.contains('占'), "{s}");
        let c = resolve(&spec("id: a\ntype: bar\ndata: members.series.yearly\ntitle: t\n"), &data, &mut |_, m| {
            panic!("{m}")
        })
        .unwrap();
        assert!(crate::charts::summary(&c, &Default::default()).contains("增长50%"));
        let mut out = Vec::new();
        let mut errs = |y: &str| {
            out.clear();
            let _ = resolve(&spec(y), &data, &mut |p, m| out.push((p.line, p.col, m)));
            out.clone()
        };
        let e = errs("id: a\ntype: line\ndata: members.series.gappy\ntitle: t\n");
        assert_eq!(e, [(3, 7, "chart `a`: series `gappy` cannot be drawn: it gives no value for 2018; a chart draws only values the data gives".to_string())]);
        let e = errs("id: a\ntype: pie\ndata: members.series.yearly\ntitle: t\n");
        assert!(e[0].2.contains("is drawn as `line` or `bar`, not `pie`"), "{e:?}");
        let e = errs("id: a\ntype: bar\ndata: members.series.yearly\ntitle: t\nsort: desc\n");
        assert!(e[0].2.contains("drawn in time order; remove `sort: desc`"), "{e:?}");
        let e = errs("id: a\ntype: bar\ndata: members.series.yearli\ntitle: t\n");
        assert!(e[0].2.contains("has no series `yearli` (did you mean `yearly`?)"), "{e:?}");
    }

    #[test]
    fn every_kind_has_a_name_that_parses_back() {
        for k in ChartKind::ALL {
            assert_eq!(ChartKind::from_name(k.name()), Some(k));
        }
        assert_eq!(alternatives(&["a".into(), "b".into(), "c".into()]), "a, b or c");
    }

    #[test]
    fn unknown_field_in_spec_is_rejected() {
        let r: std::result::Result<ChartSpec, _> =
            crate::source::yaml::parse_yaml("id: a\ntype: bar\ndata: x\ntitle: t\ncolour: red\n");
        assert!(r.is_err());
    }
}
