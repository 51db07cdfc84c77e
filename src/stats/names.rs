//! The names baipi itself gives the statistics, spelled once, and the keys an editor may choose.
//!
//! A dataset's values and breakdowns sit under their keys next to the dataset's own fields
//! (`data.members.by_age` beside `data.members.title`), and a breakdown's parts and groups
//! next to the breakdown's (`data.members.by_age.le30` beside `.total`). A key that equals one
//! of those fields would hide it, or be hidden by it, so it is refused with a located error.
//! Values, parts and groups hold no keys of an editor, so their names cannot collide; nor can a
//! series' key (`data.members.series.yearly`: the `series` map holds only series) or a period
//! (`…yearly.at["2018"]`).

/// The kinds of object in the statistics tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Dataset,
    Value,
    Breakdown,
    Part,
    Group,
    Series,
    Period,
}

/// A name reserved on some objects of the tree.
#[derive(Debug, Clone, Copy)]
pub struct Reserved {
    pub name: &'static str,
    /// The objects that carry (or keep free) this name.
    pub on: &'static [Level],
    /// Whether the serializers emit it; if not, it is kept free (see [`RESERVED`]).
    pub emitted: bool,
}

const fn field(name: &'static str, on: &'static [Level]) -> Reserved {
    Reserved { name, on, emitted: true }
}

const fn kept(name: &'static str, on: &'static [Level]) -> Reserved {
    Reserved { name, on, emitted: false }
}

use Level::{Breakdown, Dataset, Group, Part, Period, Series, Value};

/// Every name a template or prose can read on a dataset, value, breakdown, part or group
/// (the serializers in [`crate::stats`] emit exactly these; a test holds them to it), plus
/// three kept free: `digits`, a setting of datasets and breakdowns in YAML, and `csv` and
/// `json`, so that `data.<name>.csv` can never mean a value an editor named.
pub const RESERVED: &[Reserved] = &[
    field("name", &[Dataset]),
    field("title", &[Dataset, Breakdown, Series]),
    field("description", &[Dataset]),
    field("as_of", &[Dataset, Value, Breakdown]),
    field("unit", &[Dataset, Value, Breakdown, Part, Group, Series, Period]),
    field("source", &[Dataset]),
    field("respondents", &[Dataset, Value, Breakdown]),
    field("file", &[Dataset]),
    field("total", &[Dataset, Breakdown]),
    field("values", &[Dataset]),
    field("breakdowns", &[Dataset]),
    field("series", &[Dataset]),
    field("key", &[Value, Breakdown, Part, Group, Series]),
    field("label", &[Value, Part, Group, Period]),
    field("value", &[Value, Part, Group, Period]),
    field("prefix", &[Value, Period]),
    field("suffix", &[Value, Period]),
    field("note", &[Value, Breakdown, Part, Series, Period]),
    field("text", &[Value, Period]),
    field("total_derived", &[Breakdown]),
    field("sum", &[Breakdown]),
    field("count", &[Breakdown, Series]),
    field("complete", &[Breakdown, Series]),
    field("remainder", &[Breakdown]),
    field("largest", &[Breakdown]),
    field("percent", &[Breakdown]),
    field("parts", &[Breakdown, Group]),
    field("groups", &[Breakdown]),
    field("published_value", &[Group]),
    field("published_share", &[Part, Group]),
    field("share", &[Part, Group]),
    field("cumulative", &[Part]),
    field("rank", &[Part]),
    field("derived", &[Part]),
    field("frequency", &[Series]),
    field("base", &[Series]),
    field("first", &[Series]),
    field("last", &[Series]),
    field("change", &[Series, Period]),
    field("growth", &[Series, Period]),
    field("cagr", &[Series]),
    field("years", &[Series]),
    field("periods", &[Series]),
    field("at", &[Series]),
    field("period", &[Period]),
    field("published_growth", &[Period]),
    field("growth_prefix", &[Period]),
    field("growth_suffix", &[Period]),
    field("growth_text", &[Period]),
    field("index", &[Period]),
    kept("digits", &[Dataset, Breakdown, Series]),
    kept("csv", &[Dataset]),
    kept("json", &[Dataset]),
];

/// Whether `key`, placed on an object of `level`, would take a reserved name.
pub fn is_reserved(level: Level, key: &str) -> bool {
    RESERVED.iter().any(|r| r.name == key && r.on.contains(&level))
}

/// What is said about a key that takes a reserved name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservedKey {
    pub message: String,
    pub help: String,
}

/// A key that takes a reserved name. `what` says which key (`part key`), `path` where it
/// would be read (`data.members.by_age`), `level` whose field it would hide.
pub fn reserved_key(what: &str, key: &str, path: &str, level: Level) -> ReservedKey {
    let owner = match level {
        Dataset => "dataset",
        Value => "value",
        Breakdown => "breakdown",
        Part => "part",
        Group => "group",
        Series => "series",
        Period => "period",
    };
    ReservedKey {
        message: format!("{what} `{key}` is a reserved name: `{path}.{key}` is the {owner}'s own field"),
        help: format!("rename the key, e.g. `{key}_2`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::DatasetStats;
    use serde_json::{Map, Value as Json};
    use std::collections::BTreeSet;

    /// A dataset with every kind of object, and every optional number present.
    const FULL: &str = "title: t\ndescription: d\nas_of: 2021-06\nunit: 人\nsource: s\nrespondents: r\ntotal: 100\nvalues:\n  v: { label: l, value: 3, prefix: 约, suffix: 多, note: n }\nbreakdowns:\n  b:\n    title: b\n    note: n\n    parts:\n      - { key: p, label: l, value: 60 }\n      - { key: q, label: l, value: 30 }\n    groups:\n      g: { label: l, parts: [p, q] }\n    remainder: { key: r, label: l }\nseries:\n  s:\n    title: s\n    note: n\n    periods:\n      - { period: 2018, value: 10, prefix: 约, note: n }\n      - { period: 2019, value: 12, published_growth: 20 }\n";

    fn full() -> DatasetStats {
        let ds = crate::data::parse("x", "data/x.yaml", FULL.to_string()).expect("parses");
        let mut diags = Vec::new();
        let stats = crate::stats::compute(&ds, &crate::format::NumberFormat::default(), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        stats
    }

    fn keys(m: &Map<String, Json>, editors: &[&str]) -> BTreeSet<String> {
        m.keys().filter(|k| !editors.contains(&k.as_str())).cloned().collect()
    }

    fn object<'a>(v: &'a Json, key: &str) -> &'a Map<String, Json> {
        v[key].as_object().unwrap_or_else(|| panic!("{key} is an object"))
    }

    #[test]
    fn the_list_is_what_the_serializers_emit() {
        let tree = serde_json::to_value(full()).expect("serializes");
        let bd = &tree["b"];
        let emitted = [
            (Dataset, keys(tree.as_object().expect("a map"), &["v", "b"])),
            (Value, keys(object(&tree, "v"), &[])),
            (Breakdown, keys(bd.as_object().expect("a map"), &["p", "q", "r", "g"])),
            (Part, keys(object(bd, "p"), &[])),
            (Group, keys(object(bd, "g"), &[])),
            (Series, keys(object(&tree["series"], "s"), &[])),
            (Period, keys(object(&tree["series"]["s"]["at"], "2019"), &[])),
        ];
        for (level, got) in emitted {
            let listed: BTreeSet<String> =
                RESERVED.iter().filter(|r| r.emitted && r.on.contains(&level)).map(|r| r.name.to_string()).collect();
            assert_eq!(got, listed, "{level:?}");
            assert!(got.iter().all(|k| is_reserved(level, k)), "{level:?}");
        }
        // The remainder is a part like the others.
        assert_eq!(keys(object(bd, "r"), &[]), keys(object(bd, "p"), &[]));
    }

    #[test]
    fn each_name_is_listed_once() {
        let mut names: Vec<&str> = RESERVED.iter().map(|r| r.name).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n);
    }
}
