//! The floor, in the shape of baipi's output: how fast can any generator write what baipi writes?
//!
//! `../shared/bench`'s floor reads every chapter, renders it with pulldown-cmark and writes
//! `<stem>.html` into one flat folder. baipi's output has a different shape: each chapter is
//! `<slug>/index.html` (a folder per page, as Hugo and Zola do by default), the pages carry a
//! theme's header, navigation and footer, and the search index repeats the chapters' text in
//! its text files. This benchmark measures the floor with those differences added one at a time,
//! so that the cost of the output's shape (kernel work: folders, bytes) is separated from the cost
//! of baipi's own work (front matter, templates, tokenizing for search):
//!
//! - `flat`: the floor as in `../shared/bench/floor` (rayon, one thread per core; titles escaped by
//!   baipi's `html_escape`, which also escapes `'`);
//! - `pad`: pages as large as baipi's (the chrome as `--pad` bytes of filler);
//! - `folders`: and each page in its own folder;
//! - `text`: and each chapter's text again as a JSON string, in files of 48 KB (as `search/t*.json`).
//!
//! ```sh
//! cargo bench --bench floor_shape -- CONTENT_DIR [--runs 9] [--pad 3500] [--out /dev/shm/floor-shape] [--baipi BIN]
//! ```
//!
//! Prints the median wall time and CPU time (user + system, from `/proc/self/stat`) of each
//! shape, run interleaved. With `--baipi target/release/baipi`, each round also runs
//! `BIN --root <CONTENT_DIR/..> build --output-dir <out>` (a child process, so its start and exit
//! are counted, which the in-process shapes do not pay: about a millisecond) and prints baipi's
//! time over each shape's (the median of the rounds' ratios).
// baipi's own escaping, for HTML and for the JSON of the search text.
use baipi::util::escape::html as html_escape;
use baipi::util::escape::push_json_str;
use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Shape {
    Flat,
    Pad,
    Folders,
    Text,
}

/// Renders one chapter into `out` in the given shape; returns its stem, title and (for `Text`)
/// its text as JSON.
fn page(path: &Path, out: &Path, shape: Shape, pad: &str) -> (String, String, String) {
    let src = std::fs::read_to_string(path).expect("read");
    let (fm, body) = match src.strip_prefix("---\n").and_then(|r| r.find("\n---\n").map(|e| (&r[..e], &r[e + 5..]))) {
        Some(x) => x,
        None => ("", src.as_str()),
    };
    let title = fm
        .lines()
        .find_map(|l| l.strip_prefix("title:"))
        .map(|t| t.trim().trim_matches('"').to_string())
        .unwrap_or_default();
    let mut html = String::with_capacity(body.len() * 2 + pad.len() + 256);
    html.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>");
    let title_html = html_escape(&title);
    html.push_str(&title_html);
    html.push_str("</title></head>\n<body><h1>");
    html.push_str(&title_html);
    html.push_str("</h1>\n");
    let parser = Parser::new_ext(body, Options::ENABLE_TABLES).map(|ev| match ev {
        pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { link_type, dest_url, title, id })
            if dest_url.ends_with(".md") && !dest_url.contains("://") =>
        {
            let url = format!("../{}/", &dest_url[..dest_url.len() - 3]);
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { link_type, dest_url: url.into(), title, id })
        }
        e => e,
    });
    html::push_html(&mut html, parser);
    if shape >= Shape::Pad {
        html.push_str(pad);
    }
    html.push_str("</body></html>\n");
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if shape >= Shape::Folders {
        let dir = out.join(&stem);
        std::fs::create_dir(&dir).expect("mkdir");
        std::fs::write(dir.join("index.html"), html).expect("write");
    } else {
        std::fs::write(out.join(format!("{stem}.html")), html).expect("write");
    }
    let mut text = String::new();
    if shape >= Shape::Text {
        push_json_str(&mut text, body);
    }
    (stem, title, text)
}

fn build(files: &[PathBuf], out: &Path, shape: Shape, pad: &str) {
    std::fs::create_dir_all(out).expect("mkdir");
    if shape >= Shape::Text {
        std::fs::create_dir(out.join("search")).expect("mkdir");
    }
    // Chapters in blocks of about 48 KB of source, as baipi cuts its search text files.
    let mut blocks: Vec<&[PathBuf]> = Vec::new();
    let (mut start, mut size) = (0, 0u64);
    for (i, f) in files.iter().enumerate() {
        size += std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
        if size >= 48 * 1024 || i + 1 == files.len() {
            blocks.push(&files[start..=i]);
            (start, size) = (i + 1, 0);
        }
    }
    let pages: Vec<Vec<(String, String)>> = blocks
        .par_iter()
        .enumerate()
        .map(|(b, block)| {
            let done: Vec<_> = block.iter().map(|f| page(f, out, shape, pad)).collect();
            if shape >= Shape::Text {
                let mut js = String::from("[");
                for (k, (_, _, t)) in done.iter().enumerate() {
                    if k > 0 {
                        js.push(',');
                    }
                    js.push_str(t);
                }
                js.push(']');
                std::fs::write(out.join("search").join(format!("t{b}.json")), js).expect("write");
            }
            done.into_iter().map(|(s, t, _)| (s, t)).collect()
        })
        .collect();
    let mut idx = String::from(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>index</title></head><body><ul>\n",
    );
    for (s, t) in pages.iter().flatten() {
        idx.push_str(&format!("<li><a href=\"{s}/\">{t}</a></li>\n"));
    }
    idx.push_str("</ul></body></html>\n");
    std::fs::write(out.join("index.html"), idx).expect("write");
}

/// CPU time (user + system) this process has used, in seconds.
fn cpu() -> f64 {
    // /proc/self/stat fields 14 and 15: utime and stime in clock ticks (100 a second on Linux).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = after.split_whitespace().filter_map(|x| x.parse().ok()).collect();
    // After the `)`: state is not a number, so field 14 is f[10] and field 15 is f[11].
    (f.get(10).copied().unwrap_or(0.0) + f.get(11).copied().unwrap_or(0.0)) / 100.0
}

/// The command line: `CONTENT_DIR [--runs 9] [--pad 3500] [--out DIR] [--baipi BIN]`.
struct Args {
    /// The folder of chapter files.
    dir: PathBuf,
    /// Timed rounds (after one warm-up round).
    runs: usize,
    /// Bytes of filler standing in for the theme's chrome.
    pad: usize,
    /// Where each shape is written (removed between runs).
    out: PathBuf,
    /// A baipi binary to time in each round too.
    baipi: Option<PathBuf>,
}

impl Args {
    /// The arguments, or `None` (after printing the usage) without a content folder.
    fn parse() -> Option<Args> {
        let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
        let (mut dir, mut runs, mut pad, mut out) = (None, 9, 3500usize, PathBuf::from("/dev/shm/floor-shape"));
        let mut baipi: Option<PathBuf> = None;
        while let Some(a) = args.next() {
            match a.as_str() {
                "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(runs),
                "--pad" => pad = args.next().and_then(|v| v.parse().ok()).unwrap_or(pad),
                "--out" => out = args.next().map(PathBuf::from).unwrap_or(out),
                "--baipi" => baipi = args.next().map(PathBuf::from),
                _ => dir = Some(PathBuf::from(a)),
            }
        }
        let Some(dir) = dir else {
            eprintln!(
                "usage: cargo bench --bench floor_shape -- CONTENT_DIR [--runs 9] [--pad 3500] [--out /dev/shm/floor-shape] [--baipi BIN]"
            );
            return None;
        };
        Some(Args { dir, runs, pad, out, baipi })
    }
}

/// Runs `bin --root site build` into `out` and returns its wall time in seconds.
fn time_baipi(bin: &Path, site: &Path, out: &Path) -> f64 {
    let _ = std::fs::remove_dir_all(out);
    let t = Instant::now();
    let status = std::process::Command::new(bin)
        .arg("--root")
        .arg(site)
        .args(["--quiet", "build", "--output-dir"])
        .arg(out)
        .status()
        .expect("run baipi");
    assert!(status.success(), "baipi failed on {}", site.display());
    t.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

const SHAPES: [(Shape, &str); 4] =
    [(Shape::Flat, "flat"), (Shape::Pad, "pad"), (Shape::Folders, "folders"), (Shape::Text, "text")];

fn main() {
    let Some(args) = Args::parse() else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&args.dir)
        .expect("read the content folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    let pad = "<!-- chrome -->".repeat(args.pad / 15);
    let out = &args.out;
    // Per shape, (wall, cpu) of each timed round.
    let mut times: Vec<Vec<(f64, f64)>> = vec![Vec::new(); SHAPES.len()];
    let mut baipi_times: Vec<f64> = Vec::new();
    let site = args.dir.parent().map(Path::to_path_buf).unwrap_or_default();
    for round in 0..=args.runs {
        for (k, (shape, _)) in SHAPES.iter().enumerate() {
            let _ = std::fs::remove_dir_all(out);
            let (t, c) = (Instant::now(), cpu());
            build(&files, out, *shape, &pad);
            if round > 0 {
                times[k].push((t.elapsed().as_secs_f64(), cpu() - c));
            }
        }
        if let Some(bin) = &args.baipi {
            let t = time_baipi(bin, &site, out);
            if round > 0 {
                baipi_times.push(t);
            }
        }
    }
    let _ = std::fs::remove_dir_all(out);
    println!("{} chapters, {} runs, medians", files.len(), args.runs);
    for ((_, name), t) in SHAPES.iter().zip(&times) {
        let wall = median(t.iter().map(|x| x.0).collect());
        let cpu = median(t.iter().map(|x| x.1).collect());
        println!("{name:>8}: wall {:7.1} ms   cpu {:7.0} ms", wall * 1000.0, cpu * 1000.0);
    }
    if !baipi_times.is_empty() {
        let ratios: Vec<String> = SHAPES
            .iter()
            .zip(&times)
            .map(|((_, name), t)| {
                let r = median(baipi_times.iter().zip(t).map(|(b, s)| b / s.0).collect());
                format!("baipi/{name} {r:.2}")
            })
            .collect();
        println!("   baipi: wall {:7.1} ms   {}", median(baipi_times.clone()) * 1000.0, ratios.join("  "));
    }
}
