//! Figures: every chart spec of the site resolved against the data, numbered across the
//! paper in chapter order, and drawn; and the HTML that `figure()` and `figref()` place.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::charts::{self, Figure};
use crate::diag::{Diagnostic, Result, Sink};
use crate::site::Site;
use crate::source::yaml::Pos;
use crate::theme::{ChapterLink, Theme};

/// Figure id → (the figure's HTML, a link to it such as `图3`), as prose's `figure()` and
/// `figref()` place them. A chart that failed to resolve keeps its id with empty HTML, so prose
/// that uses it adds no second message.
pub type FigureHtml = BTreeMap<String, (String, String)>;

/// Resolves, numbers and renders every chart of the site, in chapter order.
pub fn build(site: &Site, th: &Theme, links: &[ChapterLink]) -> Result<Vec<Figure>> {
    let mut sink = Sink::default();
    let style = &th.chart_style;
    let numbers = &site.config.numbers;
    let any = site.index.iter().chain(&site.chapters).any(|c| !c.front.charts.is_empty());
    if any {
        charts::register_font(&th.dir, style)?;
    }
    let mut figures: Vec<Figure> = Vec::new();
    let mut resolved = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut budget = charts::Budget::default();
    let pages = site
        .index
        .iter()
        .map(|c| (c, site.config.base_path.clone()))
        .chain(site.chapters.iter().zip(links).map(|(c, l)| (c, l.url.clone())));
    for (ch, url) in pages {
        if ch.front.charts.is_empty() {
            continue;
        }
        let src = ch.source();
        budget.next_chapter();
        for spec in &ch.front.charts {
            let at = |pos: Pos, msg: String| Diagnostic::error(&ch.file, pos.line + 1, pos.col, msg).with_source(src);
            let mut err = |pos: Pos, msg: String| sink.push(at(pos, msg));
            if let Some(other) = seen.get(&spec.id.value) {
                err(Pos::of(&spec.id), format!("chart id `{}` is already used in {other}", spec.id.value));
                continue;
            }
            seen.insert(spec.id.value.clone(), ch.file.clone());
            // Over a budget, the rest of the chapter's charts are not looked at (one message).
            if let Err(over) = budget.chart(&spec.id.value) {
                sink.push(at(Pos::of(&spec.id), over.message).with_help(over.help));
                break;
            }
            let Some(chart) = charts::resolve(spec, &site.computed, &mut err) else { continue };
            if let Err(over) = budget.points(&chart.id, chart.points.len()) {
                sink.push(at(Pos::of(&spec.data), over.message).with_help(over.help));
                break;
            }
            resolved.push((chart, url.clone()));
        }
    }
    // Drawing is the slow part: in parallel, in figure order.
    let drawn: Vec<Result<(String, String)>> = resolved
        .par_iter()
        .map(|(chart, _)| charts::render(chart, style, numbers).map(|svg| (svg, charts::summary(chart, numbers))))
        .collect();
    for ((chart, page_url), d) in resolved.into_iter().zip(drawn) {
        let Some((svg, summary)) = sink.take(d)? else { continue };
        figures.push(Figure { id: chart.id.clone(), number: figures.len() + 1, page_url, chart, svg, summary });
    }
    sink.finish()?;
    Ok(figures)
}

/// The HTML of every figure by id, for prose and for charts not placed with `figure()`.
pub fn html_map(site: &Site, figures: &[Figure]) -> Arc<FigureHtml> {
    let bp = &site.config.base_path;
    let mut map: FigureHtml = site
        .index
        .iter()
        .chain(&site.chapters)
        .flat_map(|c| &c.front.charts)
        .map(|spec| (spec.id.value.clone(), (String::new(), String::new())))
        .collect();
    map.extend(figures.iter().map(|f| {
        let html = charts::figure_html(f, bp, &site.config.numbers);
        let link = format!("<a class=\"figref\" href=\"{}#fig-{}\">图{}</a>", f.page_url, f.id, f.number);
        (f.id.clone(), (html, link))
    }));
    Arc::new(map)
}
