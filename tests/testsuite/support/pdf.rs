//! Reading a PDF as a reader's tools do: its text (`pdftotext`), its document information
//! (`pdfinfo`), its fonts (`pdffonts`) and its outline (`qpdf --json`). The tools come from the
//! Debian packages `poppler-utils` and `qpdf` (`.ci/run` installs them); a missing tool panics
//! naming the package, so the PDF tests never pass without looking at the PDF.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Runs `tool ARGS… PDF` and returns its stdout; panics with its stderr if it fails.
fn run(tool: &str, package: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} ({e}): install the Debian package {package}"));
    assert!(out.status.success(), "{tool} {}: {}", pdf.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("{tool} printed non-UTF-8: {e}"))
}

/// The text of every page, in reading order (`pdftotext -enc UTF-8 PDF -`).
pub fn text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("cannot run pdftotext ({e}): install the Debian package poppler-utils"));
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// `pdfinfo`'s fields (`Title`, `Pages`, `Tagged`, `Page size` …), values trimmed.
pub fn info(pdf: &Path) -> BTreeMap<String, String> {
    run("pdfinfo", "poppler-utils", &["-enc", "UTF-8"], pdf)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The fonts (`pdffonts`): name, embedded, subset.
pub fn fonts(pdf: &Path) -> Vec<(String, bool, bool)> {
    run("pdffonts", "poppler-utils", &[], pdf)
        .lines()
        .skip(2)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            // name type [type …] encoding emb sub uni object ID
            let n = cols.len();
            (n >= 7).then(|| (cols[0].to_string(), cols[n - 5] == "yes", cols[n - 4] == "yes"))
        })
        .collect()
}

/// The outline (bookmarks) as (depth, title), in order.
pub fn outline(pdf: &Path) -> Vec<(usize, String)> {
    let json = run("qpdf", "qpdf", &["--json", "--json-key=outlines"], pdf);
    let v: serde_json::Value = serde_json::from_str(&json).expect("qpdf --json");
    let mut out = Vec::new();
    fn walk(items: &serde_json::Value, depth: usize, out: &mut Vec<(usize, String)>) {
        for it in items.as_array().into_iter().flatten() {
            out.push((depth, it["title"].as_str().unwrap_or("").to_string()));
            walk(&it["kids"], depth + 1, out);
        }
    }
    walk(&v["outlines"], 1, &mut out);
    out
}
