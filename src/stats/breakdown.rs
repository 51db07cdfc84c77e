//! One breakdown: its checks (parts, total, completeness, remainder, published shares,
//! groups) and its [`BreakdownStats`].

use serde_saphyr::Spanned;

use super::compute::{Ctx, check_count, valid_key};
use super::names::{self, Level};
use super::{BreakdownStats, GroupStats, PartStats};
use crate::data::{Breakdown, Group, Pos};
use crate::number::Dec;

/// Computes one breakdown of the dataset in `cx`; problems go to `cx`.
pub(super) fn breakdown(cx: &mut Ctx, key: &str, b: &Breakdown, ds_digits: u32) -> BreakdownStats {
    let def = &cx.ds.def;
    let unit = b.unit.clone().unwrap_or_else(|| def.unit.clone());
    let respondents = if b.respondents.is_empty() { def.respondents.clone() } else { b.respondents.clone() };
    let percent = unit == "%";
    let listed = check_parts(cx, key, b);
    let basis = basis(cx, key, b, &listed, percent);
    let bd = Scope { key, unit: &unit, digits: b.digits.unwrap_or(ds_digits).min(6), basis: &basis };
    let mut rows = listed_rows(b);
    if let Some(r) = remainder_row(cx, &bd, b, &listed) {
        rows.push(r);
    }
    for p in &b.parts.value {
        if let Some(ps) = &p.published_share {
            check_published(cx, &p.key.value, p.value.value, &basis, ps);
        }
    }
    let Ranked { parts, largest } = ranked(&bd, &rows);
    let groups = groups(cx, &bd, &b.groups.0, &parts);
    let as_of = b.as_of.as_ref().or(def.as_of.as_ref()).map(|a| a.0.clone()).unwrap_or_default();
    BreakdownStats {
        key: key.to_string(),
        title: b.title.clone(),
        as_of,
        unit,
        total: basis.total,
        total_derived: basis.derived,
        sum: listed.sum,
        count: b.parts.value.len(),
        complete: b.complete,
        remainder: if b.remainder.is_some() { basis.rest } else { None },
        largest,
        note: b.note.clone(),
        respondents,
        percent,
        parts,
        groups,
    }
}

/// What the parts of a breakdown need to know about it.
struct Scope<'a> {
    key: &'a str,
    unit: &'a str,
    /// Decimal places of its shares.
    digits: u32,
    basis: &'a Basis,
}

impl Scope<'_> {
    /// `v` as a percentage of the total, if there is one to take it of.
    fn share(&self, v: Dec) -> Option<Dec> {
        if self.basis.usable() { v.percent_of(self.basis.total, self.digits) } else { None }
    }
}

/// The listed parts, checked: their keys and their sum.
struct Listed {
    keys: Vec<String>,
    sum: Dec,
}

/// The total the shares are taken of.
struct Basis {
    total: Dec,
    /// No total was declared: it is the sum of the parts.
    derived: bool,
    /// Total − sum, when the total was declared and is not exceeded.
    rest: Option<Dec>,
}

impl Basis {
    fn usable(&self) -> bool {
        !self.total.is_zero() && !self.total.is_negative()
    }
}

/// A part before ranking: listed, or the derived remainder.
struct Row {
    key: String,
    label: String,
    value: Dec,
    derived: bool,
    /// The publication prints this part's share.
    published_share: bool,
    note: String,
}

/// Keys unique, well-formed and not reserved; values not negative; at least one part.
fn check_parts(cx: &mut Ctx, key: &str, b: &Breakdown) -> Listed {
    let mut keys: Vec<String> = Vec::with_capacity(b.parts.value.len());
    // Seen keys in a set: a sheet of 10,000 rows is checked in linear time.
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::with_capacity(b.parts.value.len());
    let mut sum = Dec::ZERO;
    for p in &b.parts.value {
        let k = &p.key.value;
        if !valid_key(k) {
            cx.err(
                Pos::of(&p.key),
                format!("part key `{k}` must be letters, digits and `_`, not starting with a digit"),
            );
        } else if names::is_reserved(Level::Breakdown, k) {
            let path = format!("data.{}.{key}", cx.ds.name);
            cx.reserved(Pos::of(&p.key), names::reserved_key("part key", k, &path, Level::Breakdown));
        } else if !seen.insert(k.as_str()) {
            cx.err(Pos::of(&p.key), format!("part key `{k}` appears twice in breakdown `{key}`"));
        }
        keys.push(k.clone());
        if p.value.value.is_negative() {
            cx.err(Pos::of(&p.value), format!("`value` of part `{k}` cannot be negative, found {}", p.value.value));
        }
        sum = sum.checked_add(p.value.value).unwrap_or(sum);
    }
    if b.parts.value.is_empty() {
        cx.err(Pos::of(&b.parts), format!("breakdown `{key}` has no parts"));
    }
    Listed { keys, sum }
}

/// The total: declared, 100 for percentages, the dataset's, or else the sum; checked against the parts.
fn basis(cx: &mut Ctx, key: &str, b: &Breakdown, listed: &Listed, percent: bool) -> Basis {
    let bd_pos = Pos::of(&b.parts);
    let sum = listed.sum;
    let (total, pos, derived) = match (&b.total, &cx.ds.def.total) {
        (Some(t), _) => (t.value, Pos::of(t), false),
        _ if percent => (Dec::from_int(100), bd_pos, false),
        (None, Some(t)) => (t.value, Pos::of(t), false),
        (None, None) => (sum, bd_pos, true),
    };
    if let Some(t) = &b.total {
        check_count(cx, t.value, Pos::of(t), "total");
    }
    if total.is_zero() && !b.parts.value.is_empty() {
        cx.err(pos, format!("breakdown `{key}`: the total is zero, so no share can be computed"));
    }
    if sum > total {
        let what = if percent { "percentages of one question add up to" } else { "parts add up to" };
        cx.err(
            pos,
            format!(
                "breakdown `{key}`: {what} {sum}, more than the total {total} (sum of {})",
                listed.keys.join(" + ")
            ),
        );
    }
    let rest = if derived { None } else { total.checked_sub(sum).filter(|r| !r.is_negative()) };
    if b.complete && b.remainder.is_none() && !derived && sum != total && sum <= total {
        cx.err(
            pos,
            format!(
                "breakdown `{key}` is marked complete, but its parts add up to {sum}, not the total {total} (missing {})",
                rest.map(|r| r.to_string()).unwrap_or_default()
            ),
        );
    }
    Basis { total, derived, rest }
}

fn listed_rows(b: &Breakdown) -> Vec<Row> {
    b.parts
        .value
        .iter()
        .map(|p| Row {
            key: p.key.value.clone(),
            label: p.label.clone(),
            value: p.value.value,
            derived: false,
            published_share: p.published_share.is_some(),
            note: p.note.clone(),
        })
        .collect()
}

/// The declared remainder as a derived part, when the total leaves one.
fn remainder_row(cx: &mut Ctx, bd: &Scope, b: &Breakdown, listed: &Listed) -> Option<Row> {
    let r = b.remainder.as_ref()?;
    let bd_pos = Pos::of(&b.parts);
    let k = &r.key.value;
    if names::is_reserved(Level::Breakdown, k) {
        let path = format!("data.{}.{}", cx.ds.name, bd.key);
        cx.reserved(Pos::of(&r.key), names::reserved_key("remainder key", k, &path, Level::Breakdown));
    } else if listed.keys.contains(k) || !valid_key(k) {
        cx.err(bd_pos, format!("remainder key `{k}` is invalid or used by a part"));
    }
    if bd.basis.derived {
        cx.err(bd_pos, format!("breakdown `{}` declares a remainder but has no total to take it from", bd.key));
    }
    let value = bd.basis.rest?;
    let note = if r.note.is_empty() {
        format!("推算：{} 减去已列分项之和", bd.basis.total)
    } else {
        r.note.clone()
    };
    Some(Row { key: k.clone(), label: r.label.clone(), value, derived: true, published_share: false, note })
}

/// The parts with their shares and ranks.
struct Ranked {
    parts: Vec<PartStats>,
    /// Index of the first largest part.
    largest: Option<usize>,
}

/// Shares, cumulative shares in listed order and ranks (1 = largest; ties share a rank); and
/// the first largest part.
fn ranked(bd: &Scope, rows: &[Row]) -> Ranked {
    let mut parts = Vec::with_capacity(rows.len());
    let mut cum = Dec::ZERO;
    // Rank = 1 + how many values are larger: from the values sorted, by binary search.
    let mut sorted: Vec<Dec> = rows.iter().map(|r| r.value).collect();
    sorted.sort_unstable();
    let mut largest: Option<usize> = None;
    for (i, p) in rows.iter().enumerate() {
        cum = cum.checked_add(p.value).unwrap_or(cum);
        if largest.is_none_or(|l| p.value > rows[l].value) {
            largest = Some(i);
        }
        parts.push(PartStats {
            key: p.key.clone(),
            label: p.label.clone(),
            value: p.value,
            share: bd.share(p.value),
            cumulative: bd.share(cum),
            rank: 1 + (sorted.len() - sorted.partition_point(|v| *v <= p.value)),
            derived: p.derived,
            published_share: p.published_share,
            note: p.note.clone(),
            unit: bd.unit.to_string(),
        });
    }
    Ranked { parts, largest }
}

/// The groups whose keys are usable, each checked against the parts it names.
fn groups(cx: &mut Ctx, bd: &Scope, declared: &[(Spanned<String>, Group)], parts: &[PartStats]) -> Vec<GroupStats> {
    let mut out: Vec<GroupStats> = Vec::new();
    for (gk, g) in declared {
        let k = &gk.value;
        if names::is_reserved(Level::Breakdown, k) {
            let path = format!("data.{}.{}", cx.ds.name, bd.key);
            cx.reserved(Pos::of(gk), names::reserved_key("group key", k, &path, Level::Breakdown));
            continue;
        }
        if !valid_key(k) || parts.iter().any(|p| &p.key == k) || out.iter().any(|o| &o.key == k) {
            cx.err(Pos::of(gk), format!("group key `{k}` is invalid or already used in breakdown `{}`", bd.key));
            continue;
        }
        out.push(group(cx, bd, k, g, parts));
    }
    out
}

fn group(cx: &mut Ctx, bd: &Scope, gk: &str, g: &Group, parts: &[PartStats]) -> GroupStats {
    let mut sum = Dec::ZERO;
    for (i, pk) in g.parts.iter().enumerate() {
        if g.parts[..i].iter().any(|earlier| earlier.value == pk.value) {
            cx.err(Pos::of(pk), format!("group `{gk}` names part `{}` twice; each part is counted once", pk.value));
            continue;
        }
        match parts.iter().find(|p| p.key == pk.value) {
            Some(p) => sum = sum.checked_add(p.value).unwrap_or(sum),
            None => {
                let hint = crate::util::text::nearest(&pk.value, parts.iter().map(|p| p.key.as_str()));
                cx.err(
                    Pos::of(pk),
                    format!(
                        "group `{gk}` names part `{}`, which breakdown `{}` does not have{}",
                        pk.value,
                        bd.key,
                        hint.map(|h| format!(" (did you mean `{h}`?)")).unwrap_or_default()
                    ),
                );
            }
        }
    }
    let names: Vec<String> = g.parts.iter().map(|p| p.value.clone()).collect();
    if let Some(pv) = &g.published_value
        && pv.value != sum
    {
        cx.err(
            Pos::of(pv),
            format!(
                "published_value of group `{gk}` is {}, but its parts ({}) add up to {sum}",
                pv.value,
                names.join(" + ")
            ),
        );
    }
    if let Some(ps) = &g.published_share {
        check_published(cx, gk, sum, bd.basis, ps);
    }
    GroupStats {
        key: gk.to_string(),
        label: g.label.clone(),
        value: sum,
        share: bd.share(sum),
        parts: names,
        unit: bd.unit.to_string(),
        published_value: g.published_value.is_some(),
        published_share: g.published_share.is_some(),
    }
}

/// A share the publication printed must equal the computed one, rounded to as many places.
fn check_published(cx: &mut Ctx, key: &str, value: Dec, basis: &Basis, ps: &Spanned<Dec>) {
    if !basis.usable() {
        return;
    }
    let (printed, total) = (ps.value, basis.total);
    if let Some(computed) = value.percent_of(total, printed.scale())
        && computed != printed
    {
        cx.err(Pos::of(ps), {
            let n = printed.scale();
            let exact = value.percent_of(total, n.max(2)).map(|c| c.to_string()).unwrap_or_default();
            let places = if n == 1 { "1 decimal place".to_string() } else { format!("{n} decimal places") };
            let head = format!("published_share of `{key}` is {printed}, but {value} / {total} = {exact}");
            if exact == computed.to_string() {
                format!("{head} (to the {places} printed)")
            } else {
                format!("{head}, or {computed} to the {places} printed")
            }
        });
    }
}
