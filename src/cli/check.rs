//! `baipi check`: everything that can be wrong, reported at once; nothing written.
//!
//! Runs the same stages as `build` — loading (YAML, front matter, site.toml,
//! duplicate slugs and weights, data consistency), fact-checking, and
//! rendering in memory (expressions, links and anchors, images and files,
//! asterisks left unparsed, every template) — but collects every problem
//! instead of stopping at the first failing stage. When loading fails, the
//! theme's templates are still compiled, so template mistakes are reported
//! alongside; checks that need the loaded data (expressions, links) run once
//! loading succeeds.

use std::io::Write;
use std::path::Path;

use crate::diag::{Diagnostic, Error, Result, Severity, Sink};
use crate::report::{self, Verbosity};
use crate::site::{self, Options};

/// What `check` found.
#[derive(Debug, Default)]
pub struct Findings {
    /// Errors and warnings in the order found.
    pub items: Vec<Diagnostic>,
    /// Chapters and datasets, when the site loaded.
    pub counts: Option<(usize, usize)>,
}

/// Every problem found.
pub fn gather(root: &Path, drafts: bool) -> Result<Findings> {
    let opts = Options { drafts, base_url: None, live_reload: None };
    let mut sink = Sink::default();
    let site = site::load(root, &opts, &mut sink)?;
    let mut found = sink.items;
    let Some(site) = site else {
        // Templates do not depend on the content: check them too.
        if let Ok(config) = crate::config::load(root) {
            let mut s = Sink::default();
            if let Some(th) = s.take(crate::theme::load(root, &config.theme))? {
                s.take(crate::theme::compile(&th, &config.numbers, &config.base_path))?;
            }
            found.extend(s.items);
        }
        return Ok(Findings { items: found, counts: None });
    };
    found.retain(|d| d.severity == Severity::Warning);
    found.extend(crate::factcheck::check_site(&site));
    match crate::render::render(&site) {
        Ok(out) => found.extend(out.warnings),
        Err(Error::Input(ds)) => found.extend(ds),
        Err(e) => return Err(e),
    }
    Ok(Findings { items: found, counts: Some((site.chapters.len(), site.datasets.len())) })
}

/// Runs `check`; exit code 1 when there is an error (or, with `strict`, a warning).
pub fn run(root: &Path, drafts: bool, strict: bool, v: Verbosity) -> Result<i32> {
    let Findings { items: mut found, counts } = gather(root, drafts)?;
    if strict {
        for d in &mut found {
            d.severity = Severity::Error;
        }
    }
    // Errors first, then warnings, each in the order found.
    found.sort_by_key(|d| std::cmp::Reverse(d.severity));
    let errors = found.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = found.len() - errors;
    let mut err = std::io::stderr().lock();
    for d in &found {
        let _ = writeln!(err, "{d}\n");
    }
    if errors > 0 {
        let _ = writeln!(
            err,
            "{}, {}; nothing was written.",
            report::count_errors(&found),
            report::count(warnings, "warning")
        );
        return Ok(1);
    }
    if v != Verbosity::Quiet {
        let (chapters, datasets) = counts.unwrap_or_default();
        println!(
            "{}, {}: no errors, {}",
            report::count(chapters, "chapter"),
            report::count(datasets, "dataset"),
            report::count(warnings, "warning")
        );
    }
    Ok(0)
}
