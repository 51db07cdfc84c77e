//! `baipi build`: validate the output folder, render the site through a stager, commit it,
//! and say what was done.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::BuildArgs;
use crate::diag::Result;
use crate::output::outdir::{self, Request};
use crate::output::{Stager, WriteStats};
use crate::pipeline::{Built, render_site_into};
use crate::report::{Verbosity, count, print_timings, print_warnings};
use crate::site::Options;

/// Runs `build`; the exit code is 0 (every failure is an error).
pub fn run(root: &Path, args: &BuildArgs, v: Verbosity) -> Result<i32> {
    let t0 = Instant::now();
    // Before any thread starts: Ctrl-C and SIGTERM then remove what this build wrote.
    crate::output::interrupt::install();
    // The folder is validated before anything is rendered: a refusal is a usage error.
    let dir = output_folder(root, args)?;
    // Pages are written as they are rendered; nothing is final until the commit, and a failed
    // build removes what it wrote (the stager's drop), leaving the previous output as it was.
    let stager = Stager::new(&dir)?;
    let opts = Options { drafts: args.drafts, base_url: args.base_url.clone(), live_reload: None };
    let mut built = render_site_into(root, &opts, Some(&stager))?;
    let t = Instant::now();
    let written = stager.commit(&built.out)?;
    built.timings.write = t.elapsed();
    print_warnings(&built.warnings);
    if let Some(w) = built.site.config.relative_base_warning().filter(|_| v != Verbosity::Quiet) {
        eprintln!("{w}");
    }
    if !crate::pdf::AVAILABLE && built.site.config.pdf.enabled && v != Verbosity::Quiet {
        eprintln!(
            "note: the PDF edition was skipped: this baipi was built without its `pdf` feature\n  = help: install \
             it with the feature: `cargo install --path . --features pdf` in baipi's folder (or run \
             `cargo run --release --features pdf -- build`), or set `[pdf] enabled = false` in site.toml"
        );
    }
    let max = crate::render::pdf::MAX_CHAPTERS;
    if crate::pdf::AVAILABLE
        && built.site.config.pdf.enabled
        && built.site.chapters.len() > max
        && v != Verbosity::Quiet
    {
        eprintln!(
            "note: no PDF edition: it is made for sites of up to {max} chapters, this one has {}",
            built.site.chapters.len()
        );
    }
    if built.facts > 0 {
        let (n, verb) = (built.facts, if built.facts == 1 { "matches" } else { "match" });
        eprintln!("warning: {} typed in prose {verb} no data; run `baipi check` to see where", count(n, "number"));
    }
    if v != Verbosity::Quiet {
        let shown = args.output_dir.clone().unwrap_or_else(|| {
            dir.strip_prefix(outdir::absolute(root).unwrap_or_default()).map(Path::to_path_buf).unwrap_or(dir.clone())
        });
        print_summary(&built, &shown, t0);
    }
    if v == Verbosity::Verbose {
        print_details(&built, &written);
    }
    // The process ends right after this: freeing a large site piece by piece (tens of
    // milliseconds at 10,000 chapters) would only delay the exit.
    std::mem::forget(built);
    Ok(0)
}

/// The output folder: `--output-dir`, else site.toml's `output_dir`, else `public/`, validated.
fn output_folder(root: &Path, args: &BuildArgs) -> Result<PathBuf> {
    let config = crate::config::load(root)?;
    let force = args.force;
    match (&args.output_dir, config.output_dir.as_deref()) {
        (Some(d), _) => {
            outdir::validate(root, &Request { dir: d, explicit: true, label: &d.display().to_string(), force })
        }
        (None, Some(d)) => {
            let label = format!("{d} (output_dir in site.toml)");
            outdir::validate(root, &Request { dir: &root.join(d), explicit: false, label: &label, force })
        }
        (None, None) => {
            outdir::validate(root, &Request { dir: &root.join("public"), explicit: false, label: "public/", force })
        }
    }
}

/// `5 chapters, 5 datasets, 88 files in 15 ms → public/`.
fn print_summary(built: &Built, shown: &Path, t0: Instant) {
    println!(
        "{}, {}, {} in {} ms → {}{}",
        count(built.site.chapters.len(), "chapter"),
        count(built.site.datasets.len(), "dataset"),
        count(built.out.files.len() + built.out.staged.len(), "file"),
        t0.elapsed().as_millis(),
        shown.display(),
        if shown.to_string_lossy().ends_with('/') { "" } else { "/" }
    );
}

/// `--verbose`: the time of each stage and every file written.
fn print_details(built: &Built, written: &WriteStats) {
    print_timings(&built.timings);
    let stages: Vec<String> =
        built.out.stages.iter().map(|(n, d)| format!("{n} {:.1} ms", d.as_secs_f64() * 1000.0)).collect();
    println!("  render: {}", stages.join(" · "));
    println!(
        "  {} written, {} unchanged, {} removed",
        count(written.written, "file"),
        written.unchanged,
        written.removed
    );
    for (path, size) in built.out.sizes() {
        println!("  {path} ({size} bytes)");
    }
}
