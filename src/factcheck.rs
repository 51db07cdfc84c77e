//! Fact-checking prose: numbers typed by hand that match no data.
//!
//! Owns the rule for which numbers prose may type by hand. Takes the chapters and the
//! typed statistics of a loaded [`Site`](crate::site::Site); produces warnings located in
//! the chapter files (or, for `build`, only their count). After the data is loaded, each chapter's own text (everything outside
//! `{{ }}`, `{% %}`, `{# #}`, code, link targets and HTML tags) is scanned
//! for numbers: integers, decimals, thousands-separated numbers,
//! percentages and 万/亿 forms. Years, dates, ordinals (第3) and parts of
//! identifiers (H5, WebVision2) are skipped. A number that equals no value
//! anywhere in the data or statistics is reported with the nearest data
//! value. An editor marks a number as intentional free text with a tera
//! comment right after it — `3{# free #}` — or lists it in the front
//! matter's `free_numbers`.
//!
//! A percentage right after a word of growth (`增长50%`, `增速超过20%`, `年均增长14.5%`,
//! `下降10%`) is a growth figure: it must equal a growth of the data (a series' growth over
//! a period or from its first value to its last, its average annual growth, or a published
//! growth) rounded to the places the prose prints, with 下降/减少 reading the growth as a fall.

use crate::diag::{Diagnostic, LineIndex};
use crate::number::Dec;
use crate::stats::{self, BreakdownStats, DatasetStats, GroupStats, PartStats, PeriodStats, SeriesStats, ValueStats};

/// A number found in prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte offset in the scanned text.
    pub offset: usize,
    /// As written, including `%`, `万`, `亿`.
    pub text: String,
    /// The value, with 万/亿 applied.
    pub value: Dec,
    pub percent: bool,
    /// Decimal places as written (`14.50%` → 2).
    pub places: u32,
    /// After a word of growth: `Some(false)` for 增长, `Some(true)` for 下降.
    pub growth: Option<bool>,
}

/// A value in the data that prose may quote.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: String,
    pub value: Dec,
    pub percent: bool,
    /// A growth rate in percent, which prose may round (`增长50%` for 50.00).
    pub growth: bool,
}

/// Words after which a percentage is a growth (longest first), and whether they say a fall.
const GROWTH_WORDS: [(&str, bool); 12] = [
    ("年均增长", false),
    ("增长率", false),
    ("增长", false),
    ("增速", false),
    ("增幅", false),
    ("上升", false),
    ("提高", false),
    ("增加", false),
    ("下降", true),
    ("减少", true),
    ("降幅", true),
    ("回落", true),
];

/// Words that may stand between the growth word and the number (`增长了约50%`).
const BETWEEN: [&str; 12] = ["超过", "将近", "接近", "达到", "不到", "了", "约", "近", "超", "逾", "达", "为"];

/// Whether the number at `offset` of `text` follows a word of growth: `Some(fall)`.
fn growth_before(text: &str, offset: usize) -> Option<bool> {
    let mut head = text[..offset].trim_end_matches([' ', '\u{3000}']);
    for _ in 0..3 {
        match BETWEEN.iter().find(|w| head.ends_with(*w)) {
            Some(w) => head = &head[..head.len() - w.len()],
            None => break,
        }
    }
    GROWTH_WORDS.iter().find(|(w, _)| head.ends_with(w)).map(|(_, fall)| *fall)
}

/// Whether a growth token equals the growth `c`, rounded to the places the prose prints.
fn growth_matches(t: &Token, c: Dec) -> bool {
    let c = if t.growth == Some(true) { Dec::ZERO.checked_sub(c).unwrap_or(c) } else { c };
    c.round(t.places) == t.value
}

/// Every quotable number of the statistics, with its path (`data.orgs.by_type.nonpublic.share`),
/// in the form an expression prints it ([`stats::as_seen`]). Ranks and counts are not figures.
pub fn candidates(data: &[DatasetStats]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for ds in data {
        dataset_candidates(ds, &mut out);
    }
    out
}

/// Every field is named (none skipped by `..`): a new number is a compile error here until
/// it is decided whether prose may quote it.
fn dataset_candidates(ds: &DatasetStats, out: &mut Vec<Candidate>) {
    let DatasetStats {
        name,
        title: _,
        description: _,
        as_of: _,
        unit,
        source: _,
        respondents: _,
        file: _,
        total,
        values,
        breakdowns,
        series,
    } = ds;
    let base = format!("data.{name}");
    // Everything of a dataset in `%` is a percentage.
    let in_percent = unit == "%";
    if let Some(t) = total {
        push(out, format!("{base}.total"), *t, false);
    }
    for v in values {
        let ValueStats { key, label: _, value, unit, prefix: _, suffix: _, as_of: _, respondents: _, note: _, text: _ } =
            v;
        push(out, format!("{base}.{key}.value"), *value, in_percent || unit == "%");
    }
    for b in breakdowns {
        breakdown_candidates(b, &base, in_percent, out);
    }
    for s in series {
        series_candidates(s, &base, in_percent, out);
    }
}

fn series_candidates(s: &SeriesStats, base: &str, in_percent: bool, out: &mut Vec<Candidate>) {
    let SeriesStats {
        key,
        title: _,
        unit,
        note: _,
        frequency: _,
        base: _,
        first: _,
        last: _,
        change,
        growth,
        cagr,
        years: _,
        complete: _,
        periods,
    } = s;
    let base = format!("{base}.series.{key}");
    let pct = in_percent || unit == "%";
    let put = |out: &mut Vec<Candidate>, path: String, v: &Option<Dec>, percent: bool, growth: bool| {
        if let Some(value) = v.and_then(stats::as_seen) {
            out.push(Candidate { path, value, percent, growth });
        }
    };
    put(out, format!("{base}.change"), change, pct, false);
    put(out, format!("{base}.growth"), growth, true, true);
    put(out, format!("{base}.cagr"), cagr, true, true);
    for p in periods {
        let PeriodStats {
            period,
            label: _,
            value,
            prefix: _,
            suffix: _,
            text: _,
            change,
            growth,
            published_growth,
            growth_prefix: _,
            growth_suffix: _,
            growth_text: _,
            index,
            note: _,
            unit: _,
        } = p;
        let at = format!("{base}.at[\"{period}\"]");
        put(out, format!("{at}.value"), value, pct, false);
        put(out, format!("{at}.change"), change, pct, false);
        put(out, format!("{at}.growth"), growth, true, true);
        put(out, format!("{at}.published_growth"), published_growth, true, true);
        put(out, format!("{at}.index"), index, false, false);
    }
}

fn breakdown_candidates(b: &BreakdownStats, base: &str, in_percent: bool, out: &mut Vec<Candidate>) {
    let BreakdownStats {
        key,
        title: _,
        as_of: _,
        unit,
        total,
        total_derived: _,
        sum,
        count: _,
        complete: _,
        remainder,
        largest: _,
        note: _,
        respondents: _,
        percent: _,
        parts,
        groups,
    } = b;
    let base = format!("{base}.{key}");
    let pct = in_percent || unit == "%";
    for p in parts {
        let PartStats {
            key,
            label: _,
            value,
            share,
            cumulative,
            rank: _,
            derived: _,
            published_share: _,
            note: _,
            unit: _,
        } = p;
        push(out, format!("{base}.{key}.value"), *value, pct);
        if let Some(s) = share {
            push(out, format!("{base}.{key}.share"), *s, true);
        }
        if let Some(c) = cumulative {
            push(out, format!("{base}.{key}.cumulative"), *c, true);
        }
    }
    for g in groups {
        let GroupStats { key, label: _, value, share, parts: _, unit: _, published_value: _, published_share: _ } = g;
        push(out, format!("{base}.{key}.value"), *value, pct);
        if let Some(s) = share {
            push(out, format!("{base}.{key}.share"), *s, true);
        }
    }
    push(out, format!("{base}.total"), *total, false);
    push(out, format!("{base}.sum"), *sum, false);
    if let Some(r) = remainder {
        push(out, format!("{base}.remainder"), *r, false);
    }
}

fn push(out: &mut Vec<Candidate>, path: String, v: Dec, percent: bool) {
    if let Some(value) = stats::as_seen(v) {
        out.push(Candidate { path, value, percent, growth: false });
    }
}

/// Blanks out everything that is not the editor's own prose, keeping byte offsets.
pub fn mask(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for x in out.iter_mut().take(to).skip(from) {
            if *x != b'\n' {
                *x = b' ';
            }
        }
    };
    while i < b.len() {
        let rest = &src[i..];
        let close = if rest.starts_with("{{") {
            Some("}}")
        } else if rest.starts_with("{%") {
            Some("%}")
        } else if rest.starts_with("{#") {
            Some("#}")
        } else {
            None
        };
        if let Some(c) = close {
            let end = rest[2..].find(c).map(|e| i + 2 + e + 2).unwrap_or(b.len());
            blank(&mut out, i, end);
            i = end;
            continue;
        }
        match b[i] {
            b'`' => {
                let end = rest[1..].find('`').map(|e| i + 1 + e + 1).unwrap_or(i + 1);
                blank(&mut out, i, end);
                i = end;
            }
            b'<' => {
                let end = rest.find('>').map(|e| i + e + 1).unwrap_or(i + 1);
                if rest[..end - i].contains('\n') {
                    i += 1; // `<` is ASCII: the next byte is a char boundary.
                } else {
                    blank(&mut out, i, end);
                    i = end;
                }
            }
            b']' if rest.starts_with("](") => {
                let end = rest.find(')').map(|e| i + e + 1).unwrap_or(b.len());
                blank(&mut out, i, end);
                i = end;
            }
            b'h' if rest.starts_with("http://") || rest.starts_with("https://") => {
                let end = rest.find(|c: char| c.is_whitespace() || !c.is_ascii()).map(|e| i + e).unwrap_or(b.len());
                blank(&mut out, i, end);
                i = end;
            }
            _ => i += rest.chars().next().map(char::len_utf8).unwrap_or(1),
        }
    }
    // Ordered-list markers (`1. `) and footnote labels are markup.
    let text = String::from_utf8(out).unwrap_or_default();
    let mut res = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let lead = line.len() - t.len();
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && matches!(t.as_bytes().get(digits), Some(b'.') | Some(b')')) {
            res.push_str(&line[..lead]);
            res.push_str(&" ".repeat(digits + 1));
            res.push_str(&t[digits + 1..]);
        } else {
            res.push_str(line);
        }
    }
    res
}

/// Finds the numbers in (masked) prose, skipping years, dates, ordinals and identifiers.
pub fn scan(text: &str) -> Vec<Token> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        while j < b.len()
            && (b[j].is_ascii_digit() || (b[j] == b',' && j + 1 < b.len() && b[j + 1].is_ascii_digit() && j > start))
        {
            j += 1;
        }
        if j + 1 < b.len() && b[j] == b'.' && b[j + 1].is_ascii_digit() {
            j += 1;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
        }
        let digits = &text[start..j];
        let before = text[..start].chars().next_back();
        let after = &text[j..];
        let next = after.chars().next();
        i = j;
        // Part of an identifier: H5, 5G, WebVision2, B2-20040381.
        if before.is_some_and(|c| {
            c.is_ascii_alphanumeric()
                || c == '_'
                || c == '-' && start >= 1 && text[..start - 1].ends_with(|c: char| c.is_ascii_alphanumeric())
        }) || next.is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        {
            continue;
        }
        // Ordinals (第3章) and dates (2021年, 6月, 15日, 2019—2020, 2019-2020).
        if before == Some('第') {
            continue;
        }
        let plain: String = digits.chars().filter(|c| *c != ',').collect();
        let is_yearish = plain.len() == 4 && (1900..=2100).contains(&plain.parse::<u32>().unwrap_or(0));
        if next.is_some_and(|c| matches!(c, '年' | '月' | '日' | '号' | '时' | '点' | '分' | '秒'))
            && !digits.contains('.')
        {
            continue;
        }
        if is_yearish
            && (after.starts_with(['—', '–', '-', '~', '～', '/'])
                || after.starts_with("至")
                || before.is_some_and(|c| matches!(c, '—' | '–' | '-' | '~' | '～' | '至')))
        {
            continue;
        }
        if before.is_some_and(|c| c == '年' || c == '月') && next.is_some_and(|c| c == '月' || c == '日') {
            continue;
        }
        let Some(mut value) = Dec::parse(&plain) else { continue };
        let mut text_end = j;
        let mut percent = false;
        match next {
            Some('%') | Some('％') => {
                percent = true;
                text_end += next.map(char::len_utf8).unwrap_or(0);
            }
            Some('万') | Some('亿') => {
                let f = if next == Some('万') { 10_000 } else { 100_000_000 };
                value = value.ratio_scaled(Dec::from_int(1), f, value.scale()).unwrap_or(value);
                text_end += 3;
            }
            _ => {}
        }
        let places = plain.split_once('.').map_or(0, |(_, f)| f.len() as u32);
        let growth = if percent { growth_before(text, start) } else { None };
        let text = text[start..text_end].to_string();
        out.push(Token { offset: start, text, value: value.normalized(), percent, places, growth });
    }
    out
}

/// Whether a number typed in `body` needs no warning: marked free (`3{# free #}` or in
/// `free_numbers`), or a value of the data (`24万` also as 24).
fn accepted(body: &str, t: &Token, free: &[String], has: &dyn Fn(Dec) -> bool, growths: &[Dec]) -> bool {
    let end = t.offset + t.text.len();
    let after = body[end..].trim_start_matches(' ');
    if after.starts_with("{#") {
        // Only a short comment right after the number can mark it free (bounded look-ahead).
        let near = &after[..floor_boundary(after, 100)];
        if let Some(close) = near.find("#}")
            && near[..close].contains("free")
        {
            return true;
        }
    }
    if free.iter().any(|f| f == &t.text) {
        return true;
    }
    if t.growth.is_some() {
        return growths.iter().any(|g| growth_matches(t, *g));
    }
    let bare = (t.text.ends_with('万') || t.text.ends_with('亿'))
        .then(|| Dec::parse(t.text.trim_end_matches(['万', '亿'])))
        .flatten();
    has(t.value) || bare.is_some_and(has)
}

/// How many numbers of a site's chapters match no data: what [`check_site`] reports, counted
/// without building a message for each (all of them, not only the first of each file).
pub fn count_site(site: &crate::site::Site) -> usize {
    use rayon::prelude::*;
    let cands = candidates(&site.computed);
    let growths: Vec<Dec> = cands.iter().filter(|c| c.growth).map(|c| c.value).collect();
    let mut values: Vec<Dec> = cands.into_iter().map(|c| c.value).collect();
    values.sort_unstable();
    let has = |v: Dec| values.binary_search(&v).is_ok();
    let chapters: Vec<&crate::content::Chapter> = site.index.iter().chain(&site.chapters).collect();
    chapters
        .par_iter()
        .map(|ch| {
            let body = ch.body();
            scan(&mask(body)).iter().filter(|t| !accepted(body, t, &ch.front.free_numbers, &has, &growths)).count()
        })
        .sum()
}

/// Checks one chapter body; returns warnings located in `file`.
///
/// `body` is the raw body (before evaluation) starting at `body_line` of the file.
/// Linear in the body's size, however many numbers it holds and however long its lines.
pub fn check(file: &str, body: &str, body_line: usize, free: &[String], cands: &[Candidate]) -> Vec<Diagnostic> {
    let masked = mask(body);
    let index = LineIndex::new(body);
    // Candidates sorted by value (then the preferred name), all and percentages only:
    // a token is looked up by binary search, not compared with every value of the data.
    let order = |a: &&Candidate, b: &&Candidate| {
        a.value.cmp(&b.value).then_with(|| pref(&a.path).cmp(&pref(&b.path))).then_with(|| a.path.cmp(&b.path))
    };
    let mut all: Vec<&Candidate> = cands.iter().collect();
    all.sort_by(order);
    let mut percents: Vec<&Candidate> = cands.iter().filter(|c| c.percent).collect();
    percents.sort_by(order);
    let has = |v: Dec| all.binary_search_by(|c| c.value.cmp(&v)).is_ok();
    let growth_cands: Vec<&Candidate> = cands.iter().filter(|c| c.growth).collect();
    let growths: Vec<Dec> = growth_cands.iter().map(|c| c.value).collect();
    let mut out = Vec::new();
    let mut unlisted = 0usize;
    for t in scan(&masked) {
        if accepted(body, &t, free, &has, &growths) {
            continue;
        }
        if out.len() >= MAX_WARNINGS_PER_FILE {
            unlisted += 1;
            continue;
        }
        let (l, c, line_text, byte) = index.locate(t.offset);
        let msg = match t.growth {
            Some(fall) => growth_message(&t, fall, &growth_cands),
            None => {
                let pool = if t.percent { &percents } else { &all };
                let mut msg = format!("\"{}\" matches no data", t.text);
                if let Some(n) = nearest_value(pool, t.value) {
                    msg.push_str(&format!(
                        "; did you mean {} = {}{}?",
                        n.path,
                        n.value,
                        if n.percent { "%" } else { "" }
                    ));
                }
                msg
            }
        };
        out.push(Diagnostic::warning(file, body_line + l - 1, c, msg).with_snippet(line_text, byte).with_help(
            format!(
                "take the number from the data with an expression, or mark intentional free text as {}{{# free #}}",
                t.text
            ),
        ));
    }
    if unlisted > 0 {
        out.push(Diagnostic::warning(
            file,
            0,
            0,
            match unlisted {
                1 => format!(
                    "1 more number in this file matches no data (only the first {MAX_WARNINGS_PER_FILE} are listed)"
                ),
                n => format!(
                    "{n} more numbers in this file match no data (only the first {MAX_WARNINGS_PER_FILE} are listed)"
                ),
            },
        ));
    }
    out
}

/// The warning for a growth that matches no growth of the data, naming the nearest one.
fn growth_message(t: &Token, fall: bool, cands: &[&Candidate]) -> String {
    let signed = |c: &Candidate| if fall { Dec::ZERO.checked_sub(c.value).unwrap_or(c.value) } else { c.value };
    let dist = |c: &&&Candidate| signed(c).checked_sub(t.value).map(|d| d.to_f64().abs()).unwrap_or(f64::MAX);
    let mut msg = format!("growth \"{}\" matches no growth in the data", t.text);
    if let Some(n) = cands
        .iter()
        .min_by(|a, b| dist(a).total_cmp(&dist(b)).then_with(|| (a.path.len(), &a.path).cmp(&(b.path.len(), &b.path))))
    {
        msg.push_str(&format!("; did you mean {} = {}%?", n.path, n.value));
    }
    msg
}

/// Most fact-check warnings listed for one file; the rest are counted in one more warning.
pub const MAX_WARNINGS_PER_FILE: usize = 200;

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The candidate nearest to `v` in `sorted` (by value, then [`pref`], then path): the closest
/// value below or above, the plainer name among equals, below before above on a tie.
fn nearest_value<'a>(sorted: &[&'a Candidate], v: Dec) -> Option<&'a Candidate> {
    let i = sorted.partition_point(|c| c.value < v);
    let dist = |c: &Candidate| c.value.checked_sub(v).map(|d| d.to_f64().abs()).unwrap_or(f64::MAX);
    // Below: the first candidate of the run of the largest value under v.
    let below = i.checked_sub(1).map(|j| {
        let val = sorted[j].value;
        sorted.partition_point(|c| c.value < val)
    });
    let candidates = [below.map(|j| sorted[j]), sorted.get(i).copied()];
    candidates.into_iter().flatten().min_by(|a, b| {
        dist(a).total_cmp(&dist(b)).then_with(|| pref(&a.path).cmp(&pref(&b.path))).then_with(|| a.path.cmp(&b.path))
    })
}

/// Among equal values, name the plainest field: a share before a cumulative share.
fn pref(path: &str) -> u8 {
    if path.ends_with(".share") || path.ends_with(".value") {
        0
    } else if path.ends_with(".cumulative") {
        2
    } else {
        1
    }
}

/// Fact-checks every chapter of a loaded site.
pub fn check_site(site: &crate::site::Site) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let cands = candidates(&site.computed);
    // Chapters in parallel, reports gathered in chapter order.
    let chapters: Vec<&crate::content::Chapter> = site.index.iter().chain(&site.chapters).collect();
    let found: Vec<Vec<Diagnostic>> = chapters
        .par_iter()
        .map(|ch| check(&ch.file, ch.body(), ch.body_line, &ch.front.free_numbers, &cands))
        .collect();
    found.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        scan(&mask(s)).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn finds_numbers_and_skips_dates_and_identifiers() {
        assert_eq!(
            texts(
                "2021年6月，共938个，占83.05%；12,873人；超过24万平方米；第3名；H5页面；2019—2020年度；2018年至2021年；4月15日"
            ),
            ["938", "83.05%", "12,873", "24万"]
        );
        assert_eq!(texts("{{ data.x | num }}个，`42`，[链接](a-10.md)，<span id=\"x5\">"), Vec::<String>::new());
        assert_eq!(texts("1. 第一项\n2. 第二项 7个\n"), ["7"]);
    }

    #[test]
    fn reports_with_nearest_value() {
        let yaml = "title: o\nunit: 个\ntotal: 938\nbreakdowns:\n  by_type:\n    title: t\n    parts:\n      - { key: nonpublic, label: a, value: 779 }\n      - { key: social, label: b, value: 159 }\n";
        let ds = crate::data::parse("orgs", "data/orgs.yaml", yaml.to_string()).expect("parses");
        let c = candidates(&[stats::compute(&ds, &crate::format::NumberFormat::default(), &mut Vec::new())]);
        let body = "甲\n占83.50%，共938个，另有5{# free #}个，7个。\n";
        let w = check("content/a.md", body, 1, &[], &c);
        assert_eq!(w.len(), 2, "{w:?}");
        assert_eq!((w[0].line, w[0].col), (2, 2));
        assert_eq!(
            w[0].message,
            "\"83.50%\" matches no data; did you mean data.orgs.by_type.nonpublic.share = 83.05%?"
        );
        assert!(w[1].message.starts_with("\"7\" matches no data"));
        let w = check("content/a.md", body, 1, &["7".to_string(), "83.50%".to_string()], &c);
        assert!(w.is_empty());
    }

    #[test]
    fn many_unmatched_numbers_on_one_line_stay_cheap() {
        // A warning keeps a window of its line, not the line: one copy of a long line per
        // number would be quadratic in the line's length.
        let c =
            vec![Candidate { path: "data.a.total".into(), value: Dec::from_int(938), percent: false, growth: false }];
        let body: String = (0..200_000).map(|i| format!("数字{i}个 ")).collect();
        let t = std::time::Instant::now();
        let w = check("content/a.md", &body, 5, &[], &c);
        assert!(t.elapsed() < std::time::Duration::from_secs(20), "{:?}", t.elapsed());
        assert_eq!(w.len(), MAX_WARNINGS_PER_FILE + 1);
        assert!(w.iter().all(|d| d.source_line.as_ref().is_none_or(|l| l.len() < 500)));
        assert!(
            w[MAX_WARNINGS_PER_FILE]
                .message
                .starts_with(&format!("{} more numbers", 200_000 - 1 - MAX_WARNINGS_PER_FILE))
        );
        assert!(w[0].message.contains("did you mean data.a.total = 938?"), "{}", w[0].message);
    }

    #[test]
    fn growth_figures_are_checked_as_growth() {
        let yaml = "title: m\nunit: 人\nseries:\n  members:\n    title: t\n    periods:\n      - { period: 2018, value: 800 }\n      - { period: 2021, value: 1200 }\n";
        let ds = crate::data::parse("m", "data/m.yaml", yaml.to_string()).expect("parses");
        let c = candidates(&[stats::compute(&ds, &Default::default(), &mut Vec::new())]);
        // 800 → 1,200 is a growth of 50.00%, 14.47% a year: prose may round either.
        let body = "2018—2021年增长50%，年均增长14.5%，年均增长约14%。\n";
        assert!(check("content/a.md", body, 1, &[], &c).is_empty());
        let w = check("content/a.md", "人数增长40%。\n", 1, &[], &c);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(
            w[0].message,
            "growth \"40%\" matches no growth in the data; did you mean data.m.series.members.growth = 50%?"
        );
        // A fall reads the growth with its sign; a plain percentage is not a growth.
        assert_eq!(check("content/a.md", "下降50%。\n", 1, &[], &c).len(), 1);
        assert_eq!(texts("增速超过20%，占20%"), ["20%", "20%"]);
        let t = scan("增速超过20%，占20%");
        assert_eq!((t[0].growth, t[1].growth), (Some(false), None));
    }
}
