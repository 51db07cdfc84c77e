//! What baipi prints about a run: how much ([`Verbosity`]), problem counts, warnings, and
//! the per-stage timings of `build --verbose`.

use std::io::Write;

use crate::diag::{Diagnostic, Severity};
use std::time::Duration;

use crate::pipeline::Timings;

/// How much to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// `1 error found` / `3 errors found`.
pub fn count_errors(ds: &[Diagnostic]) -> String {
    let n = ds.iter().filter(|d| d.severity == Severity::Error).count();
    format!("{} found", count(n, "error"))
}

/// `1 chapter`, `0 chapters`, `5 chapters`: a count with its noun (regular plurals only).
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// Prints warnings to standard error, each followed by a blank line.
pub fn print_warnings(warnings: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in warnings {
        let _ = writeln!(err, "{d}\n");
    }
}

/// Prints the time of each stage (`build --verbose`).
pub fn print_timings(t: &Timings) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  load {:.1} ms · fact-check {:.1} ms · render {:.1} ms · write {:.1} ms",
        ms(t.load),
        ms(t.factcheck),
        ms(t.render),
        ms(t.write)
    );
}
