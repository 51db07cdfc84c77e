//! Datasets as open data: the CSV of a dataset's statistics (its JSON is the statistics
//! serialized, written by the renderer).
//!
//! Takes a [`DatasetStats`]; produces the text of `data/<name>.csv`: UTF-8 with a BOM, so
//! Excel reads Chinese, one row per value, part, group and period of a series. A series' rows
//! have its key as `section`, the period as `key` and `period`, and their own columns:
//! `growth_percent` (over the previous period, computed), `published_growth` with
//! `growth_prefix`/`growth_suffix` (超过20%), and `index` (base period = 100). Cells are quoted as RFC 4180
//! requires, and a cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first)
//! is neutralised with a leading apostrophe — except plain negative numbers.

use crate::number::Dec;
use crate::stats::{BreakdownStats, DatasetStats, GroupStats, PartStats, PeriodStats, SeriesStats, ValueStats};
use crate::util::escape::csv_cell;

/// One row of a dataset's CSV.
struct Row<'a> {
    section: &'a str,
    key: &'a str,
    label: &'a str,
    /// The qualifier before and after the number as the publication prints it (`超过`, `多`).
    prefix: &'a str,
    /// `None` for a period that carries only a published growth.
    value: Option<Dec>,
    suffix: &'a str,
    unit: &'a str,
    share: Option<Dec>,
    /// The share again when the publication prints it (so the CSV reads back as the dataset).
    published_share: Option<Dec>,
    cumulative: Option<Dec>,
    derived: bool,
    as_of: &'a str,
    note: String,
    /// The columns of a series' periods (empty for the other rows).
    period: Option<&'a PeriodStats>,
}

/// The header: the columns of every row, then those of a series' periods.
pub const HEADER: &str = "dataset,section,key,label,prefix,value,suffix,unit,share_percent,published_share,cumulative_percent,derived,as_of,note,period,growth_percent,published_growth,growth_prefix,growth_suffix,index";

/// The CSV text of a dataset's statistics.
pub fn csv(c: &DatasetStats) -> String {
    let mut s = String::from("\u{feff}");
    s.push_str(HEADER);
    s.push_str("\r\n");
    let mut rows: Vec<Row> = c.values.iter().map(value_row).collect();
    for b in &c.breakdowns {
        rows.extend(breakdown_rows(b));
    }
    for sr in &c.series {
        rows.extend(series_rows(sr));
    }
    let num = |d: Option<Dec>| d.map(|d| d.to_string()).unwrap_or_default();
    for r in rows {
        let p = r.period;
        let text = |f: fn(&PeriodStats) -> &str| p.map(|p| f(p).to_string()).unwrap_or_default();
        let cells = [
            c.name.clone(),
            r.section.to_string(),
            r.key.to_string(),
            r.label.to_string(),
            r.prefix.to_string(),
            num(r.value),
            r.suffix.to_string(),
            r.unit.to_string(),
            r.share.map(|d| d.to_string()).unwrap_or_default(),
            r.published_share.map(|d| d.to_string()).unwrap_or_default(),
            r.cumulative.map(|d| d.to_string()).unwrap_or_default(),
            if r.derived { "true".into() } else { "false".into() },
            r.as_of.to_string(),
            r.note,
            text(|p| &p.period),
            num(p.and_then(|p| p.growth)),
            num(p.and_then(|p| p.published_growth)),
            text(|p| &p.growth_prefix),
            text(|p| &p.growth_suffix),
            num(p.and_then(|p| p.index)),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        s.push_str(&line.join(","));
        s.push_str("\r\n");
    }
    s
}

fn value_row(v: &ValueStats) -> Row<'_> {
    let ValueStats { key, label, value, unit, prefix, suffix, as_of, respondents: _, note, text: _ } = v;
    Row {
        section: "values",
        key,
        label,
        prefix,
        value: Some(*value),
        suffix,
        unit,
        share: None,
        published_share: None,
        cumulative: None,
        derived: false,
        as_of,
        note: note.clone(),
        period: None,
    }
}

/// The parts, then the groups. Survey percentages (`%`) get no share columns: a share of a
/// percentage would be a percentage of a percentage.
fn breakdown_rows(b: &BreakdownStats) -> Vec<Row<'_>> {
    let BreakdownStats {
        key: section,
        title: _,
        as_of,
        unit: _,
        total: _,
        total_derived: _,
        sum: _,
        count: _,
        complete: _,
        remainder: _,
        largest: _,
        note: _,
        respondents: _,
        percent,
        parts,
        groups,
    } = b;
    let shown = |d: Option<Dec>| if *percent { None } else { d };
    let mut rows = Vec::with_capacity(parts.len() + groups.len());
    for p in parts {
        let PartStats { key, label, value, share, cumulative, rank: _, derived, published_share, note, unit } = p;
        rows.push(Row {
            section,
            key,
            label,
            prefix: "",
            value: Some(*value),
            suffix: "",
            unit,
            share: shown(*share),
            published_share: share.filter(|_| *published_share),
            cumulative: shown(*cumulative),
            derived: *derived,
            as_of,
            note: note.clone(),
            period: None,
        });
    }
    for g in groups {
        let GroupStats { key, label, value, share, parts, unit, published_value, published_share } = g;
        rows.push(Row {
            section,
            key,
            label,
            prefix: "",
            value: Some(*value),
            suffix: "",
            unit,
            share: shown(*share),
            published_share: share.filter(|_| *published_share),
            cumulative: None,
            derived: !published_value,
            as_of,
            note: format!("合计：{}", parts.join(" + ")),
            period: None,
        });
    }
    rows
}

/// One row per period: the value with its qualifiers, the growth computed and published.
fn series_rows(s: &SeriesStats) -> Vec<Row<'_>> {
    let SeriesStats {
        key: section,
        title: _,
        unit: _,
        note: _,
        frequency: _,
        base: _,
        first: _,
        last: _,
        change: _,
        growth: _,
        cagr: _,
        years: _,
        complete: _,
        periods,
    } = s;
    periods
        .iter()
        .map(|p| {
            let PeriodStats {
                period,
                label,
                value,
                prefix,
                suffix,
                text: _,
                change: _,
                growth: _,
                published_growth: _,
                growth_prefix: _,
                growth_suffix: _,
                growth_text: _,
                index: _,
                note,
                unit,
            } = p;
            Row {
                section,
                key: period,
                label,
                prefix,
                value: *value,
                suffix,
                unit,
                share: None,
                published_share: None,
                cumulative: None,
                derived: false,
                as_of: "",
                note: note.clone(),
                period: Some(p),
            }
        })
        .collect()
}
