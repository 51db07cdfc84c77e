//! A chart as an editor declares it in front matter (`charts:`).
//!
//! Owns the spec's fields as written. Takes the YAML of one `charts:` entry; produces a
//! [`ChartSpec`], which [`crate::charts`] resolves against the statistics and draws. The
//! keyword fields (`type`, `value`, `sort`) stay text here, with their positions, so that
//! an unknown word is reported with the chart's other problems, located, instead of
//! failing the whole front matter.

use crate::source::yaml::Ordered;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A chart as written in front matter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartSpec {
    pub id: Spanned<String>,
    /// One of [`crate::charts::ChartKind`]: `bar`, `hbar`, `donut`, `pie`, `stacked`, `line`.
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    /// `dataset.breakdown`, or a dataset name together with `items`.
    pub data: Spanned<String>,
    /// Keys of the dataset's `values` to plot (instead of a breakdown).
    #[serde(default)]
    pub items: Vec<Spanned<String>>,
    pub title: String,
    #[serde(default)]
    pub subtitle: String,
    /// `count` (default) or `share`.
    pub value: Option<Spanned<String>>,
    /// `none` (default: listed order), `desc` or `asc`.
    pub sort: Option<Spanned<String>>,
    /// A part key drawn in the accent colour.
    pub highlight: Option<Spanned<String>>,
    /// Shorter labels for the chart only: part key → label.
    #[serde(default)]
    pub labels: Ordered<String>,
    #[serde(default)]
    pub note: String,
    /// Include the derived remainder (default true).
    pub remainder: Option<bool>,
}
