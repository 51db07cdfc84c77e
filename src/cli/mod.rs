//! The command line: arguments (clap) and one module per command — [`build`], [`check`],
//! [`init`] (`init` and `new chapter`); `serve` is [`crate::serve::run`]. Errors are printed
//! here, once, and turned into the exit code.

use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

use crate::diag::Error;
use crate::report::{Verbosity, count_errors};

mod build;
pub mod check;
pub mod init;

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
    Build(BuildArgs),
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

/// `baipi build`'s options.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Output folder (relative to the current directory); may be outside the site folder.
    #[arg(long, short = 'o')]
    pub output_dir: Option<PathBuf>,
    /// Override site.toml's base_url (e.g. https://host/tianhe-2021/).
    #[arg(long, short = 'u')]
    pub base_url: Option<String>,
    /// Include chapters marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Build into a non-empty folder that baipi did not make; nothing in it is removed.
    #[arg(long, short = 'f')]
    pub force: bool,
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

/// Runs the CLI; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let v = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    let result = match &cli.command {
        Command::Build(args) => build::run(&cli.root, args, v),
        Command::Check { drafts, strict } => check::run(&cli.root, *drafts, *strict, v),
        Command::Serve { interface, port, open, drafts } => crate::serve::run(
            &cli.root,
            &crate::serve::ServeOptions { interface: interface.clone(), port: *port, open: *open, drafts: *drafts },
            v,
        ),
        Command::Init { dir } => init::init(dir, v),
        Command::New { what: NewCommand::Chapter { title, slug } } => {
            init::new_chapter(&cli.root, title, slug.as_deref())
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
