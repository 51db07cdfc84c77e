//! Command line: argument parsing and the commands.

use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::Output;
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
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print the time of each stage and every file written.
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default public/).
    Build {
        /// Output folder (relative to the current directory); may be outside the site folder.
        #[arg(long, short = 'o')]
        output_dir: Option<PathBuf>,
        /// Override site.toml's base_url (e.g. https://host/tianhe-2021/).
        #[arg(long, short = 'u')]
        base_url: Option<String>,
        /// Include chapters marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Check everything (data, statistics, expressions, links, images, templates); write nothing.
    Check {
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
        /// Treat warnings (numbers in prose that match no data, …) as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Serve the site from memory, rebuild on every change and reload open pages.
    Serve {
        /// Address to listen on; anything but a loopback address exposes the site to the network.
        #[arg(long, short = 'i', default_value = "127.0.0.1")]
        interface: String,
        /// Port (0 picks a free one).
        #[arg(long, short = 'p', default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long, short = 'O')]
        open: bool,
        /// Include chapters marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Create a new white paper skeleton in DIR (which must be empty or absent).
    Init {
        /// The folder to create.
        dir: PathBuf,
    },
    /// Add something to the site at --root.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Add content/NN-<slug>.md with front matter and the next weight; prints its path.
    Chapter {
        /// The chapter title, e.g. "党建工作突破方向".
        title: String,
        /// The URL name (default: from the title).
        #[arg(long)]
        slug: Option<String>,
    },
}

/// How much to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Runs the CLI; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let v = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    let result = match &cli.command {
        Command::Build { output_dir, base_url, drafts } => {
            build(&cli.root, output_dir.as_deref(), base_url.clone(), *drafts, v)
        }
        Command::Check { drafts, strict } => crate::check::run(&cli.root, *drafts, *strict, v),
        Command::Serve { interface, port, open, drafts } => crate::serve::run(
            &cli.root,
            &crate::serve::ServeOptions { interface: interface.clone(), port: *port, open: *open, drafts: *drafts },
            v,
        ),
        Command::Init { dir } => crate::init::init(dir, v),
        Command::New { what: NewCommand::Chapter { title, slug } } => {
            crate::init::new_chapter(&cli.root, title, slug.as_deref())
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{e}");
            if let Error::Input(ds) = &e {
                let _ = writeln!(err, "\n{}; nothing was written.", count_errors(ds));
            }
            e.exit_code()
        }
    }
}

/// `1 error found` / `3 errors found`.
pub fn count_errors(ds: &[Diagnostic]) -> String {
    let n = ds.iter().filter(|d| d.severity == Severity::Error).count();
    format!("{n} error{} found", if n == 1 { "" } else { "s" })
}

pub fn print_warnings(warnings: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in warnings {
        let _ = writeln!(err, "{d}\n");
    }
}

/// Time spent in each stage of a build.
#[derive(Debug, Default, Clone, Copy)]
pub struct Timings {
    pub load: Duration,
    pub factcheck: Duration,
    pub render: Duration,
    pub write: Duration,
}

impl Timings {
    pub fn print(&self) {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "  load {:.1} ms · fact-check {:.1} ms · render {:.1} ms · write {:.1} ms",
            ms(self.load),
            ms(self.factcheck),
            ms(self.render),
            ms(self.write)
        );
    }
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
pub fn render_site_into(root: &Path, opts: &Options, stager: Option<&crate::build::Stager>) -> Result<Built> {
    let mut timings = Timings::default();
    let (site, mut warnings, facts) = load(root, opts, &mut timings)?;
    let t = Instant::now();
    let out = crate::build::render_into(&site, stager)?;
    timings.render = t.elapsed();
    warnings.extend(out.warnings.iter().cloned());
    Ok(Built { site, out, warnings, facts, timings })
}

fn build(root: &Path, output_dir: Option<&Path>, base_url: Option<String>, drafts: bool, v: Verbosity) -> Result<i32> {
    let t0 = Instant::now();
    // The folder is validated before anything is rendered: a refusal is a usage error.
    let config = crate::config::load(root)?;
    let dir = match (output_dir, config.output_dir.as_deref()) {
        (Some(d), _) => crate::outdir::validate(root, d, true, &d.display().to_string())?,
        (None, Some(d)) => {
            crate::outdir::validate(root, &root.join(d), false, &format!("{d} (output_dir in site.toml)"))?
        }
        (None, None) => crate::outdir::validate(root, &root.join("public"), false, "public/")?,
    };
    // Pages are written as they are rendered; nothing is final until the commit, and a failed
    // build removes what it wrote (the stager's drop), leaving the previous output as it was.
    let stager = crate::build::Stager::new(&dir)?;
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
            dir.strip_prefix(crate::outdir::absolute(root).unwrap_or_default())
                .map(Path::to_path_buf)
                .unwrap_or(dir.clone())
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
        built.timings.print();
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
