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
    assert_eq!(json["series"]["trend"]["at"]["2019"]["growth_prefix"], "<svg onload=alert(3)>");
    // A series' rows in the open data: formulas neutralised in its cells too.
    assert!(
        csv.lines().any(|l| l.starts_with("evil,trend,2018,") && l.contains("\"'=HYPERLINK(\"\"http://x\"\")\"")),
        "{csv}"
    );
    assert!(
        page.contains("&lt;script&gt;alert(&#39;series&#39;)&lt;/script&gt;")
            || page.contains("&lt;script&gt;alert('series')&lt;/script&gt;"),
        "{page}"
    );
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

/// `javascript:`, `vbscript:` and `data:text/html` URLs in Markdown links, images and autolinks
/// are located errors (however they are cased or padded), and the previous output stays.
#[test]
fn script_urls_in_markdown_are_located_errors() {
    let help = "  = help: link to a web page (https://…), a chapter (`02-x.md`) or a file in content/ or static/; \
                `javascript:`, `vbscript:` and `data:text/html` URLs are refused";
    let cases = [
        (
            "[点我](javascript:alert(1))",
            "content/02-x.md:5:1: error: link `javascript:alert(1)`: a `javascript:` URL runs script in the reader's browser",
        ),
        (
            "正文![图](DATA:text/html;base64,PHNjcmlwdD4=)",
            "content/02-x.md:5:3: error: image `DATA:text/html;base64,PHNjcmlwdD4=`: a `data:text/html` URL runs script in the reader's browser",
        ),
        (
            "见 <VBScript:msgbox(1)>",
            "content/02-x.md:5:3: error: link `VBScript:msgbox(1)`: a `vbscript:` URL runs script in the reader's browser",
        ),
        (
            "[y]( jav&#x09;ascript:y)",
            "content/02-x.md:5:1: error: link `jav\\tascript:y`: a `javascript:` URL runs script in the reader's browser",
        ),
    ];
    for (line, first) in cases {
        let p = Site::fixture("invalid/_base").with_previous_build();
        p.write("content/02-x.md", format!("---\ntitle: x\nweight: 2\n---\n{line}\n"));
        let err = p.fails(1, first);
        assert!(err.contains(help), "{err}");
    }
}

/// Raw `<script>`, `<iframe>`, event handlers and script URLs in a chapter's HTML are warnings of
/// `check` (published as written), errors under `check --strict`.
#[test]
fn raw_html_that_runs_script_is_reported() {
    let s = Site::fixture("invalid/_base");
    s.write(
        "content/02-x.md",
        "---\ntitle: x\nweight: 2\n---\n<div\n  onMouseOver=\"x()\">a</div>\n\n<script src=\"https://x.org/a.js\"></script>\n\n\
         <iframe src=\"https://x.org\"></iframe> <a href=\"javascript:y\">z</a>\n\n<b title=\"one\">粗</b>\n\n\
         <a href=\"java&#x73;cript&colon;y\">z</a> <meta http-equiv=\"refresh\" content=\"0;url=javascript:y\">\n\n\
         <a href=\"https://x.org/?a=1&amp;b=2\">ok</a>\n",
    );
    let o = s.run(&["check"]);
    assert_eq!(o.code(), Some(0), "{}", o.stderr());
    let err = o.stderr();
    for w in [
        "content/02-x.md:6:3: warning: raw HTML event handler `onMouseOver=` in a chapter: it runs script in the reader's browser",
        "content/02-x.md:8:1: warning: raw HTML `<script>` in a chapter: it runs in the reader's browser as written",
        "content/02-x.md:10:1: warning: raw HTML `<iframe>` in a chapter: it embeds another page as written",
        "content/02-x.md:10:48: warning: raw HTML with a `javascript:` URL in a chapter: it runs script in the reader's browser",
        // Character references decoded as the browser does; a refresh to a script URL.
        "content/02-x.md:14:10: warning: raw HTML with a `javascript:` URL in a chapter",
        "content/02-x.md:14:77: warning: raw HTML with a `javascript:` URL in a chapter",
        "  = help: baipi publishes raw HTML as it is; write Markdown instead, or keep it on purpose (`check --strict` counts it as an error",
    ] {
        assert!(err.contains(w), "stderr lacks {w:?}:\n{err}");
    }
    assert_eq!(err.matches(": warning: raw HTML").count(), 6, "{err}");
    let strict = s.run(&["check", "--strict"]);
    assert_eq!(strict.code(), Some(1));
    assert!(
        strict.stderr().starts_with("content/02-x.md:6:3: error: raw HTML event handler `onMouseOver=`"),
        "{}",
        strict.stderr()
    );
}

/// The default theme ships a Content-Security-Policy (a `<meta>` on every page and `_headers`
/// for hosts that read it) that the site itself satisfies: scripts only from its own files, no
/// inline scripts or handlers, inline styles only as the tables' `text-align`.
#[test]
fn the_default_theme_has_a_content_security_policy_the_site_satisfies() {
    let s = Site::fixture("basic");
    let out = s.build();
    let headers = out.read("_headers");
    let header_csp = headers.lines().find_map(|l| l.trim().strip_prefix("Content-Security-Policy: ")).unwrap();
    for (path, page) in out.texts().into_iter().filter(|(p, _)| p.ends_with(".html")) {
        let meta = page.split("<meta http-equiv=\"Content-Security-Policy\" content=\"").nth(1);
        let csp = meta.and_then(|m| m.split('"').next()).unwrap_or_else(|| panic!("{path} has no CSP"));
        assert_eq!(format!("{csp}; frame-ancestors 'self'"), header_csp, "{path}");
        for need in ["script-src 'self'", "connect-src 'self'", "style-src 'self' 'unsafe-inline'", "object-src 'none'"]
        {
            assert!(csp.contains(need), "{path}: {csp}");
        }
        for tag in page.split("<script").skip(1) {
            let tag = &tag[..tag.find('>').unwrap()];
            assert!(tag.contains(" src=\"/"), "{path}: an inline or foreign script: <script{tag}>");
        }
        for attr in page.split(" style=\"").skip(1) {
            assert!(attr.starts_with("text-align: "), "{path}: style=\"{}", &attr[..attr.find('"').unwrap()]);
        }
        assert!(!page.contains(" onclick=") && !page.contains(" onload="), "{path}");
    }
    // `serve`'s reload script and events are same-origin paths, which `'self'` allows.
    assert!(baipi::serve::SCRIPT_URL.starts_with("/__baipi/") && baipi::serve::EVENTS_URL.starts_with("/__baipi/"));
}

/// Control characters (C0 other than tab and line breaks, DEL, C1) and U+FFFE/U+FFFF cannot be
/// in an XML file at all, escaped or not: from a dataset's labels and titles, a chapter's
/// front matter (title, summary, a chart's title, subtitle and note) and its Markdown (a
/// heading, text, code, raw HTML), none reaches any HTML, SVG or XML file of the site.
#[test]
fn control_characters_never_reach_markup() {
    let s = Site::fixture("invalid/_base");
    s.edit("site.toml", "base_url = \"/\"", "base_url = \"https://example.org/\"");
    s.write(
        "data/orgs.yaml",
        "title: \"党组织\\x01\\x7f\"\nunit: 个\ntotal: 938\nbreakdowns:\n  by_type:\n    title: \"按类型\\x08\"\n    complete: true\n    parts:\n      - { key: nonpublic, label: \"非公\\x02企业\\u0085\", value: 779 }\n      - { key: social, label: \"社会组织\\x1b\\uFFFE\", value: 159 }\n",
    );
    s.write(
        "content/02-b.md",
        "---\ntitle: \"第二章\\x01\\x0c\"\nweight: 2\nsummary: \"摘\\x07要\"\ncharts:\n  - { id: c1, type: bar, data: orgs.by_type, title: \"图\\x03\", subtitle: \"副\\x04\", note: \"注\\x05\" }\n  - { id: c2, type: donut, data: orgs.by_type, title: 图 }\n---\n## 标题\u{1} x\n\n正文\u{2}，`代\u{3}码` <b>粗\u{4}</b>。{{ data.orgs.title }}\n",
    );
    let out = s.build();
    let forbidden =
        |c: char| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{fffe}' || c == '\u{ffff}';
    let mut seen = 0;
    for (path, text) in out.texts() {
        if [".html", ".svg", ".xml"].iter().any(|e| path.ends_with(e)) {
            seen += 1;
            if let Some(i) = text.find(forbidden) {
                let before: String = text[..i].chars().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect();
                panic!("{path} holds a forbidden character after {before:?}");
            }
        }
    }
    assert!(seen >= 8, "{seen}");
    assert!(out.read("figures/c1.svg").contains("非公\u{fffd}企业\u{fffd}"));
    assert!(out.read("02-b/index.html").contains("标题\u{fffd} x"));
    // The PDF edition prints □ where the site shows U+FFFD (its font has no U+FFFD glyph).
    #[cfg(feature = "pdf")]
    {
        let text = crate::support::pdf::text(&out.join("paper.pdf"));
        assert!(text.contains("标题□ x") && text.contains("第二章□□"), "{text}");
    }
}
