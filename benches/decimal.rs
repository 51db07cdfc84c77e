//! Benchmark: the exact-decimal reader (`Dec::from_text`, which every number of a data file
//! and of front matter goes through) against the float parser it replaced, on 100,000 numbers
//! as editors type them; printing them in the site's number format; and the exact average
//! annual growth (CAGR) of series, typical and at the longest span computed. Run:
//! `cargo bench --bench decimal`. Prints the median and minimum of 9 rounds.

use std::hint::black_box;
use std::time::{Duration, Instant};

use baipi::format::NumberFormat;
use baipi::number::{Dec, MAX_GROWTH_PERIODS, average_growth};

fn main() {
    // Counts, published shares with their decimals, and long values, in a fixed mix.
    let texts: Vec<String> = (0..100_000u64)
        .map(|i| match i % 4 {
            0 => format!("{}", 1000 + i * 7),
            1 => format!("{}.{:02}", i % 100, i % 97),
            2 => format!("{}.0", i % 1000),
            _ => format!("9007199254{i}.{:03}", i % 1000),
        })
        .collect();
    let (med, min) = time(9, || {
        for t in &texts {
            black_box(Dec::from_text(black_box(t)).expect("a number"));
        }
    });
    report("Dec::from_text", texts.len(), med, min);
    let (med, min) = time(9, || {
        for t in &texts {
            black_box(black_box(t).parse::<f64>().expect("a number"));
        }
    });
    report("f64 (for comparison)", texts.len(), med, min);
    let decs: Vec<Dec> = texts.iter().map(|t| Dec::from_text(t).expect("a number")).collect();
    let fmt = NumberFormat::default();
    let (med, min) = time(9, || {
        for d in &decs {
            black_box(fmt.num(black_box(*d)));
        }
    });
    report("NumberFormat::num", decs.len(), med, min);
    // 10,000 yearly series of 3 to 22 years, growth to 2 places.
    let series: Vec<(Dec, Dec, u32)> = (0..10_000u32)
        .map(|i| (Dec::from_int(800 + i64::from(i)), Dec::from_int(1200 + 3 * i64::from(i)), 3 + i % 20))
        .collect();
    let (med, min) = time(9, || {
        for (a, b, years) in &series {
            black_box(average_growth(black_box(*a), black_box(*b), *years, 1, 2));
        }
    });
    report("average_growth (yearly, 2 places)", series.len(), med, min);
    let (a, b) = (Dec::from_text("123456789.5").expect("a number"), Dec::from_text("987654321.25").expect("a number"));
    let (med, min) = time(9, || {
        black_box(average_growth(black_box(a), black_box(b), MAX_GROWTH_PERIODS, 1, 6));
    });
    report("average_growth (1,200 periods, 6 places)", 1, med, min);
}

fn report(what: &str, n: usize, med: Duration, min: Duration) {
    let per = med.as_nanos() as f64 / n as f64;
    println!("{what}: {n} numbers, median {med:.2?} ({per:.0} ns each), min {min:.2?}");
}

fn time(rounds: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let mut all: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    all.sort();
    (all[rounds / 2], all[0])
}
