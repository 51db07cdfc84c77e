//! Command line: argument parsing and the commands.

use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diagnostics::{Diagnostic, Error, Result, Severity, Sink};
use crate::site::{self, Options};

/// baipi builds statistical white papers into fast, accessible static sites.
#[derive(Debug, Parser)]
#[command(name = "baipi", version, about)]
pub struct Cli {
    /// The site folder (holding site.toml).
    #[arg(long, short = 'r', global = true, default_value = ".")]
    pub root: PathBuf,
    /// Print only errors.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default public/).
    Build {
        /// Output folder (relative to the current directory).
        #[arg(long, short = 'o')]
        output_dir: Option<PathBuf>,
        /// Override site.toml's base_url (e.g. https://host/tianhe-2021/).
        #[arg(long, short = 'u')]
        base_url: Option<String>,
        /// Include chapters marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Check everything (data, statistics, expressions, links, templates); write nothing.
    Check {
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
        /// Treat warnings (numbers in prose that match no data) as errors.
        #[arg(long)]
        strict: bool,
    },
}

/// Runs the CLI; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let result = match &cli.command {
        Command::Build { output_dir, base_url, drafts } => {
            build(&cli.root, output_dir.as_deref(), base_url.clone(), *drafts, cli.quiet)
        }
        Command::Check { drafts, strict } => check(&cli.root, *drafts, *strict, cli.quiet),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{e}");
            if let Error::Input(ds) = &e {
                let n = ds.iter().filter(|d| d.severity == Severity::Error).count();
                let _ = writeln!(err, "\n{n} error{} found; nothing was written.", if n == 1 { "" } else { "s" });
            }
            e.exit_code()
        }
    }
}

fn print_warnings(warnings: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in warnings {
        let _ = writeln!(err, "{d}\n");
    }
}

/// Loads the site; returns it with every warning (loading and fact-checking).
fn load(root: &Path, opts: &Options) -> Result<(site::Site, Vec<Diagnostic>)> {
    let mut sink = Sink::default();
    let site = site::load(root, opts, &mut sink)?;
    sink.finish()?;
    let site = site.ok_or_else(|| Error::Input(sink.items.clone()))?;
    let warnings: Vec<Diagnostic> = sink.items.into_iter().filter(|d| d.severity == Severity::Warning).collect();
    Ok((site, warnings))
}

fn build(root: &Path, output_dir: Option<&Path>, base_url: Option<String>, drafts: bool, quiet: bool) -> Result<i32> {
    let t0 = Instant::now();
    let (site, warnings) = load(root, &Options { drafts, base_url })?;
    let out = crate::build::render(&site)?;
    let dir = match output_dir {
        Some(d) => d.to_path_buf(),
        None => root.join(site.config.output_dir.as_deref().unwrap_or("public")),
    };
    crate::build::write(&out, &dir)?;
    print_warnings(&warnings);
    // Prose is fact-checked against the data when there is data; `check` lists each number.
    if !site.datasets.is_empty() {
        let n = crate::factcheck::check_site(&site).len();
        if n > 0 {
            eprintln!(
                "warning: {n} number{} typed in prose match no data; run `baipi check` to see where",
                if n == 1 { "" } else { "s" }
            );
        }
    }
    if !quiet {
        println!(
            "{} chapters, {} datasets, {} files in {} ms → {}",
            site.chapters.len(),
            site.datasets.len(),
            out.files.len(),
            t0.elapsed().as_millis(),
            dir.display()
        );
    }
    Ok(0)
}

fn check(root: &Path, drafts: bool, strict: bool, quiet: bool) -> Result<i32> {
    let (site, mut warnings) = load(root, &Options { drafts, base_url: None })?;
    warnings.extend(crate::factcheck::check_site(&site));
    crate::build::render(&site)?;
    if strict && !warnings.is_empty() {
        let errors = warnings
            .into_iter()
            .map(|mut d| {
                d.severity = Severity::Error;
                d
            })
            .collect();
        return Err(Error::Input(errors));
    }
    print_warnings(&warnings);
    if !quiet {
        println!(
            "{} chapters, {} datasets: no errors, {} warning{}",
            site.chapters.len(),
            site.datasets.len(),
            warnings.len(),
            if warnings.len() == 1 { "" } else { "s" }
        );
    }
    Ok(0)
}
