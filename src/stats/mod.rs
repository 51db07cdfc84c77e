//! Datasets → typed statistics and consistency findings. Pure: no I/O.
//!
//! Owns the statistics of every dataset and the names under which templates and prose
//! read them. Takes a parsed [`Dataset`](crate::data::Dataset); produces a
//! [`DatasetStats`] (and located [`Diagnostic`](crate::diag::Diagnostic)s for every number
//! that breaks a rule). For each breakdown: the sum of its parts, each part's share of the
//! total (declared, inherited from the dataset, 100 for percentages, or else the sum),
//! cumulative shares in listed order, ranks, the largest part, the declared remainder
//! (total − parts, labelled derived) and groups (named sums of parts).
//!
//! The statistics are typed structs. Serialized (once per site, in [`crate::site`]) they are
//! the tree templates and prose see as `data.<name>` and the open-data file
//! `data/<name>.json`; charts and fact-checking read the structs themselves. The names the
//! serializers emit are listed once, in [`names::RESERVED`], which also decides which keys an
//! editor may not choose.
//!
//! - `mod.rs`: the types and how they serialize.
//! - `names.rs`: the reserved names and the key checks.
//! - `compute.rs`: the dataset and its values; `breakdown.rs`: breakdowns and groups;
//!   `series.rs`: series over time (change, growth, average annual growth, index).

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::number::Dec;

mod breakdown;
mod compute;
pub mod names;
mod series;

pub use compute::compute;
pub use names::{Level, RESERVED};

/// A dataset's statistics: `data.<name>` for templates and prose, what charts plot and
/// fact-checking accepts, and the open-data files.
///
/// Serializes as a map: the fields below, each value under its key before `values`, and
/// each breakdown under its key before `breakdowns` (so `data.members.by_age` works).
#[derive(Debug, Clone)]
pub struct DatasetStats {
    /// `members`, or `a.b` for `data/a/b.yaml`.
    pub name: String,
    pub title: String,
    pub description: String,
    /// As written (`2021-06`), or empty.
    pub as_of: String,
    pub unit: String,
    pub source: String,
    pub respondents: String,
    /// Path relative to the site root, e.g. `data/members.yaml`.
    pub file: String,
    pub total: Option<Dec>,
    pub values: Vec<ValueStats>,
    pub breakdowns: Vec<BreakdownStats>,
    /// Serialized as a map under `series`: `data.members.series.yearly`.
    pub series: Vec<SeriesStats>,
}

/// A quantity over time, with everything computed from it. Growth rates and indices are
/// exact decimals rounded half away from zero to the series' digits.
#[derive(Debug, Clone)]
pub struct SeriesStats {
    pub key: String,
    pub title: String,
    /// Its own unit, or the dataset's.
    pub unit: String,
    pub note: String,
    /// `year`, `quarter` or `month`.
    pub frequency: &'static str,
    /// The period whose index is 100 (none when no period has a value).
    pub base: Option<String>,
    /// Index in `periods` of the first and the last period with a value; serialized as them.
    pub first: Option<usize>,
    pub last: Option<usize>,
    /// Last value − first value.
    pub change: Option<Dec>,
    /// Growth from the first value to the last, in percent.
    pub growth: Option<Dec>,
    /// Average annual growth (CAGR) from the first value to the last, in percent.
    pub cagr: Option<Dec>,
    /// Years from the first value to the last (`0.25` per quarter, `1/12` per month, rounded to 2 places).
    pub years: Option<Dec>,
    /// Every period has a value: the series can be drawn.
    pub complete: bool,
    pub periods: Vec<PeriodStats>,
}

/// One period of a series.
#[derive(Debug, Clone)]
pub struct PeriodStats {
    /// As written: `2018`, `2021Q2`, `2021-06`.
    pub period: String,
    /// `2018年`, `2021年第二季度`, `2021年6月`.
    pub label: String,
    pub value: Option<Dec>,
    pub prefix: String,
    pub suffix: String,
    /// The value as printed (`超过24万平方米`), or empty.
    pub text: String,
    /// Value − the previous period's value.
    pub change: Option<Dec>,
    /// Growth over the previous period, in percent (computed).
    pub growth: Option<Dec>,
    /// Growth over the previous period as the publication printed it, in percent.
    pub published_growth: Option<Dec>,
    pub growth_prefix: String,
    pub growth_suffix: String,
    /// The published growth as printed (`超过20%`), or empty.
    pub growth_text: String,
    /// Value ÷ the base period's value × 100.
    pub index: Option<Dec>,
    pub note: String,
    pub unit: String,
}

/// A single published figure (`values:` in YAML).
#[derive(Debug, Clone)]
pub struct ValueStats {
    pub key: String,
    pub label: String,
    pub value: Dec,
    /// Its own unit, or the dataset's.
    pub unit: String,
    pub prefix: String,
    pub suffix: String,
    /// Its own date, or the dataset's.
    pub as_of: String,
    pub respondents: String,
    pub note: String,
    /// Prefix, number, suffix and unit as printed (`超过24万平方米`).
    pub text: String,
}

/// Labelled parts of a total, with everything computed from them.
///
/// Serializes as a map: each part and group under its key, then the fields below.
#[derive(Debug, Clone)]
pub struct BreakdownStats {
    pub key: String,
    pub title: String,
    /// Its own date (`undated` when the source gives none), or the dataset's.
    pub as_of: String,
    /// Its own unit, or the dataset's.
    pub unit: String,
    /// The total the shares are taken of.
    pub total: Dec,
    /// The total is the sum of the parts (none was declared).
    pub total_derived: bool,
    pub sum: Dec,
    /// Listed parts (the derived remainder not counted).
    pub count: usize,
    pub complete: bool,
    /// Total − sum, when the breakdown declares a remainder.
    pub remainder: Option<Dec>,
    /// Index in `parts` of the first largest part; serialized as that part.
    pub largest: Option<usize>,
    pub note: String,
    /// Its own, or the dataset's.
    pub respondents: String,
    /// The unit is `%` (survey answers: shares are not computed for the CSV).
    pub percent: bool,
    /// Listed parts, then the derived remainder.
    pub parts: Vec<PartStats>,
    pub groups: Vec<GroupStats>,
}

/// One part of a breakdown (or its derived remainder).
#[derive(Debug, Clone)]
pub struct PartStats {
    pub key: String,
    pub label: String,
    pub value: Dec,
    /// Percent of the total; `None` when the total is zero.
    pub share: Option<Dec>,
    /// Share of this part and all listed before it.
    pub cumulative: Option<Dec>,
    /// 1 = largest; ties share a rank.
    pub rank: usize,
    /// The remainder computed by baipi, not a published figure.
    pub derived: bool,
    /// The publication prints this part's share (a `published_share`, checked).
    pub published_share: bool,
    pub note: String,
    pub unit: String,
}

/// A named sum of parts (e.g. 40岁及以下 = 30岁及以下 + 31—40岁).
#[derive(Debug, Clone)]
pub struct GroupStats {
    pub key: String,
    pub label: String,
    pub value: Dec,
    pub share: Option<Dec>,
    /// Keys of the parts summed.
    pub parts: Vec<String>,
    pub unit: String,
    /// The publication prints this sum (`published_value`, checked): not the site's own figure.
    pub published_value: bool,
    /// The publication prints this group's share (`published_share`, checked).
    pub published_share: bool,
}

// Serialization. Each object is written with its keys in byte order, as a JSON map keeps them,
// so the tree for templates and the open-data file read the same however they are produced.
// Every struct is destructured in full: a new field does not compile until it is given a
// name here (and in `names::RESERVED`).

impl Serialize for DatasetStats {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let DatasetStats {
            name,
            title,
            description,
            as_of,
            unit,
            source,
            respondents,
            file,
            total,
            values,
            breakdowns,
            series,
        } = self;
        let mut e = vec![
            ("name", Field::Text(name)),
            ("title", Field::Text(title)),
            ("description", Field::Text(description)),
            ("as_of", Field::Text(as_of)),
            ("unit", Field::Text(unit)),
            ("source", Field::Text(source)),
            ("respondents", Field::Text(respondents)),
            ("file", Field::Text(file)),
            ("total", Field::Maybe(*total)),
        ];
        e.extend(values.iter().map(|v| (v.key.as_str(), Field::Value(v))));
        e.push(("values", Field::Values(values)));
        e.extend(breakdowns.iter().map(|b| (b.key.as_str(), Field::Breakdown(b))));
        e.push(("breakdowns", Field::Breakdowns(breakdowns)));
        e.push(("series", Field::SeriesMap(series)));
        sorted(e, s)
    }
}

impl Serialize for ValueStats {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ValueStats { key, label, value, unit, prefix, suffix, as_of, respondents, note, text } = self;
        let e = vec![
            ("key", Field::Text(key)),
            ("label", Field::Text(label)),
            ("value", Field::Number(*value)),
            ("unit", Field::Text(unit)),
            ("prefix", Field::Text(prefix)),
            ("suffix", Field::Text(suffix)),
            ("as_of", Field::Text(as_of)),
            ("respondents", Field::Text(respondents)),
            ("note", Field::Text(note)),
            ("text", Field::Text(text)),
        ];
        sorted(e, s)
    }
}

impl Serialize for BreakdownStats {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let BreakdownStats {
            key,
            title,
            as_of,
            unit,
            total,
            total_derived,
            sum,
            count,
            complete,
            remainder,
            largest,
            note,
            respondents,
            percent,
            parts,
            groups,
        } = self;
        let mut e: Vec<(&str, Field)> = parts.iter().map(|p| (p.key.as_str(), Field::Part(p))).collect();
        e.extend(groups.iter().map(|g| (g.key.as_str(), Field::Group(g))));
        e.extend([
            ("key", Field::Text(key)),
            ("title", Field::Text(title)),
            ("as_of", Field::Text(as_of)),
            ("unit", Field::Text(unit)),
            ("total", Field::Number(*total)),
            ("total_derived", Field::Flag(*total_derived)),
            ("sum", Field::Number(*sum)),
            ("count", Field::Count(*count)),
            ("complete", Field::Flag(*complete)),
            ("remainder", Field::Maybe(*remainder)),
            ("largest", Field::MaybePart(largest.and_then(|i| parts.get(i)))),
            ("note", Field::Text(note)),
            ("respondents", Field::Text(respondents)),
            ("percent", Field::Flag(*percent)),
            ("parts", Field::Parts(parts)),
            ("groups", Field::Groups(groups)),
        ]);
        sorted(e, s)
    }
}

impl Serialize for PartStats {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let PartStats { key, label, value, share, cumulative, rank, derived, published_share, note, unit } = self;
        let e = vec![
            ("key", Field::Text(key)),
            ("label", Field::Text(label)),
            ("value", Field::Number(*value)),
            ("share", Field::Maybe(*share)),
            ("cumulative", Field::Maybe(*cumulative)),
            ("rank", Field::Count(*rank)),
            ("derived", Field::Flag(*derived)),
            ("published_share", Field::Flag(*published_share)),
            ("note", Field::Text(note)),
            ("unit", Field::Text(unit)),
        ];
        sorted(e, s)
    }
}

impl Serialize for GroupStats {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let GroupStats { key, label, value, share, parts, unit, published_value, published_share } = self;
        let e = vec![
            ("key", Field::Text(key)),
            ("label", Field::Text(label)),
            ("value", Field::Number(*value)),
            ("share", Field::Maybe(*share)),
            ("parts", Field::Keys(parts)),
            ("unit", Field::Text(unit)),
            ("published_value", Field::Flag(*published_value)),
            ("published_share", Field::Flag(*published_share)),
        ];
        sorted(e, s)
    }
}

impl Serialize for SeriesStats {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let SeriesStats {
            key,
            title,
            unit,
            note,
            frequency,
            base,
            first,
            last,
            change,
            growth,
            cagr,
            years,
            complete,
            periods,
        } = self;
        let e = vec![
            ("key", Field::Text(key)),
            ("title", Field::Text(title)),
            ("unit", Field::Text(unit)),
            ("note", Field::Text(note)),
            ("frequency", Field::Text(frequency)),
            ("base", Field::MaybeText(base.as_deref())),
            ("first", Field::MaybePeriod(first.and_then(|i| periods.get(i)))),
            ("last", Field::MaybePeriod(last.and_then(|i| periods.get(i)))),
            ("change", Field::Maybe(*change)),
            ("growth", Field::Maybe(*growth)),
            ("cagr", Field::Maybe(*cagr)),
            ("years", Field::Maybe(*years)),
            ("complete", Field::Flag(*complete)),
            ("count", Field::Count(periods.len())),
            ("periods", Field::Periods(periods)),
            ("at", Field::PeriodMap(periods)),
        ];
        sorted(e, s)
    }
}

impl Serialize for PeriodStats {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let PeriodStats {
            period,
            label,
            value,
            prefix,
            suffix,
            text,
            change,
            growth,
            published_growth,
            growth_prefix,
            growth_suffix,
            growth_text,
            index,
            note,
            unit,
        } = self;
        let e = vec![
            ("period", Field::Text(period)),
            ("label", Field::Text(label)),
            ("value", Field::Maybe(*value)),
            ("prefix", Field::Text(prefix)),
            ("suffix", Field::Text(suffix)),
            ("text", Field::Text(text)),
            ("change", Field::Maybe(*change)),
            ("growth", Field::Maybe(*growth)),
            ("published_growth", Field::Maybe(*published_growth)),
            ("growth_prefix", Field::Text(growth_prefix)),
            ("growth_suffix", Field::Text(growth_suffix)),
            ("growth_text", Field::Text(growth_text)),
            ("index", Field::Maybe(*index)),
            ("note", Field::Text(note)),
            ("unit", Field::Text(unit)),
        ];
        sorted(e, s)
    }
}

/// The value of one entry of a statistics object.
enum Field<'a> {
    Text(&'a str),
    /// Whole numbers as integers, anything else as the nearest float (see [`Dec`]'s `Serialize`).
    Number(Dec),
    /// A number or `null`.
    Maybe(Option<Dec>),
    Flag(bool),
    Count(usize),
    Value(&'a ValueStats),
    Values(&'a [ValueStats]),
    Breakdown(&'a BreakdownStats),
    Breakdowns(&'a [BreakdownStats]),
    Part(&'a PartStats),
    MaybePart(Option<&'a PartStats>),
    Parts(&'a [PartStats]),
    Group(&'a GroupStats),
    Groups(&'a [GroupStats]),
    Keys(&'a [String]),
    MaybeText(Option<&'a str>),
    Series(&'a SeriesStats),
    Period(&'a PeriodStats),
    /// The series of a dataset, as a map from key to series.
    SeriesMap(&'a [SeriesStats]),
    MaybePeriod(Option<&'a PeriodStats>),
    Periods(&'a [PeriodStats]),
    /// A series' periods as a map from the period as written (`at["2018"]`).
    PeriodMap(&'a [PeriodStats]),
}

impl Serialize for Field<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Text(v) => v.serialize(s),
            Field::Number(v) => v.serialize(s),
            Field::Maybe(v) => v.serialize(s),
            Field::Flag(v) => v.serialize(s),
            Field::Count(v) => v.serialize(s),
            Field::Value(v) => v.serialize(s),
            Field::Values(v) => v.serialize(s),
            Field::Breakdown(v) => v.serialize(s),
            Field::Breakdowns(v) => v.serialize(s),
            Field::Part(v) => v.serialize(s),
            Field::MaybePart(v) => v.serialize(s),
            Field::Parts(v) => v.serialize(s),
            Field::Group(v) => v.serialize(s),
            Field::Groups(v) => v.serialize(s),
            Field::Keys(v) => v.serialize(s),
            Field::MaybeText(v) => v.serialize(s),
            Field::SeriesMap(v) => sorted(v.iter().map(|x| (x.key.as_str(), Field::Series(x))).collect(), s),
            Field::Series(v) => v.serialize(s),
            Field::MaybePeriod(v) => v.serialize(s),
            Field::Periods(v) => v.serialize(s),
            Field::PeriodMap(v) => sorted(v.iter().map(|p| (p.period.as_str(), Field::Period(p))).collect(), s),
            Field::Period(v) => v.serialize(s),
        }
    }
}

/// Writes the entries as a map in byte order of their keys. A key given twice (an editor's
/// key equal to a field, which only a dataset with errors has) keeps the later entry, as
/// inserting into a map would.
fn sorted<S: Serializer>(mut entries: Vec<(&str, Field)>, s: S) -> Result<S::Ok, S::Error> {
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut m = s.serialize_map(None)?;
    for (i, (k, v)) in entries.iter().enumerate() {
        if entries.get(i + 1).is_some_and(|next| next.0 == *k) {
            continue;
        }
        m.serialize_entry(k, v)?;
    }
    m.end()
}

/// A number as templates and prose read it from `data.*`, which is JSON: whole numbers stay
/// integers, anything else becomes the nearest `f64`, so `12.50` reads back as `12.5` (and a
/// decimal of more than 15 digits loses its last ones). Charts and fact-checking quote
/// numbers in this form, so that a figure, its summary and the warnings print a number as
/// an expression over the same data would. `None` for magnitudes JSON cannot carry exactly
/// enough to read back (beyond 10²⁷).
pub fn as_seen(d: Dec) -> Option<Dec> {
    if let Some(i) = d.as_i64() {
        return Some(Dec::from_int(i));
    }
    let f = d.to_f64();
    let n = serde_json::Number::from_f64(f)?;
    Dec::parse(&n.to_string()).or_else(|| Dec::from_f64(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap()
    }

    #[test]
    fn written_directly_or_through_a_json_value_the_text_is_the_same() {
        let yaml = "title: t\nunit: 人\ntotal: 100\nvalues:\n  zz: { label: l, value: 1.50 }\n  a: { label: l, value: 2 }\nbreakdowns:\n  m:\n    title: b\n    parts:\n      - { key: z, label: l, value: 60 }\n      - { key: b, label: l, value: 30 }\n    groups:\n      y: { label: l, parts: [z, b] }\n    remainder: { key: c, label: l }\n";
        let ds = crate::data::parse("x", "data/x.yaml", yaml.to_string()).expect("parses");
        let stats = compute(&ds, &Default::default(), &mut Vec::new());
        let direct = serde_json::to_string_pretty(&stats).expect("serializes");
        let via_value = serde_json::to_string_pretty(&serde_json::to_value(&stats).expect("a value")).expect("text");
        assert_eq!(direct, via_value);
        assert!(direct.find("\"a\": {").unwrap() < direct.find("\"as_of\"").unwrap(), "{direct}");
    }

    #[test]
    fn numbers_read_back_as_json_gives_them() {
        assert_eq!(as_seen(d("12.50")).unwrap().to_string(), "12.5");
        assert_eq!(as_seen(d("83.05")).unwrap().to_string(), "83.05");
        assert_eq!(as_seen(d("938")).unwrap().to_string(), "938");
        assert_eq!(as_seen(d("100.00")).unwrap().to_string(), "100");
        assert_eq!(as_seen(d("0.00001")).unwrap().to_string(), "0.00001");
        assert_eq!(as_seen(d("-0.5")).unwrap().to_string(), "-0.5");
        // Beyond f64's digits: what the JSON number reads back as.
        assert_eq!(as_seen(d("12345678901234567.5")).unwrap().to_string(), "12345678901234568");
        assert_eq!(as_seen(d(&"9".repeat(30))), None);
        for s in ["0.1", "2.675", "99.995", "1234567890.1234567", "9007199254740993.5", "100000000000000000000.5"] {
            let Some(x) = Dec::parse(s) else { continue };
            let v = serde_json::to_value(x).unwrap();
            let back = match &v {
                serde_json::Value::Number(n) => {
                    Dec::parse(&n.to_string()).or_else(|| n.as_f64().and_then(Dec::from_f64))
                }
                _ => None,
            };
            assert_eq!(as_seen(x).map(|d| d.to_string()), back.map(|d| d.to_string()), "{s}");
        }
    }
}
