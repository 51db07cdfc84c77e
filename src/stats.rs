//! Datasets → statistics and consistency findings. Pure: no I/O.
//!
//! For each breakdown: the sum of its parts, each part's share of the total
//! (declared, inherited from the dataset, 100 for percentages, or else the
//! sum), cumulative shares in listed order, ranks, the largest part, the
//! declared remainder (total − parts, labelled derived) and groups (named
//! sums of parts). Every rule that the numbers must obey is checked here and
//! reported with the line and column of the offending number.

use serde_json::{Map, Value, json};

use crate::data::{Breakdown, Dataset, Pos};
use crate::diag::Diagnostic;
use crate::number::Dec;

const DATASET_FIELDS: &[&str] = &[
    "name",
    "title",
    "description",
    "as_of",
    "unit",
    "source",
    "respondents",
    "total",
    "values",
    "breakdowns",
    "file",
    "digits",
    "csv",
    "json",
];
const BREAKDOWN_FIELDS: &[&str] = &[
    "key",
    "title",
    "unit",
    "total",
    "total_derived",
    "sum",
    "count",
    "complete",
    "remainder",
    "largest",
    "parts",
    "groups",
    "note",
    "respondents",
    "digits",
];

/// A dataset with everything computed, ready for templates, prose and open data.
#[derive(Debug, Clone)]
pub struct Computed {
    pub name: String,
    /// The whole tree as exposed under `data.<name>`.
    pub value: Value,
    /// Flat rows for CSV: one per value, part and group.
    pub rows: Vec<Row>,
}

/// One row of a dataset's CSV.
#[derive(Debug, Clone)]
pub struct Row {
    pub section: String,
    pub key: String,
    pub label: String,
    pub value: Dec,
    pub unit: String,
    pub share: Option<Dec>,
    pub cumulative: Option<Dec>,
    pub derived: bool,
    pub as_of: String,
    pub note: String,
}

/// Numbers as JSON: integers stay integers.
pub fn num(d: Dec) -> Value {
    match d.as_i64() {
        Some(i) => json!(i),
        None => json!(d.to_f64()),
    }
}

fn opt_num(d: Option<Dec>) -> Value {
    d.map(num).unwrap_or(Value::Null)
}

struct Ctx<'a> {
    ds: &'a Dataset,
    out: &'a mut Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn err(&mut self, pos: Pos, msg: String) {
        let d =
            Diagnostic::error(&self.ds.file, pos.line + self.ds.line_offset, pos.col, msg).with_source(&self.ds.source);
        self.out.push(d);
    }
}

/// Computes a dataset's statistics; problems are appended to `diags`.
pub fn compute(ds: &Dataset, default_digits: u32, diags: &mut Vec<Diagnostic>) -> Computed {
    let mut cx = Ctx { ds, out: diags };
    let def = &ds.def;
    let digits = def.digits.unwrap_or(default_digits).min(6);
    let as_of = def.as_of.as_ref().map(|a| a.0.clone()).unwrap_or_default();
    let mut root = Map::new();
    root.insert("name".into(), json!(ds.name));
    root.insert("title".into(), json!(def.title));
    root.insert("description".into(), json!(def.description));
    root.insert("as_of".into(), json!(as_of));
    root.insert("unit".into(), json!(def.unit));
    root.insert("source".into(), json!(def.source));
    root.insert("respondents".into(), json!(def.respondents));
    root.insert("file".into(), json!(ds.file));
    let mut rows = Vec::new();

    if let Some(t) = &def.total {
        check_count(&mut cx, t.value, Pos::of(t), "total");
    }
    root.insert("total".into(), opt_num(def.total.as_ref().map(|t| t.value)));

    let mut seen: Vec<String> = Vec::new();
    let mut claim = |cx: &mut Ctx, key: &serde_saphyr::Spanned<String>| {
        let k = &key.value;
        if !valid_key(k) {
            cx.err(Pos::of(key), format!("key `{k}` must be letters, digits and `_`, not starting with a digit"));
        } else if DATASET_FIELDS.contains(&k.as_str()) {
            cx.err(
                Pos::of(key),
                format!("key `{k}` is reserved for the dataset's own field `{k}`; choose another name"),
            );
        } else if seen.contains(k) {
            cx.err(
                Pos::of(key),
                format!("key `{k}` is used twice in this dataset (values and breakdowns share one namespace)"),
            );
        }
        seen.push(k.clone());
    };

    let mut values = Vec::new();
    for (key, f) in &def.values.0 {
        claim(&mut cx, key);
        let unit = f.unit.clone().unwrap_or_else(|| def.unit.clone());
        check_count(&mut cx, f.value.value, Pos::of(&f.value), "value");
        if unit == "%" && f.value.value > Dec::from_int(100) {
            cx.err(Pos::of(&f.value), format!("a percentage cannot exceed 100, found {}", f.value.value));
        }
        let fact_as_of = f.as_of.as_ref().map(|a| a.0.clone()).unwrap_or_else(|| as_of.clone());
        let text = crate::format::fact_text(&f.prefix, f.value.value, &f.suffix, &unit);
        let v = json!({
            "key": key.value, "label": f.label, "value": num(f.value.value), "unit": unit,
            "prefix": f.prefix, "suffix": f.suffix, "as_of": fact_as_of, "respondents": f.respondents,
            "note": f.note, "text": text,
        });
        rows.push(Row {
            section: "values".into(),
            key: key.value.clone(),
            label: f.label.clone(),
            value: f.value.value,
            unit,
            share: None,
            cumulative: None,
            derived: false,
            as_of: fact_as_of,
            note: [f.prefix.as_str(), f.suffix.as_str(), f.note.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join("；"),
        });
        root.insert(key.value.clone(), v.clone());
        values.push(v);
    }
    root.insert("values".into(), Value::Array(values));

    let mut bds = Vec::new();
    for (key, b) in &def.breakdowns.0 {
        claim(&mut cx, key);
        let v = breakdown(&mut cx, &key.value, b, digits, &as_of, &mut rows);
        root.insert(key.value.clone(), v.clone());
        bds.push(v);
    }
    root.insert("breakdowns".into(), Value::Array(bds));
    Computed { name: ds.name.clone(), value: Value::Object(root), rows }
}

fn valid_key(k: &str) -> bool {
    let mut cs = k.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check_count(cx: &mut Ctx, v: Dec, pos: Pos, field: &str) {
    if v.is_negative() {
        cx.err(pos, format!("`{field}` cannot be negative, found {v}"));
    }
}

fn breakdown(cx: &mut Ctx, key: &str, b: &Breakdown, ds_digits: u32, as_of: &str, rows: &mut Vec<Row>) -> Value {
    let def = &cx.ds.def;
    let digits = b.digits.unwrap_or(ds_digits).min(6);
    let unit = b.unit.clone().unwrap_or_else(|| def.unit.clone());
    let percent = unit == "%";
    let bd_pos = Pos::of(&b.parts);

    // Parts: keys unique and valid, values not negative.
    let mut keys: Vec<String> = Vec::new();
    let mut sum = Dec::ZERO;
    for p in &b.parts.value {
        let k = &p.key.value;
        if !valid_key(k) {
            cx.err(
                Pos::of(&p.key),
                format!("part key `{k}` must be letters, digits and `_`, not starting with a digit"),
            );
        } else if BREAKDOWN_FIELDS.contains(&k.as_str()) {
            cx.err(Pos::of(&p.key), format!("part key `{k}` is reserved for the breakdown's own field `{k}`"));
        } else if keys.contains(k) {
            cx.err(Pos::of(&p.key), format!("part key `{k}` appears twice in breakdown `{key}`"));
        }
        keys.push(k.clone());
        if p.value.value.is_negative() {
            cx.err(Pos::of(&p.value), format!("`value` of part `{k}` cannot be negative, found {}", p.value.value));
        }
        sum = sum.checked_add(p.value.value).unwrap_or(sum);
    }
    if b.parts.value.is_empty() {
        cx.err(bd_pos, format!("breakdown `{key}` has no parts"));
    }

    // The total the shares are taken of.
    let (total, total_pos, total_derived) = match (&b.total, &def.total) {
        (Some(t), _) => (t.value, Pos::of(t), false),
        _ if percent => (Dec::from_int(100), bd_pos, false),
        (None, Some(t)) => (t.value, Pos::of(t), false),
        (None, None) => (sum, bd_pos, true),
    };
    if let Some(t) = &b.total {
        check_count(cx, t.value, Pos::of(t), "total");
    }
    let total_ok = !total.is_zero() && !total.is_negative();
    if total.is_zero() && !b.parts.value.is_empty() {
        cx.err(total_pos, format!("breakdown `{key}`: the total is zero, so no share can be computed"));
    }
    if sum > total {
        let what = if percent { "percentages of one question add up to" } else { "parts add up to" };
        cx.err(
            total_pos,
            format!("breakdown `{key}`: {what} {sum}, more than the total {total} (sum of {})", keys.join(" + ")),
        );
    }
    let remainder = if total_derived { None } else { total.checked_sub(sum).filter(|r| !r.is_negative()) };
    if b.complete && b.remainder.is_none() && !total_derived && sum != total && sum <= total {
        cx.err(
            total_pos,
            format!(
                "breakdown `{key}` is marked complete, but its parts add up to {sum}, not the total {total} (missing {})",
                remainder.map(|r| r.to_string()).unwrap_or_default()
            ),
        );
    }
    let share = |v: Dec| {
        if total_ok { v.percent_of(total, digits) } else { None }
    };

    // Listed parts plus the derived remainder.
    struct P {
        key: String,
        label: String,
        value: Dec,
        derived: bool,
        note: String,
    }
    let mut parts: Vec<P> = b
        .parts
        .value
        .iter()
        .map(|p| P {
            key: p.key.value.clone(),
            label: p.label.clone(),
            value: p.value.value,
            derived: false,
            note: p.note.clone(),
        })
        .collect();
    if let Some(r) = &b.remainder {
        if keys.contains(&r.key) || !valid_key(&r.key) || BREAKDOWN_FIELDS.contains(&r.key.as_str()) {
            cx.err(bd_pos, format!("remainder key `{}` is invalid or used by a part", r.key));
        }
        if total_derived {
            cx.err(bd_pos, format!("breakdown `{key}` declares a remainder but has no total to take it from"));
        }
        if let Some(rv) = remainder {
            let note =
                if r.note.is_empty() { format!("推算：{} 减去已列分项之和", total) } else { r.note.clone() };
            parts.push(P { key: r.key.clone(), label: r.label.clone(), value: rv, derived: true, note });
        }
    }

    // Published shares must match.
    for p in &b.parts.value {
        if let Some(ps) = &p.published_share {
            check_published(cx, &p.key.value, p.value.value, total, ps, total_ok);
        }
    }

    // Ranks (1 = largest; ties share a rank) and cumulative shares.
    let mut obj = Map::new();
    let mut list = Vec::new();
    let mut cum = Dec::ZERO;
    let mut largest: Option<usize> = None;
    for (i, p) in parts.iter().enumerate() {
        cum = cum.checked_add(p.value).unwrap_or(cum);
        let rank = 1 + parts.iter().filter(|q| q.value > p.value).count();
        if largest.is_none_or(|l| p.value > parts[l].value) {
            largest = Some(i);
        }
        let s = share(p.value);
        let c = share(cum);
        let v = json!({
            "key": p.key, "label": p.label, "value": num(p.value), "share": opt_num(s),
            "cumulative": opt_num(c), "rank": rank, "derived": p.derived, "note": p.note, "unit": unit,
        });
        rows.push(Row {
            section: key.to_string(),
            key: p.key.clone(),
            label: p.label.clone(),
            value: p.value,
            unit: unit.clone(),
            share: if percent { None } else { s },
            cumulative: if percent { None } else { c },
            derived: p.derived,
            as_of: as_of.to_string(),
            note: p.note.clone(),
        });
        obj.insert(p.key.clone(), v.clone());
        list.push(v);
    }

    // Groups.
    let mut groups = Vec::new();
    for (gk, g) in &b.groups.0 {
        if !valid_key(&gk.value) || BREAKDOWN_FIELDS.contains(&gk.value.as_str()) || obj.contains_key(&gk.value) {
            cx.err(Pos::of(gk), format!("group key `{}` is invalid or already used in breakdown `{key}`", gk.value));
            continue;
        }
        let mut gsum = Dec::ZERO;
        for pk in &g.parts {
            match parts.iter().find(|p| p.key == pk.value) {
                Some(p) => gsum = gsum.checked_add(p.value).unwrap_or(gsum),
                None => {
                    let hint = crate::util::text::nearest(&pk.value, parts.iter().map(|p| p.key.as_str()));
                    cx.err(
                        Pos::of(pk),
                        format!(
                            "group `{}` names part `{}`, which breakdown `{key}` does not have{}",
                            gk.value,
                            pk.value,
                            hint.map(|h| format!(" (did you mean `{h}`?)")).unwrap_or_default()
                        ),
                    );
                }
            }
        }
        if let Some(pv) = &g.published_value
            && pv.value != gsum
        {
            cx.err(
                Pos::of(pv),
                format!(
                    "published_value of group `{}` is {}, but its parts ({}) add up to {gsum}",
                    gk.value,
                    pv.value,
                    g.parts.iter().map(|p| p.value.as_str()).collect::<Vec<_>>().join(" + ")
                ),
            );
        }
        if let Some(ps) = &g.published_share {
            check_published(cx, &gk.value, gsum, total, ps, total_ok);
        }
        let s = share(gsum);
        let v = json!({
            "key": gk.value, "label": g.label, "value": num(gsum), "share": opt_num(s),
            "parts": g.parts.iter().map(|p| p.value.clone()).collect::<Vec<_>>(), "unit": unit,
        });
        rows.push(Row {
            section: key.to_string(),
            key: gk.value.clone(),
            label: g.label.clone(),
            value: gsum,
            unit: unit.clone(),
            share: if percent { None } else { s },
            cumulative: None,
            derived: true,
            as_of: as_of.to_string(),
            note: format!("合计：{}", g.parts.iter().map(|p| p.value.as_str()).collect::<Vec<_>>().join(" + ")),
        });
        obj.insert(gk.value.clone(), v.clone());
        groups.push(v);
    }

    obj.insert("key".into(), json!(key));
    obj.insert("title".into(), json!(b.title));
    obj.insert("unit".into(), json!(unit));
    obj.insert("total".into(), num(total));
    obj.insert("total_derived".into(), json!(total_derived));
    obj.insert("sum".into(), num(sum));
    obj.insert("count".into(), json!(b.parts.value.len()));
    obj.insert("complete".into(), json!(b.complete));
    obj.insert("remainder".into(), opt_num(if b.remainder.is_some() { remainder } else { None }));
    obj.insert("largest".into(), largest.map(|i| list[i].clone()).unwrap_or(Value::Null));
    obj.insert("note".into(), json!(b.note));
    obj.insert("respondents".into(), json!(if b.respondents.is_empty() { &def.respondents } else { &b.respondents }));
    obj.insert("percent".into(), json!(percent));
    obj.insert("parts".into(), Value::Array(list));
    obj.insert("groups".into(), Value::Array(groups));
    Value::Object(obj)
}

fn check_published(cx: &mut Ctx, key: &str, value: Dec, total: Dec, ps: &serde_saphyr::Spanned<Dec>, total_ok: bool) {
    if !total_ok {
        return;
    }
    let printed = ps.value;
    if let Some(computed) = value.percent_of(total, printed.scale())
        && computed != printed
    {
        cx.err(
            Pos::of(ps),
            format!(
                "published_share of `{key}` is {printed}, but {value} / {total} = {} ({} decimal places as printed)",
                value.percent_of(total, printed.scale().max(2)).map(|c| c.to_string()).unwrap_or_default(),
                printed.scale()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(yaml: &str) -> (Computed, Vec<Diagnostic>) {
        let ds = crate::data::parse("t", "data/t.yaml", yaml.to_string()).expect("parses");
        let mut d = Vec::new();
        let c = compute(&ds, 2, &mut d);
        (c, d)
    }

    const MEMBERS: &str = "title: m\nunit: 人\ntotal: 12873\nbreakdowns:\n  by_age:\n    title: a\n    complete: true\n    parts:\n      - { key: le30, label: a, value: 3957 }\n      - { key: a31, label: b, value: 6280 }\n      - { key: a41, label: c, value: 1572 }\n      - { key: a51, label: d, value: 654 }\n      - { key: ge61, label: e, value: 410 }\n    groups:\n      le40: { label: x, parts: [le30, a31], published_share: 79.52 }\n  by_edu:\n    title: e\n    complete: true\n    parts:\n      - { key: bachelor, label: 本科, value: 7721, published_share: 59.98 }\n      - { key: graduate, label: 研究生, value: 2648, published_share: 20.57 }\n    remainder: { key: other, label: 其他 }\n";

    #[test]
    fn cumulative_groups_and_remainder() {
        let (c, d) = run(MEMBERS);
        assert!(d.is_empty(), "{d:?}");
        let v = &c.value;
        assert_eq!(v["by_age"]["le40"]["share"], json!(79.52));
        assert_eq!(v["by_age"]["a31"]["cumulative"], json!(79.52));
        assert_eq!(v["by_age"]["ge61"]["cumulative"], json!(100));
        assert_eq!(v["by_age"]["largest"]["key"], json!("a31"));
        assert_eq!(v["by_age"]["a31"]["rank"], json!(1));
        assert_eq!(v["by_edu"]["other"]["value"], json!(2504));
        assert_eq!(v["by_edu"]["other"]["derived"], json!(true));
        assert_eq!(v["by_edu"]["remainder"], json!(2504));
    }

    #[test]
    fn wrong_published_share_is_located() {
        let (_, d) = run(&MEMBERS.replace("59.98", "59.89"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].line, d[0].col), (20, 67));
        assert!(
            d[0].message.contains("published_share of `bachelor` is 59.89, but 7721 / 12873 = 59.98"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn parts_exceeding_total() {
        let (_, d) = run(&MEMBERS.replace("total: 12873", "total: 12000"));
        assert!(d.iter().any(|d| d.message.contains("more than the total 12000")), "{d:?}");
        assert_eq!(d[0].line, 3);
    }

    #[test]
    fn complete_breakdown_must_add_up() {
        let (_, d) = run(&MEMBERS.replace("value: 410", "value: 400"));
        assert!(d.iter().any(|d| d.message.contains("marked complete") && d.message.contains("missing 10")), "{d:?}");
    }

    #[test]
    fn survey_percentages_over_100() {
        let (_, d) = run(
            "title: s\nunit: \"%\"\nbreakdowns:\n  q:\n    title: q\n    parts:\n      - { key: a, label: a, value: 67.03 }\n      - { key: b, label: b, value: 39.9 }\n",
        );
        assert!(d.iter().any(|d| d.message.contains("percentages of one question add up to 106.93")), "{d:?}");
    }

    #[test]
    fn zero_total_is_an_error_not_nan() {
        let (c, d) = run(
            "title: z\ntotal: 0\nbreakdowns:\n  b:\n    title: b\n    parts:\n      - { key: a, label: a, value: 0 }\n",
        );
        assert!(d.iter().any(|d| d.message.contains("total is zero")), "{d:?}");
        assert_eq!(c.value["b"]["a"]["share"], Value::Null);
    }

    #[test]
    fn negative_and_unknown_group_part() {
        let (_, d) = run(
            "title: z\ntotal: 10\nbreakdowns:\n  b:\n    title: b\n    parts:\n      - { key: a, label: a, value: -1 }\n    groups:\n      g: { label: g, parts: [aa] }\n",
        );
        assert!(d.iter().any(|d| d.message.contains("cannot be negative")), "{d:?}");
        assert!(d.iter().any(|d| d.message.contains("did you mean `a`")), "{d:?}");
    }

    #[test]
    fn group_published_value() {
        let (_, d) = run(&MEMBERS
            .replace("parts: [le30, a31], published_share: 79.52", "parts: [le30, a31], published_value: 10000"));
        assert!(d.iter().any(|d| d.message.contains("add up to 10237")), "{d:?}");
    }
}
