//! A dataset and its values: the dataset-level checks (keys, totals, percentages) and the
//! [`ValueStats`]; breakdowns are in [`super::breakdown`].

use serde_saphyr::Spanned;

use super::names::{self, Level};
use super::{DatasetStats, ValueStats};
use crate::data::{Dataset, Fact, Pos};
use crate::diag::Diagnostic;
use crate::format::NumberFormat;
use crate::number::Dec;

/// Where problems go, located in the dataset's file.
pub(super) struct Ctx<'a> {
    pub ds: &'a Dataset,
    pub fmt: &'a NumberFormat,
    out: &'a mut Vec<Diagnostic>,
}

impl Ctx<'_> {
    pub fn err(&mut self, pos: Pos, msg: String) {
        self.out.push(self.diagnostic(pos, msg));
    }

    pub fn err_help(&mut self, pos: Pos, msg: String, help: String) {
        let d = self.diagnostic(pos, msg).with_help(help);
        self.out.push(d);
    }

    /// A key that takes a reserved name.
    pub fn reserved(&mut self, pos: Pos, r: names::ReservedKey) {
        let d = self.diagnostic(pos, r.message).with_help(r.help);
        self.out.push(d);
    }

    fn diagnostic(&self, pos: Pos, msg: String) -> Diagnostic {
        self.ds.diagnostic(pos, msg)
    }
}

/// Computes a dataset's statistics; problems are appended to `diags`.
pub fn compute(ds: &Dataset, fmt: &NumberFormat, diags: &mut Vec<Diagnostic>) -> DatasetStats {
    let mut cx = Ctx { ds, fmt, out: diags };
    let def = &ds.def;
    let digits = def.digits.unwrap_or(fmt.share_digits).min(6);
    let as_of = def.as_of.as_ref().map(|a| a.0.clone()).unwrap_or_default();
    if let Some(t) = &def.total {
        check_count(&mut cx, t.value, Pos::of(t), "total");
    }
    // Values and breakdowns share the dataset's namespace.
    let mut seen: Vec<String> = Vec::new();
    let mut values = Vec::new();
    for (key, f) in &def.values.0 {
        claim(&mut cx, &mut seen, key);
        values.push(value(&mut cx, &key.value, f, &as_of));
    }
    let mut breakdowns = Vec::new();
    for (key, b) in &def.breakdowns.0 {
        claim(&mut cx, &mut seen, key);
        breakdowns.push(super::breakdown::breakdown(&mut cx, &key.value, b, digits));
    }
    let mut series = Vec::new();
    for (key, sd) in &def.series.0 {
        if !valid_key(&key.value) {
            cx.err(
                Pos::of(key),
                format!("series key `{}` must be letters, digits and `_`, not starting with a digit", key.value),
            );
        }
        series.push(super::series::series(&mut cx, &key.value, sd, digits));
    }
    DatasetStats {
        name: ds.name.clone(),
        title: def.title.clone(),
        description: def.description.clone(),
        as_of,
        unit: def.unit.clone(),
        source: def.source.clone(),
        respondents: def.respondents.clone(),
        file: ds.file.clone(),
        total: def.total.as_ref().map(|t| t.value),
        values,
        breakdowns,
        series,
    }
}

/// Checks a value's or breakdown's key: well-formed, not a name of the dataset's own, unique.
fn claim(cx: &mut Ctx, seen: &mut Vec<String>, key: &Spanned<String>) {
    let k = &key.value;
    if !valid_key(k) {
        cx.err(Pos::of(key), format!("key `{k}` must be letters, digits and `_`, not starting with a digit"));
    } else if names::is_reserved(Level::Dataset, k) {
        let path = format!("data.{}", cx.ds.name);
        cx.reserved(Pos::of(key), names::reserved_key("key", k, &path, Level::Dataset));
    } else if seen.contains(k) {
        cx.err(
            Pos::of(key),
            format!("key `{k}` is used twice in this dataset (values and breakdowns share one namespace)"),
        );
    }
    seen.push(k.clone());
}

fn value(cx: &mut Ctx, key: &str, f: &Fact, as_of: &str) -> ValueStats {
    let unit = f.unit.clone().unwrap_or_else(|| cx.ds.def.unit.clone());
    check_count(cx, f.value.value, Pos::of(&f.value), "value");
    if unit == "%" && f.value.value > Dec::from_int(100) {
        cx.err(Pos::of(&f.value), format!("a percentage cannot exceed 100, found {}", f.value.value));
    }
    ValueStats {
        key: key.to_string(),
        label: f.label.clone(),
        value: f.value.value,
        text: cx.fmt.fact_text(&f.prefix, f.value.value, &f.suffix, &unit),
        unit,
        prefix: f.prefix.clone(),
        suffix: f.suffix.clone(),
        as_of: f.as_of.as_ref().map(|a| a.0.clone()).unwrap_or_else(|| as_of.to_string()),
        respondents: f.respondents.clone(),
        note: f.note.clone(),
    }
}

/// Letters, digits and `_`, not starting with a digit: usable as `data.x.<key>` in tera.
pub(super) fn valid_key(k: &str) -> bool {
    let mut cs = k.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub(super) fn check_count(cx: &mut Ctx, v: Dec, pos: Pos, field: &str) {
    if v.is_negative() {
        cx.err(pos, format!("`{field}` cannot be negative, found {v}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// The statistics as templates see them, and the problems found.
    fn run(yaml: &str) -> (Value, Vec<Diagnostic>) {
        let ds = crate::data::parse("t", "data/t.yaml", yaml.to_string()).expect("parses");
        let mut d = Vec::new();
        let c = compute(&ds, &Default::default(), &mut d);
        (serde_json::to_value(&c).expect("serializes"), d)
    }

    const MEMBERS: &str = "title: m\nunit: 人\ntotal: 12873\nbreakdowns:\n  by_age:\n    title: a\n    complete: true\n    parts:\n      - { key: le30, label: a, value: 3957 }\n      - { key: a31, label: b, value: 6280 }\n      - { key: a41, label: c, value: 1572 }\n      - { key: a51, label: d, value: 654 }\n      - { key: ge61, label: e, value: 410 }\n    groups:\n      le40: { label: x, parts: [le30, a31], published_share: 79.52 }\n  by_edu:\n    title: e\n    complete: true\n    parts:\n      - { key: bachelor, label: 本科, value: 7721, published_share: 59.98 }\n      - { key: graduate, label: 研究生, value: 2648, published_share: 20.57 }\n    remainder: { key: other, label: 其他 }\n";

    #[test]
    fn cumulative_groups_and_remainder() {
        let (c, d) = run(MEMBERS);
        assert!(d.is_empty(), "{d:?}");
        let v = &c;
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
        assert_eq!(c["b"]["a"]["share"], Value::Null);
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

    #[test]
    fn keys_taking_reserved_names_are_located() {
        let (_, d) = run(&MEMBERS.replace("key: a41,", "key: percent,"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].line, d[0].col), (11, 16));
        assert_eq!(
            d[0].message,
            "part key `percent` is a reserved name: `data.t.by_age.percent` is the breakdown's own field"
        );
        assert_eq!(d[0].help.as_deref(), Some("rename the key, e.g. `percent_2`"));
        let (_, d) = run(&MEMBERS.replace("  by_edu:", "  file:"));
        assert!(d[0].message.starts_with("key `file` is a reserved name: `data.t.file`"), "{d:?}");
        let (_, d) = run(&MEMBERS.replace("le40: {", "total: {"));
        assert!(d[0].message.starts_with("group key `total` is a reserved name"), "{d:?}");
        let (_, d) = run(&MEMBERS.replace("key: other,", "key: sum,"));
        assert!(d[0].message.starts_with("remainder key `sum` is a reserved name"), "{d:?}");
        // A part may take a name that only parts carry: it sits next to the breakdown's fields.
        let (v, d) = run(&MEMBERS.replace("key: a41,", "key: share,"));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(v["by_age"]["share"]["value"], json!(1572));
    }
}
