//! One series over time: its checks (periods of one frequency, in order, each once; a base
//! that has a value; published growth against the values) and its [`SeriesStats`]: change,
//! growth over the previous period, growth and average annual growth (CAGR) from the first
//! value to the last, and an index (base = 100). Everything exact ([`crate::number`]).

use super::compute::Ctx;
use super::{PeriodStats, SeriesStats};
use crate::data::{Period, Pos, Series, SeriesPeriod};
use crate::number::{Dec, average_growth};

/// Qualifiers of a published growth that say the true figure is above the printed one.
const ABOVE: [&str; 6] = ["超过", "超", "逾", "多于", "高于", "大于"];
/// … below it.
const BELOW: [&str; 6] = ["近", "将近", "接近", "不到", "不足", "低于"];
/// Suffixes that say it is above (`20%多`).
const ABOVE_SUFFIX: [&str; 2] = ["多", "余"];

/// Computes one series of the dataset in `cx`; problems go to `cx`.
pub(super) fn series(cx: &mut Ctx, key: &str, s: &Series, ds_digits: u32) -> SeriesStats {
    let unit = s.unit.clone().unwrap_or_else(|| cx.ds.def.unit.clone());
    let digits = s.digits.unwrap_or(ds_digits).min(6);
    let ps = &s.periods.value;
    if ps.is_empty() {
        cx.err(Pos::of(&s.periods), format!("series `{key}` has no periods"));
    }
    let ordered = check_order(cx, key, ps);
    let base = base(cx, key, s);
    let base_value = base.and_then(|i| ps[i].value.as_ref()).map(|v| v.value);
    let mut periods: Vec<PeriodStats> = Vec::with_capacity(ps.len());
    for (i, p) in ps.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| ps[j].value.as_ref()).map(|v| v.value).filter(|_| ordered);
        periods.push(period(cx, key, p, prev, base_value, &unit, digits));
    }
    let valued: Vec<usize> = (0..ps.len()).filter(|&i| ps[i].value.is_some()).collect();
    let (first, last) = (valued.first().copied(), valued.last().copied());
    let span = match (first, last) {
        (Some(f), Some(l)) if f < l && ordered => Some((ps[f].period.value.clone(), ps[l].period.value.clone())),
        _ => None,
    };
    let ends = span.as_ref().and_then(|_| Some((periods[first?].value?, periods[last?].value?)));
    let steps = span.as_ref().map(|(a, b)| b.ordinal() - a.ordinal());
    let per_year = ps.first().map_or(1, |p| p.period.value.frequency.per_year());
    let positive = |d: &Dec| !d.is_negative() && !d.is_zero();
    SeriesStats {
        key: key.to_string(),
        title: s.title.clone(),
        unit,
        note: s.note.clone(),
        frequency: ps.first().map_or("year", |p| p.period.value.frequency.name()),
        base: base.map(|i| ps[i].period.value.text.clone()),
        first,
        last,
        change: ends.and_then(|(a, b)| b.checked_sub(a)),
        growth: ends.filter(|(a, _)| positive(a)).and_then(|(a, b)| b.growth_from(a, digits)),
        cagr: ends.zip(steps).and_then(|((a, b), m)| {
            average_growth(a, b, u32::try_from(m).ok()?, u32::try_from(per_year).ok()?, digits)
        }),
        years: steps.and_then(|m| Dec::from_int(m).ratio_scaled(Dec::from_int(per_year), 1, 2)).map(Dec::normalized),
        complete: !ps.is_empty() && valued.len() == ps.len(),
        periods,
    }
}

/// One frequency, time order, each period once. Whether the periods are in order (growth
/// over "the previous period" means nothing otherwise).
fn check_order(cx: &mut Ctx, key: &str, ps: &[SeriesPeriod]) -> bool {
    let mut ok = true;
    for (i, p) in ps.iter().enumerate().skip(1) {
        let (prev, this) = (&ps[i - 1].period.value, &p.period.value);
        let at = Pos::of(&p.period);
        let first = &ps[0].period.value;
        if this.frequency != first.frequency {
            cx.err_help(
                at,
                format!(
                    "series `{key}`: period `{}` is a {}, but the first period `{}` is a {}; one series has one frequency",
                    this.text,
                    this.frequency.name(),
                    first.text,
                    first.frequency.name()
                ),
                format!("write every period of this series as {}", first.frequency.example()),
            );
            return false;
        }
        if this.ordinal() == prev.ordinal() {
            cx.err_help(
                at,
                format!("series `{key}`: period `{}` is listed twice (also as `{}` just above)", this.text, prev.text),
                "list each period once; delete or merge one of the two".to_string(),
            );
            ok = false;
        } else if this.ordinal() < prev.ordinal() {
            cx.err_help(
                at,
                format!("series `{key}`: period `{}` comes after `{}`; periods go in time order", this.text, prev.text),
                format!(
                    "move `{}` before `{}`, so that the periods run from the earliest to the latest",
                    this.text, prev.text
                ),
            );
            ok = false;
        }
    }
    ok
}

/// The index of the base period: `base:` if given (it must be a period of the series, with a
/// positive value), else the first period with a positive value.
fn base(cx: &mut Ctx, key: &str, s: &Series) -> Option<usize> {
    let ps = &s.periods.value;
    let usable = |i: usize| ps[i].value.as_ref().is_some_and(|v| !v.value.is_negative() && !v.value.is_zero());
    let Some(b) = &s.base else { return (0..ps.len()).find(|&i| usable(i)) };
    let Some(i) = ps
        .iter()
        .position(|p| p.period.value.ordinal() == b.value.ordinal() && p.period.value.frequency == b.value.frequency)
    else {
        let listed: Vec<&str> = ps.iter().map(|p| p.period.value.text.as_str()).collect();
        cx.err_help(
            Pos::of(b),
            format!("series `{key}`: `base` is `{}`, which is not one of its periods", b.value.text),
            format!("name one of {}", listed.join(", ")),
        );
        return None;
    };
    if !usable(i) {
        cx.err_help(
            Pos::of(b),
            format!(
                "series `{key}`: the base period `{}` has no value above zero, so no index can be taken of it",
                b.value.text
            ),
            "choose a base period with a value, or remove `base` (the first period with a value is the base)"
                .to_string(),
        );
        return None;
    }
    Some(i)
}

fn period(
    cx: &mut Ctx,
    key: &str,
    p: &SeriesPeriod,
    prev: Option<Dec>,
    base: Option<Dec>,
    unit: &str,
    digits: u32,
) -> PeriodStats {
    let Period { text: period_text, .. } = &p.period.value;
    let value = p.value.as_ref().map(|v| v.value);
    if let Some(v) = p.value.as_ref().filter(|v| v.value.is_negative()) {
        cx.err_help(
            Pos::of(v),
            format!("series `{key}`, period `{period_text}`: `value` cannot be negative, found {}", v.value),
            "a series holds counts and amounts; a fall is said by its growth, which baipi computes".to_string(),
        );
    }
    let published = p.published_growth.as_ref().map(|g| g.value);
    let stray = [
        (
            value.is_none(),
            [&p.prefix, &p.suffix],
            "`prefix`/`suffix` qualify a value, but the period has none",
            "give the period a `value`, or write the qualifier of its growth as `growth_prefix`/`growth_suffix`",
        ),
        (
            published.is_none(),
            [&p.growth_prefix, &p.growth_suffix],
            "`growth_prefix`/`growth_suffix` qualify a published growth, but the period has no `published_growth`",
            "add `published_growth`, or remove the qualifier",
        ),
    ];
    for (absent, quals, what, help) in stray {
        if absent && quals.iter().any(|q| !q.is_empty()) {
            cx.err_help(
                Pos::of(&p.period),
                format!("series `{key}`, period `{period_text}`: {what}"),
                help.to_string(),
            );
        }
    }
    let positive = |d: Dec| !d.is_negative() && !d.is_zero();
    let growth = prev.filter(|d| positive(*d)).zip(value).and_then(|(a, b)| b.growth_from(a, digits));
    if let (Some(g), Some(prev), Some(v)) = (&p.published_growth, prev.filter(|d| positive(*d)), value) {
        check_growth(cx, key, p, g.value, prev, v);
    }
    PeriodStats {
        period: period_text.clone(),
        label: p.period.value.label(),
        value,
        text: value.map(|v| cx.fmt.fact_text(&p.prefix, v, &p.suffix, unit)).unwrap_or_default(),
        prefix: p.prefix.clone(),
        suffix: p.suffix.clone(),
        change: prev.zip(value).and_then(|(a, b)| b.checked_sub(a)),
        growth,
        published_growth: published,
        growth_text: published
            .map(|g| cx.fmt.fact_text(&p.growth_prefix, g, &p.growth_suffix, "%"))
            .unwrap_or_default(),
        growth_prefix: p.growth_prefix.clone(),
        growth_suffix: p.growth_suffix.clone(),
        index: base.zip(value).and_then(|(b, v)| v.ratio_scaled(b, 100, digits)),
        note: p.note.clone(),
        unit: unit.to_string(),
    }
}

/// A published growth must agree with the values: equal when rounded to the places printed,
/// above it for 超过/逾/多 …, below it for 近/不到 ….
fn check_growth(cx: &mut Ctx, key: &str, p: &SeriesPeriod, printed: Dec, prev: Dec, value: Dec) {
    let Some(g) = &p.published_growth else { return };
    let places = printed.scale();
    let (Some(rounded), Some(fine)) = (value.growth_from(prev, places), value.growth_from(prev, 12)) else { return };
    let above = ABOVE.contains(&p.growth_prefix.as_str()) || ABOVE_SUFFIX.contains(&p.growth_suffix.as_str());
    let below = BELOW.contains(&p.growth_prefix.as_str());
    let (ok, want) = if above {
        (fine > printed, "more than")
    } else if below {
        (fine < printed, "less than")
    } else {
        (rounded == printed, "")
    };
    if ok {
        return;
    }
    let shown = cx.fmt.fact_text(&p.growth_prefix, printed, &p.growth_suffix, "%");
    let exact = value.growth_from(prev, places.max(2)).map(|c| c.to_string()).unwrap_or_default();
    let period = &p.period.value.text;
    let head = format!(
        "series `{key}`: published_growth of period `{period}` is {shown}, but {value} over the previous {prev} is a growth of {exact}%"
    );
    let msg = if want.is_empty() { head } else { format!("{head}, not {want} {printed}%") };
    cx.err_help(
        Pos::of(g),
        msg,
        "correct the value or the published growth; a qualifier (超过, 近 …) goes in growth_prefix".to_string(),
    );
}

#[cfg(test)]
mod tests {
    use crate::diag::Diagnostic;
    use serde_json::{Value, json};

    fn run(yaml: &str) -> (Value, Vec<Diagnostic>) {
        let ds = crate::data::parse("t", "data/t.yaml", yaml.to_string()).expect("parses");
        let mut d = Vec::new();
        let c = crate::stats::compute(&ds, &Default::default(), &mut d);
        (serde_json::to_value(&c).expect("serializes"), d)
    }

    const YEARS: &str = "title: t\nunit: 人\nseries:\n  members:\n    title: 党员人数\n    periods:\n      - { period: 2018, value: 800 }\n      - { period: 2019, value: 1000, published_growth: 25 }\n      - { period: 2020, value: 1100 }\n      - { period: 2021, value: 1200, published_growth: \"9.1\" }\n";

    #[test]
    fn change_growth_cagr_and_index() {
        let (v, d) = run(YEARS);
        assert!(d.is_empty(), "{d:?}");
        let s = &v["series"]["members"];
        assert_eq!(s["change"], json!(400));
        assert_eq!(s["growth"], json!(50));
        assert_eq!(s["cagr"], json!(14.47));
        assert_eq!(s["years"], json!(3));
        assert_eq!(s["frequency"], json!("year"));
        assert_eq!(s["base"], json!("2018"));
        assert_eq!(s["first"]["period"], json!("2018"));
        assert_eq!(s["last"]["value"], json!(1200));
        assert_eq!(s["complete"], json!(true));
        let at = &s["at"];
        assert_eq!(at["2018"]["growth"], Value::Null);
        assert_eq!(at["2019"]["growth"], json!(25));
        assert_eq!(at["2020"]["growth"], json!(10));
        assert_eq!(at["2020"]["change"], json!(100));
        assert_eq!(at["2021"]["growth"], json!(9.09));
        assert_eq!(at["2021"]["index"], json!(150));
        assert_eq!(at["2019"]["index"], json!(125));
        assert_eq!(at["2019"]["label"], json!("2019年"));
        assert_eq!(s["periods"][3]["period"], json!("2021"));
    }

    #[test]
    fn an_index_on_a_chosen_base_and_quarters() {
        let (v, d) =
            run(&YEARS.replace("    title: 党员人数\n", "    title: 党员人数\n    base: 2020\n    digits: 1\n"));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(v["series"]["members"]["at"]["2018"]["index"], json!(72.7));
        assert_eq!(v["series"]["members"]["at"]["2020"]["index"], json!(100));
        let q = "title: t\nseries:\n  q:\n    title: q\n    periods:\n      - { period: 2021Q1, value: 100 }\n      - { period: 2021Q3, value: 110 }\n      - { period: 2022Q1, value: 121 }\n";
        let (v, d) = run(q);
        assert!(d.is_empty(), "{d:?}");
        let s = &v["series"]["q"];
        assert_eq!(
            (s["years"].clone(), s["cagr"].clone(), s["frequency"].clone()),
            (json!(1), json!(21), json!("quarter"))
        );
        assert_eq!(s["at"]["2021Q3"]["label"], json!("2021年第三季度"));
        let m = q.replace("2021Q1", "2021-01").replace("2021Q3", "2021-07").replace("2022Q1", "2022-01");
        let (v, _) = run(&m);
        assert_eq!(v["series"]["q"]["years"], json!(1));
        assert_eq!(v["series"]["q"]["at"]["2021-07"]["growth"], json!(10));
    }

    #[test]
    fn a_period_with_only_a_published_growth() {
        let (v, d) = run(
            "title: t\nunit: 人\nseries:\n  m:\n    title: m\n    periods:\n      - { period: 2018, published_growth: 20, growth_prefix: 超过 }\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let s = &v["series"]["m"];
        assert_eq!(s["at"]["2018"]["growth_text"], json!("超过20%"));
        assert_eq!(s["at"]["2018"]["value"], Value::Null);
        for k in ["first", "last", "change", "growth", "cagr", "base"] {
            assert_eq!(s[k], Value::Null, "{k}");
        }
        assert_eq!(s["complete"], json!(false));
    }

    #[test]
    fn published_growth_is_checked_with_its_qualifier() {
        let (_, d) = run(&YEARS.replace("published_growth: 25", "published_growth: 20"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "series `members`: published_growth of period `2019` is 20%, but 1000 over the previous 800 is a growth of 25.00%"
        );
        assert_eq!((d[0].line, d[0].col), (8, 56));
        let (_, d) = run(&YEARS.replace("published_growth: 25", "published_growth: 20, growth_prefix: 超过"));
        assert!(d.is_empty(), "{d:?}");
        let (_, d) = run(&YEARS.replace("published_growth: 25", "published_growth: 30, growth_prefix: 近"));
        assert!(d.is_empty(), "{d:?}");
        let (_, d) = run(&YEARS.replace("published_growth: 25", "published_growth: 25, growth_prefix: 超过"));
        assert!(d[0].message.ends_with("a growth of 25.00%, not more than 25%"), "{d:?}");
        // "9.1" is one decimal: 9.09 rounds to it.
        let (_, d) = run(&YEARS.replace("\"9.1\"", "\"9.10\""));
        assert!(d[0].message.contains("is 9.10%, but 1200 over the previous 1100 is a growth of 9.09%"), "{d:?}");
    }

    #[test]
    fn periods_in_order_each_once_one_frequency() {
        let (_, d) = run(&YEARS.replace("period: 2020", "period: 2019"));
        assert_eq!(d[0].message, "series `members`: period `2019` is listed twice (also as `2019` just above)");
        assert_eq!((d[0].line, d[0].col), (9, 19));
        let (v, d) = run(&YEARS.replace("period: 2020", "period: 2017"));
        assert_eq!(d[0].message, "series `members`: period `2017` comes after `2019`; periods go in time order");
        assert_eq!(v["series"]["members"]["cagr"], Value::Null, "no growth over periods out of order");
        let (_, d) = run(&YEARS.replace("period: 2020", "period: 2020Q1"));
        assert!(d[0].message.contains("period `2020Q1` is a quarter, but the first period `2018` is a year"), "{d:?}");
        let (_, d) = run(&YEARS.replace("    title: 党员人数\n", "    title: 党员人数\n    base: 2030\n"));
        assert!(d[0].message.contains("`base` is `2030`, which is not one of its periods"), "{d:?}");
        let (_, d) = run("title: t\nseries:\n  m:\n    title: m\n    periods: []\n");
        assert_eq!(d[0].message, "series `m` has no periods");
        let (_, d) = run(&YEARS.replace("value: 1100", "value: -1100"));
        assert_eq!(d[0].message, "series `members`, period `2020`: `value` cannot be negative, found -1100");
        assert_eq!((d[0].line, d[0].col), (9, 32));
    }
}
