//! Hostile input (`tests/fixtures/hostile/`) comes out inert in every output format, and URLs
//! that could run script are refused.

use crate::support::Site;

/// Hostile strings in config, front matter, data labels and chart specs come out inert:
/// escaped in HTML text and attributes, SVG, XML and JSON; CSV cells cannot run as formulas.
#[test]
fn hostile_input_is_inert_everywhere() {
    let s = Site::fixture("hostile");
    let out = s.build();
    for (path, text) in out.texts() {
        // CSV is data for spreadsheets (checked for formulas below), not markup.
        if path.ends_with(".css") || path.ends_with(".js") || path.ends_with(".csv") {
            continue;
        }
        for bad in ["<script>alert", "<img src=x", "<svg onload", "<b onmouseover", "\" onclick=\"", "<i>个</i>"] {
            assert!(!text.contains(bad), "{path} contains {bad:?}");
        }
    }
    let page = out.read("01-evil/index.html");
    assert!(
        page.contains("&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;")
            || page.contains("&lt;script&gt;alert('label')&lt;/script&gt;"),
        "{page}"
    );
    let csv = out.read("data/evil.csv");
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{csv}");
    let fig_csv = out.read("figures/evil.csv");
    assert!(!fig_csv.contains(",=HYPERLINK") && !fig_csv.contains(",\"=HYPERLINK"), "{fig_csv}");
    let sitemap = out.read("sitemap.xml");
    assert!(!sitemap.contains("]]>"));
    let json: serde_json::Value = serde_json::from_str(&out.read("data/evil.json")).unwrap();
    assert_eq!(json["parts"]["b"]["label"], "<script>alert('label')</script>", "JSON keeps the data itself");
}

#[test]
fn javascript_source_url_is_refused() {
    let s = Site::fixture("basic");
    s.edit("site.toml", "https://example.org/source", "javascript:alert(1)");
    let o = s.run(&["build"]);
    assert_eq!(o.code(), Some(1));
    assert!(
        o.stderr().contains("site.toml:11:1: error: `publication.source_url` must be an http(s) URL"),
        "{}",
        o.stderr()
    );
}
