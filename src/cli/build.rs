//! `baipi build`: validate the output folder, render the site through a stager, commit it,
//! and say what was done.

use std::path::Path;
use std::time::Instant;

use crate::diag::Result;
use crate::output::{Stager, outdir};
use crate::pipeline::render_site_into;
use crate::report::{Verbosity, print_timings, print_warnings};
use crate::site::Options;

/// Runs `build`; the exit code is 0 (every failure is an error).
pub fn run(
    root: &Path,
    output_dir: Option<&Path>,
    base_url: Option<String>,
    drafts: bool,
    v: Verbosity,
) -> Result<i32> {
    let t0 = Instant::now();
    // The folder is validated before anything is rendered: a refusal is a usage error.
    let config = crate::config::load(root)?;
    let dir = match (output_dir, config.output_dir.as_deref()) {
        (Some(d), _) => outdir::validate(root, d, true, &d.display().to_string())?,
        (None, Some(d)) => outdir::validate(root, &root.join(d), false, &format!("{d} (output_dir in site.toml)"))?,
        (None, None) => outdir::validate(root, &root.join("public"), false, "public/")?,
    };
    // Pages are written as they are rendered; nothing is final until the commit, and a failed
    // build removes what it wrote (the stager's drop), leaving the previous output as it was.
    let stager = Stager::new(&dir)?;
    let mut built = render_site_into(root, &Options { drafts, base_url, live_reload: None }, Some(&stager))?;
    let t = Instant::now();
    let written = stager.commit(&built.out)?;
    built.timings.write = t.elapsed();
    print_warnings(&built.warnings);
    if built.facts > 0 {
        let n = built.facts;
        eprintln!(
            "warning: {n} number{} typed in prose match no data; run `baipi check` to see where",
            if n == 1 { "" } else { "s" }
        );
    }
    if v != Verbosity::Quiet {
        let shown = output_dir.map(Path::to_path_buf).unwrap_or_else(|| {
            dir.strip_prefix(outdir::absolute(root).unwrap_or_default()).map(Path::to_path_buf).unwrap_or(dir.clone())
        });
        println!(
            "{} chapters, {} datasets, {} files in {} ms → {}{}",
            built.site.chapters.len(),
            built.site.datasets.len(),
            built.out.files.len() + built.out.staged.len(),
            t0.elapsed().as_millis(),
            shown.display(),
            if shown.to_string_lossy().ends_with('/') { "" } else { "/" }
        );
    }
    if v == Verbosity::Verbose {
        print_timings(&built.timings);
        let stages: Vec<String> =
            built.out.stages.iter().map(|(n, d)| format!("{n} {:.1} ms", d.as_secs_f64() * 1000.0)).collect();
        println!("  render: {}", stages.join(" · "));
        println!("  {} files written, {} unchanged, {} removed", written.written, written.unchanged, written.removed);
        for (path, size) in built.out.sizes() {
            println!("  {path} ({size} bytes)");
        }
    }
    // The process ends right after this: freeing a large site piece by piece (tens of
    // milliseconds at 10,000 chapters) would only delay the exit.
    std::mem::forget(built);
    Ok(0)
}
