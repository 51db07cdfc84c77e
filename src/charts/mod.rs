//! Chart specs + statistics → accessible SVG figures, drawn with charts-rs.
//!
//! Owns the chart types and what a figure is made of. Takes a chapter's chart specs
//! ([`ChartSpec`](crate::content::chart::ChartSpec), from front matter), the datasets'
//! [`DatasetStats`](crate::stats::DatasetStats) and the theme's [`Style`]; produces
//! [`Chart`]s (validated, with located errors), their SVG, and for each numbered
//! [`Figure`] its HTML, its one-sentence summary and its SVG and CSV files.
//!
//! A spec names a breakdown (`members.by_age`), a dataset's values (`survey` with
//! `items:`) or a series over time (`members.series.yearly`, drawn as `line` or `bar`). Figures are numbered across the paper (图1, 图2 …) in chapter order by the
//! renderer and placed in prose with `{{ figure(id="…") }}`. Every figure carries a
//! `<title>`/`<desc>`, the summary, its numbers as an HTML table, and download links.
//!
//! - [`resolve`]: spec + statistics → [`Chart`] (`resolve.rs`);
//! - [`render`]: [`Chart`] → SVG with charts-rs, axes, exact labels, accessibility (`draw.rs`);
//! - [`figure_html`], [`summary`], [`svg_file`], [`csv_file`]: the figure around it (`figure.rs`);
//! - [`Style`]: colours and fonts from `theme.toml` (`style.rs`).

mod draw;
mod figure;
mod resolve;
mod style;

pub use draw::{Axis, nice_axis, register_font, render, text_width};
pub use figure::{csv_file, figure_html, summary, svg_file};
pub use resolve::{
    Budget, MAX_CHARTS_PER_CHAPTER, MAX_CHARTS_PER_SITE, MAX_POINTS, MAX_POINTS_PER_CHAPTER, MAX_POINTS_PER_SITE,
    OverBudget, resolve,
};
pub use style::Style;

use crate::number::Dec;

/// A chart type, as `type:` names it in a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Vertical bars.
    Bar,
    /// Horizontal bars, for long labels.
    Hbar,
    Donut,
    Pie,
    /// One horizontal bar divided into the parts.
    Stacked,
    Line,
}

impl ChartKind {
    /// Every type, in the order error messages list them.
    pub const ALL: [ChartKind; 6] =
        [ChartKind::Bar, ChartKind::Hbar, ChartKind::Donut, ChartKind::Pie, ChartKind::Stacked, ChartKind::Line];

    /// The name in specs and in the figure's `data-chart` attribute.
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Bar => "bar",
            ChartKind::Hbar => "hbar",
            ChartKind::Donut => "donut",
            ChartKind::Pie => "pie",
            ChartKind::Stacked => "stacked",
            ChartKind::Line => "line",
        }
    }

    pub fn from_name(s: &str) -> Option<ChartKind> {
        ChartKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// What a chart plots, as a spec's `value:` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// The numbers as published (the default).
    Count,
    /// Each part's share of the breakdown's total.
    Share,
}

impl Measure {
    pub const ALL: [Measure; 2] = [Measure::Count, Measure::Share];

    pub fn name(self) -> &'static str {
        match self {
            Measure::Count => "count",
            Measure::Share => "share",
        }
    }

    pub fn from_name(s: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.name() == s)
    }
}

/// The order of the points, as a spec's `sort:` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// As listed in the data (the default).
    None,
    Desc,
    Asc,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::None, Sort::Desc, Sort::Asc];

    pub fn name(self) -> &'static str {
        match self {
            Sort::None => "none",
            Sort::Desc => "desc",
            Sort::Asc => "asc",
        }
    }

    pub fn from_name(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|o| o.name() == s)
    }
}

/// One plotted point.
#[derive(Debug, Clone)]
pub struct Point {
    pub key: String,
    pub label: String,
    /// What is drawn: the count, or the share when the chart plots shares.
    pub value: Dec,
    /// Share of the breakdown's total (none for a dataset's values).
    pub share: Option<Dec>,
    /// A remainder computed by baipi, not a published figure.
    pub derived: bool,
    /// Over time: growth over the previous period, in percent.
    pub growth: Option<Dec>,
}

/// What a chart over time says of its series as a whole, as the statistics computed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trend {
    /// From the first value to the last, in percent.
    pub growth: Option<Dec>,
    /// Average annual growth, in percent.
    pub cagr: Option<Dec>,
}

/// A resolved chart, ready to draw.
#[derive(Debug, Clone)]
pub struct Chart {
    pub id: String,
    pub kind: ChartKind,
    pub title: String,
    pub subtitle: String,
    pub unit: String,
    /// Plotting shares (percent) rather than counts.
    pub percent: bool,
    pub points: Vec<Point>,
    /// The points cover the whole (a complete breakdown, or one drawn with its remainder);
    /// otherwise they are only what was listed, and the summary says so.
    pub whole: bool,
    pub highlight: Option<String>,
    pub note: String,
    pub source: String,
    pub as_of: String,
    /// Dataset the chart draws from (for its CSV name and links).
    pub dataset: String,
    /// A series over time (`data: members.series.yearly`): its points are periods, and the
    /// summary and data table speak of change and growth, never of shares.
    pub trend: Option<Trend>,
}

/// A drawn figure.
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
