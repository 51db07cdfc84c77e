//! The pipeline shared by `build`, `check`, `serve` and the benchmarks: load the site,
//! fact-check its prose, render it — into memory, or through a stager into the output folder.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::diag::{Diagnostic, Error, Result, Severity, Sink};
use crate::output::{Output, Stager};
use crate::site::{self, Options};

/// Time spent in each stage of a build.
#[derive(Debug, Default, Clone, Copy)]
pub struct Timings {
    pub load: Duration,
    pub factcheck: Duration,
    pub render: Duration,
    pub write: Duration,
}

/// A site rendered in memory.
pub struct Built {
    pub site: site::Site,
    pub out: Output,
    /// Loading and rendering warnings.
    pub warnings: Vec<Diagnostic>,
    /// How many numbers in prose match no data (`check` lists them; `build` counts them).
    pub facts: usize,
    pub timings: Timings,
}

/// Loads the site; returns it with its warnings and the number of figures in prose that match
/// no data (counted, not listed: `check` lists them).
pub fn load(root: &Path, opts: &Options, timings: &mut Timings) -> Result<(site::Site, Vec<Diagnostic>, usize)> {
    let t = Instant::now();
    let mut sink = Sink::default();
    let site = site::load(root, opts, &mut sink)?;
    sink.finish()?;
    let site = site.ok_or_else(|| Error::Input(sink.items.clone()))?;
    timings.load = t.elapsed();
    let t = Instant::now();
    let warnings: Vec<Diagnostic> = sink.items.into_iter().filter(|d| d.severity == Severity::Warning).collect();
    // Prose is fact-checked when the site has data to check it against.
    let facts = if site.datasets.is_empty() { 0 } else { crate::factcheck::count_site(&site) };
    timings.factcheck = t.elapsed();
    Ok((site, warnings, facts))
}

/// Loads, fact-checks and renders the site into memory (shared by `build` and `serve`).
pub fn render_site(root: &Path, opts: &Options) -> Result<Built> {
    render_site_into(root, opts, None)
}

/// As [`render_site`], writing the bulk of the site through `stager` while rendering.
pub fn render_site_into(root: &Path, opts: &Options, stager: Option<&Stager>) -> Result<Built> {
    let mut timings = Timings::default();
    let (site, mut warnings, facts) = load(root, opts, &mut timings)?;
    let t = Instant::now();
    let out = crate::render::render_into(&site, stager)?;
    timings.render = t.elapsed();
    warnings.extend(out.warnings.iter().cloned());
    Ok(Built { site, out, warnings, facts, timings })
}
