//! Benchmarks: the hot stages of a build, and whole builds of generated sites.
//!
//! Run: `cargo bench --bench build` (everything), or pick with arguments after `--`:
//!
//! ```text
//! cargo bench --bench build -- stages            # front matter, expressions, Markdown, templates, charts, fact-check
//! cargo bench --bench build -- site 100,1000     # whole builds of 100 and 1,000 chapters
//! cargo bench --bench build -- site 10000 nocharts
//! cargo bench --bench build -- pdf               # the PDF edition: the bundled paper, 300 chapters
//! ```
//!
//! Sites are generated here, deterministically: Chinese statistical prose with `{{ … }}`
//! expressions over a `data:` front-matter block and over datasets, a list, a table, links
//! (some with anchors) to other chapters, and one chart per chapter (`charts` and `nocharts`
//! choose; both by default), with the crate's `themes/`. They are written under
//! `$BAIPI_BENCH_DIR` (default `/dev/shm/baipi-cargo-bench` when `/dev/shm` exists, else in the
//! temporary folder) and reused by later runs. A whole build is what `baipi build` does
//! (`pipeline::render_site`, then `output::write`): load and check, fact-check, render, write into an
//! output folder deleted before each round (not timed); a rebuild over the unchanged output is
//! timed too.
//! Every figure printed is the median of the rounds, with the minimum; these are measurements,
//! never assertions (but a build that fails or warns stops the benchmark).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use baipi::pipeline::{self, Timings};
use baipi::{charts, content, factcheck, markdown, output, prose::Prose, render, site, theme};

const TOPICS: &[(&str, &str)] = &[
    ("人口与就业", "population"),
    ("国民经济核算", "national-accounts"),
    ("价格", "prices"),
    ("工业", "industry"),
    ("农业", "agriculture"),
    ("能源", "energy"),
    ("对外贸易", "trade"),
    ("财政", "finance"),
    ("科技创新", "innovation"),
    ("居民收入", "income"),
    ("固定资产投资", "investment"),
    ("区域发展", "regions"),
];
const REGIONS: &[&str] = &["全国", "北京市", "上海市", "江苏省", "浙江省", "广东省", "四川省", "东部地区", "中部地区"];
const INDICATORS: &[&str] =
    &["国内生产总值", "居民消费价格指数", "社会消费品零售总额", "固定资产投资", "城镇居民人均可支配收入", "粮食产量"];
const CONNECT: &[&str] =
    &["总体来看，", "分季度看，", "从结构上看，", "值得注意的是，", "与此同时，", "据初步核算，", ""];
const KINDS: &[&str] = &["bar", "hbar", "donut", "stacked"];
const DATASETS: usize = 8;
const PARTS: &[(&str, &str)] =
    &[("east", "东部地区"), ("central", "中部地区"), ("west", "西部地区"), ("northeast", "东北地区")];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

fn width(n: usize) -> usize {
    n.to_string().len().max(4)
}

fn file_name(i: usize, n: usize) -> String {
    format!("{i:0w$}-{}.md", TOPICS[i % TOPICS.len()].1, w = width(n))
}

fn sentence(r: &mut Rng, ds: usize) -> String {
    let (ind, region, year) = (r.pick(INDICATORS), r.pick(REGIONS), 2010 + r.below(14));
    let c = r.pick(CONNECT);
    match r.below(4) {
        0 => format!(
            "{c}{year}年{region}{ind}为{{{{ page.data.gdp | num }}}}亿元，比上年增长{{{{ page.data.growth_rate }}}}%。"
        ),
        1 => format!(
            "{c}{region}{ind}中东部地区占{{{{ data.regions{ds}.by_region.east.share | pct }}}}，西部地区占{{{{ data.regions{ds}.by_region.west.share | pct }}}}。"
        ),
        2 => format!("{c}{year}年末，{region}常住人口为{{{{ page.data.population | num }}}}万人，{ind}保持稳定。"),
        _ => format!("{c}{region}{ind}稳步增长，结构持续优化，区域协调发展取得新进展。"),
    }
}

fn paragraph(r: &mut Rng, ds: usize, sentences: usize) -> String {
    (0..sentences).map(|_| sentence(r, ds)).collect()
}

/// One chapter file: front matter with `data:` (and a chart), and a body of about 1,500 characters.
fn chapter(i: usize, n: usize, with_chart: bool) -> String {
    let mut r = Rng::new(i as u64);
    let ds = i % DATASETS;
    let (topic, _) = TOPICS[i % TOPICS.len()];
    let mut s = format!(
        "---\ntitle: \"第{i}章 {topic}统计（{}）\"\nweight: {i}\ndata:\n  gdp: {}.{:02}\n  population: {}\n  growth_rate: {}.{}\n  cpi: 10{}.{}\n  unemployment: {}.{}\n",
        r.pick(REGIONS),
        1000 + r.below(120_000),
        r.below(100),
        50 + r.below(140_000),
        r.below(12),
        r.below(10),
        r.below(6),
        r.below(10),
        3 + r.below(4),
        r.below(10),
    );
    if with_chart {
        s.push_str(&format!(
            "charts:\n  - {{ id: c{i}, type: {}, data: regions{ds}.by_region, title: \"图表{i} {topic}分地区构成\" }}\n",
            KINDS[i % KINDS.len()]
        ));
    }
    s.push_str("---\n\n## 一、概述\n\n");
    s.push_str(&paragraph(&mut r, ds, 5));
    if with_chart {
        s.push_str(&format!("\n\n{{{{ figure(id=\"c{i}\") }}}}\n"));
    }
    s.push_str("\n\n## 二、主要指标\n\n");
    s.push_str(&paragraph(&mut r, ds, 3));
    s.push_str(
        "\n\n- **国内生产总值**：{{ page.data.gdp | num }}亿元\n- **常住人口**：{{ page.data.population | num }}万人\n",
    );
    s.push_str("- **居民消费价格指数**：{{ page.data.cpi }}\n- **城镇调查失业率**：{{ page.data.unemployment }}%\n\n");
    s.push_str("**分地区主要指标**\n\n| 地区 | 数值（亿元） | 占比 |\n|:---|---:|---:|\n");
    for (key, label) in PARTS {
        s.push_str(&format!(
            "| {label} | {{{{ data.regions{ds}.by_region.{key}.value | num }}}} | {{{{ data.regions{ds}.by_region.{key}.share | pct }}}} |\n"
        ));
    }
    s.push_str("\n### 三、结构分析\n\n");
    s.push_str(&paragraph(&mut r, ds, 5));
    if n > 1 {
        let j = 1 + (i + 1 + r.below(n - 1)) % n;
        let k = 1 + (i + 7 * r.below(n)) % n;
        s.push_str(&format!(
            "\n\n## 四、相关章节\n\n详细数据参见[第{j}章]({})，方法见[第{k}章的概述]({}#一-概述)。\n",
            file_name(j, n),
            file_name(k, n)
        ));
    }
    s
}

fn dataset(k: usize) -> String {
    let mut r = Rng::new(1000 + k as u64);
    let values: Vec<usize> = PARTS.iter().map(|_| 1000 + r.below(50_000)).collect();
    let mut s = format!(
        "title: 分地区指标{k}\nas_of: 2023-12\nunit: 亿元\nsource: 基准测试生成数据\ntotal: {}\nbreakdowns:\n  by_region:\n    title: 按地区划分\n    complete: true\n    parts:\n",
        values.iter().sum::<usize>()
    );
    for ((key, label), v) in PARTS.iter().zip(&values) {
        s.push_str(&format!("      - {{ key: {key}, label: {label}, value: {v} }}\n"));
    }
    s
}

fn bench_root() -> PathBuf {
    if let Some(d) = std::env::var_os("BAIPI_BENCH_DIR") {
        return PathBuf::from(d);
    }
    let shm = Path::new("/dev/shm");
    if shm.is_dir() { shm.join("baipi-cargo-bench") } else { std::env::temp_dir().join("baipi-cargo-bench") }
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("walk theme");
        let dest = to.join(e.path().strip_prefix(from).expect("prefix"));
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// The PDF edition is off in the generated sites (their builds are timed without it); the `pdf`
/// benchmark turns it on.
const SITE_TOML: &str = "title = \"统计白皮书（基准测试）\"\nbase_url = \"http://localhost/\"\nlanguage = \"zh-CN\"\ntheme = \"default\"\n\n[pdf]\nenabled = false\n";

/// Writes a site of `n` chapters. Chapters and datasets are written once and reused while the
/// generator makes the same text (`.done` holds a hash of `site.toml`, the first dataset and the
/// first and last chapters); `themes/` is copied from the crate every time, so the site is always
/// built with the current theme.
fn generate(n: usize, with_charts: bool) -> PathBuf {
    let root = bench_root().join(format!("site-{n}-{}", if with_charts { "charts" } else { "nocharts" }));
    let done = root.join(".done");
    let sample = [SITE_TOML.to_string(), dataset(0), chapter(1, n, with_charts), chapter(n, n, with_charts)].concat();
    let stamp = theme::content_hash(sample.as_bytes());
    if std::fs::read_to_string(&done).ok().as_deref() != Some(stamp.as_str()) {
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("content")).expect("mkdir content");
        std::fs::create_dir_all(root.join("data")).expect("mkdir data");
        std::fs::write(root.join("site.toml"), SITE_TOML).expect("site.toml");
        for k in 0..DATASETS {
            std::fs::write(root.join(format!("data/regions{k}.yaml")), dataset(k)).expect("dataset");
        }
        for i in 1..=n {
            std::fs::write(root.join("content").join(file_name(i, n)), chapter(i, n, with_charts)).expect("chapter");
        }
        std::fs::write(&done, stamp).expect(".done");
    }
    let _ = std::fs::remove_dir_all(root.join("themes"));
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("themes"), &root.join("themes"));
    root
}

/// (median, min) of some times.
fn med_min(mut t: Vec<Duration>) -> (Duration, Duration) {
    t.sort();
    (t[t.len() / 2], t[0])
}

/// Runs `f` `rounds` times; returns (median, min).
fn time(rounds: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    med_min(
        (0..rounds)
            .map(|_| {
                let s = Instant::now();
                f();
                s.elapsed()
            })
            .collect(),
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn report(what: &str, n: usize, (med, min): (Duration, Duration)) {
    println!(
        "{what:<46} {:>9.2} ms median {:>9.2} ms min {:>8.2} µs each",
        ms(med),
        ms(min),
        ms(med) * 1e3 / n.max(1) as f64
    );
}

/// The hot stages, each on the same 1,000 generated chapters, in memory, on one thread.
fn stages() {
    const N: usize = 1000;
    let root = generate(N, true);
    let mut sink = baipi::diag::Sink::default();
    let site = site::load(&root, &site::Options::default(), &mut sink).expect("loads").expect("no input errors");
    let texts: Vec<(String, String)> = (1..=N).map(|i| (file_name(i, N), chapter(i, N, true))).collect();
    println!("stages, {N} chapters of ~1,500 characters (one thread):");

    report(
        "front matter (split + YAML)",
        N,
        time(7, || {
            // The chapter keeps its text: each run parses a copy (as `load` parses what it read).
            for (name, src) in &texts {
                content::parse(&format!("content/{name}"), name, src.clone()).expect("parses");
            }
        }),
    );

    let bp = &site.config.base_path;
    let site_view = render::site_view(&site);
    let links = &site_view.chapters;
    let figures: BTreeMap<String, (String, String)> =
        (1..=N).map(|i| (format!("c{i}"), ("<figure></figure>".to_string(), "图".to_string()))).collect();
    let prose = Prose::new(
        &site.config.numbers,
        &site.data,
        &serde_json::to_value(&site_view).expect("site as JSON"),
        Arc::new(figures),
    );
    // What render::render gives each chapter: `page` and, for error snippets, the body at its line.
    let contexts: Vec<tera::Context> = site
        .chapters
        .iter()
        .map(|c| {
            let mut ctx = tera::Context::new();
            ctx.insert(
                "page",
                &serde_json::json!({ "title": c.front.title, "slug": c.slug, "summary": c.front.summary, "data": c.front.data }),
            );
            ctx
        })
        .collect();
    let sources: Vec<String> =
        site.chapters.iter().map(|c| format!("{}{}", "\n".repeat(c.body_line - 1), c.body())).collect();
    let mut evaluated = Vec::new();
    report(
        "expressions (tera, ~25 a chapter)",
        N,
        time(7, || {
            evaluated = site
                .chapters
                .iter()
                .zip(&contexts)
                .zip(&sources)
                .map(|((c, ctx), src)| {
                    prose
                        .eval(
                            c.body(),
                            ctx,
                            baipi::prose::Place { file: &c.file, source: src, line: c.body_line, col: 1 },
                        )
                        .expect("evaluates")
                })
                .collect();
        }),
    );

    let by_rel: HashMap<&str, &str> =
        site.chapters.iter().zip(links).map(|(c, l)| (c.rel.as_str(), l.url.as_str())).collect();
    let resolve = |dest: &str| {
        let (p, a) = dest.split_once('#').map(|(p, a)| (p, Some(a))).unwrap_or((dest, None));
        by_rel.get(p).map(|u| a.map(|a| format!("{u}#{a}")).unwrap_or_else(|| u.to_string()))
    };
    let mut rendered = Vec::new();
    report(
        "Markdown (pulldown-cmark, ids, links)",
        N,
        time(7, || rendered = evaluated.iter().map(|b| markdown::render(b, &resolve)).collect()),
    );

    let th = theme::load(&root, &site.config.theme).expect("theme");
    let mut tera = theme::compile(&th, &site.config.numbers, bp).expect("templates compile");
    tera.global_context().insert("site", &site_view);
    tera.global_context().insert("data", &site.data);
    tera.global_context().insert("stats", &site.data);
    report(
        "templates (chapter.html)",
        N,
        time(7, || {
            for (i, (c, r)) in site.chapters.iter().zip(&rendered).enumerate() {
                let page = theme::PageView {
                    title: c.front.title.clone(),
                    summary: c.front.summary.clone(),
                    url: links[i].url.clone(),
                    permalink: site.config.absolute(&format!("{}/", c.slug)),
                    slug: c.slug.clone(),
                    number: i + 1,
                    content: r.html.clone(),
                    toc: r.toc.clone(),
                    prev: i.checked_sub(1).map(|p| links[p].clone()),
                    next: links.get(i + 1).cloned(),
                    key_figures: Vec::new(),
                    data: c.front.data.clone().map(serde_json::Value::Object).unwrap_or_default(),
                    description: r.text.chars().take(120).collect(),
                    chapters: Vec::new(),
                };
                let mut ctx = tera::Context::new();
                ctx.insert("page", &page);
                tera.render("chapter.html", &ctx).expect("renders");
            }
        }),
    );

    charts::register_font(&th.dir, &th.chart_style).expect("font");
    let specs: Vec<&content::chart::ChartSpec> = site.chapters.iter().flat_map(|c| &c.front.charts).collect();
    report(
        "charts (resolve + SVG)",
        specs.len(),
        time(5, || {
            for s in &specs {
                let c = charts::resolve(s, &site.computed, &mut |_, m| panic!("{m}")).expect("resolves");
                charts::render(&c, &th.chart_style, &site.config.numbers).expect("renders");
            }
        }),
    );

    let cands = factcheck::candidates(&site.computed);
    report(
        "fact-check (scan + match)",
        N,
        time(7, || {
            for c in &site.chapters {
                let w = factcheck::check(&c.file, c.body(), c.body_line, &c.front.free_numbers, &cands);
                assert!(w.is_empty(), "the generated site types no number by hand: {}", w[0]);
            }
        }),
    );
}

/// One `baipi build`: load and check, fact-check, render (`pipeline::render_site`), write
/// (`output::write`). Returns the whole time and each phase's.
fn build_once(root: &Path, out: &Path) -> (Duration, Timings) {
    let t0 = Instant::now();
    let mut built = pipeline::render_site(root, &site::Options::default()).expect("builds");
    let t = Instant::now();
    output::write(&built.out, out).expect("writes");
    built.timings.write = t.elapsed();
    let total = t0.elapsed();
    assert_eq!(built.facts, 0, "the generated site types no number by hand");
    assert!(built.warnings.is_empty(), "warning: {}", built.warnings[0]);
    (total, built.timings)
}

/// Prints the median and minimum of the whole builds, then the median of each phase.
fn report_builds(what: &str, n: usize, runs: &[(Duration, Timings)]) {
    let of = |f: fn(&(Duration, Timings)) -> Duration| med_min(runs.iter().map(f).collect());
    report(what, n, of(|r| r.0));
    println!(
        "{:>48}load {:.1} ms, fact-check {:.1} ms, render {:.1} ms, write {:.1} ms",
        "",
        ms(of(|r| r.1.load).0),
        ms(of(|r| r.1.factcheck).0),
        ms(of(|r| r.1.render).0),
        ms(of(|r| r.1.write).0)
    );
}

fn sites(ns: &[usize], variants: &[bool]) {
    println!("whole builds (load + fact-check + render + write), {} threads:", rayon::current_num_threads());
    for &n in ns {
        for &with_charts in variants {
            let root = generate(n, with_charts);
            let out = root.join("public");
            let rounds = if n >= 10_000 { 5 } else { 9 };
            let _ = std::fs::remove_dir_all(&out);
            build_once(&root, &out); // warm-up
            // The output folder is deleted before each round, outside the time measured.
            let fresh: Vec<_> = (0..rounds)
                .map(|_| {
                    let _ = std::fs::remove_dir_all(&out);
                    build_once(&root, &out)
                })
                .collect();
            let unchanged: Vec<_> = (0..rounds).map(|_| build_once(&root, &out)).collect();
            let label = format!("{n} chapters, {}", if with_charts { "1 chart each" } else { "no charts" });
            report_builds(&format!("{label}: fresh output"), n, &fresh);
            report_builds(&format!("{label}: unchanged output"), n, &unchanged);
        }
    }
}

/// The PDF edition: rendering the bundled paper with and without it (the difference is the
/// typesetting: trees, Typst, PDF export), then a generated 300-chapter site with it.
fn pdf_edition() {
    println!("PDF edition, {} threads:", rayon::current_num_threads());
    let load = |root: &Path, pdf: bool| {
        let mut sink = baipi::diag::Sink::default();
        let mut s = site::load(root, &site::Options::default(), &mut sink).expect("loads").expect("no input errors");
        s.config.pdf.enabled = pdf;
        s
    };
    let paper = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (what, root, rounds) in
        [("the bundled paper", paper.to_path_buf(), 9), ("300 chapters, 1 chart each", generate(300, true), 3)]
    {
        let (with, without) = (load(&root, true), load(&root, false));
        let out = render::render(&with).expect("renders");
        let pdf = out.files.iter().find(|(p, _)| p.ends_with(".pdf")).map(|(_, b)| b.len()).expect("a PDF");
        let on = time(rounds, || drop(render::render(&with).expect("renders")));
        let off = time(rounds, || drop(render::render(&without).expect("renders")));
        report(&format!("{what}: render with the PDF"), 1, on);
        report(&format!("{what}: render without it"), 1, off);
        println!("{:>48}PDF {pdf} bytes; the edition costs {:.0} ms (median)", "", ms(on.0.saturating_sub(off.0)));
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(hwm) = status.lines().find(|l| l.starts_with("VmHWM")) {
        println!("{:>48}peak memory of the benchmark process: {}", "", hwm.trim_start_matches("VmHWM:").trim());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let want = |w: &str| args.is_empty() || args.iter().any(|a| a == w);
    let ns: Vec<usize> = args
        .iter()
        .find(|a| a.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .map(|a| a.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![100, 1000, 10_000]);
    let variants: Vec<bool> = match (args.iter().any(|a| a == "charts"), args.iter().any(|a| a == "nocharts")) {
        (true, false) => vec![true],
        (false, true) => vec![false],
        _ => vec![false, true],
    };
    if want("stages") {
        stages();
    }
    if args.iter().any(|a| a == "pdf") {
        pdf_edition();
    }
    if want("site") || args.iter().any(|a| a.starts_with(|c: char| c.is_ascii_digit()) || a.contains("charts")) {
        sites(&ns, &variants);
    }
}
