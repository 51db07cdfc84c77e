//! The PDF edition: built with the site, read back with poppler and qpdf as a reader's tools
//! read it — text in reading order, metadata, outline, fonts — byte-identical across builds,
//! chapter text printed literally whatever Typst syntax it holds, a template that can read
//! nothing but its own files, template errors located, links on the site, and `serve`
//! making it only when asked.

use crate::support::serve::Server;
use crate::support::{Site, TempDir, pdf};

/// The text with white space removed (pdftotext breaks lines where the page does).
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_bundled_paper_is_complete_and_byte_identical_across_builds() {
    let site = Site::bundled();
    let (a, b) = (TempDir::new("pdf-a"), TempDir::new("pdf-b"));
    let out = site.build_into(a.path());
    site.build_into(b.path());
    let name = "tianhe-2021.pdf";
    assert_eq!(out.bytes(name), std::fs::read(b.path().join(name)).unwrap(), "two builds give the same PDF");
    let file = out.join(name);
    let info = pdf::info(&file);
    assert_eq!(info["Title"], "广州市天河区两新组织党建白皮书（2021）");
    assert!(info["Author"].contains("广州市天河区委组织部"), "{info:?}");
    assert!(info["Keywords"].contains("两新组织"), "{info:?}");
    assert_eq!(info["Tagged"], "yes", "{info:?}");
    assert!(info["Page size"].starts_with("595.276 x 841.89"), "A4: {info:?}");
    // The date is the paper's, not the clock's.
    assert!(info["CreationDate"].contains("Aug 15") && info["CreationDate"].contains("2021"), "{info:?}");
    let pages: usize = info["Pages"].parse().unwrap();
    assert!((12..=60).contains(&pages), "{pages} pages");

    let text = squeeze(&pdf::text(&file));
    for ch in ["第一章概况", "第二章四大创新举措", "第三章六大党建成效", "第四章党组织和党员画像", "附录数据来源与说明"]
    {
        assert!(text.matches(ch).count() >= 2, "{ch} in the contents and as a heading");
    }
    for s in ["目录", "图目录", "表目录", "导语", "广州日报数据和数字化研究院（GDI智库）", "2021年8月15日"]
    {
        assert!(text.contains(s), "{s}");
    }
    // Every figure of the site is in the PDF, with its number, title and source note.
    let figures = std::fs::read_dir(out.join("figures"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "svg"));
    let n = figures.count();
    assert!(n >= 5, "{n} figures");
    for i in 1..=n {
        assert!(text.contains(&format!("图{i}")), "图{i}");
    }
    assert!(text.contains("资料来源"), "source notes");
    // The data tables (`table()`) are tables of the PDF too, numbered, with their own captions.
    for s in ["单位类型", "组建方式", "年龄段", "合计"] {
        assert!(text.contains(s), "{s}: a data table");
    }
    // The numbers in the site's format.
    assert!(text.contains("12,873"), "the members count as the site writes it");

    let outline = pdf::outline(&file);
    let top: Vec<&str> = outline.iter().filter(|(d, _)| *d == 1).map(|(_, t)| t.as_str()).collect();
    // A chapter's number and title are set apart in the bookmarks too (an ideographic space).
    assert!(top.contains(&"第一章\u{3000}概况"), "{outline:?}");
    assert!(top.contains(&"附录\u{3000}数据来源与说明"), "{outline:?}");
    assert!(outline.iter().any(|(d, t)| *d == 2 && t == "党员年龄"), "sections are bookmarks: {outline:?}");

    let fonts = pdf::fonts(&file);
    assert!(!fonts.is_empty());
    for (name, embedded, subset) in &fonts {
        assert!(*embedded && *subset, "{name}: embedded subset");
    }
    let size = out.bytes(name).len();
    assert!(size < 3_000_000, "{size} bytes");
    // The site links it, with its size.
    let label = format!("（PDF，{:.1} MB）", size as f64 / 1e6);
    let label = if size < 1_000_000 { format!("（PDF，{} KB）", size.div_ceil(1000)) } else { label };
    for page in ["index.html", "full/index.html", "sources/index.html"] {
        let html = out.read(page);
        assert!(html.contains(&format!("href=\"/{name}\"")) && html.contains("下载PDF版"), "{page}");
        assert!(html.contains(&label), "{page}: {label}");
    }
}

#[test]
fn chapter_text_is_printed_literally_never_run() {
    let site = Site::fixture("pdf");
    let out = site.build();
    let file = out.join("test-paper.pdf");
    let raw = pdf::text(&file);
    let text = squeeze(&raw);
    for s in [
        "#import\"x.typ\"",
        "#read(\"/etc/passwd\")",
        "#eval(\"1+1\")",
        "][$a^2$@fig-types\\反斜杠\\单独",
        "#settext(red)",
        "#include\"paper.typ\"",
        "#letx=read(\"/etc/passwd\")",
        "测试白皮书#eval(\"1\")$x$",
    ] {
        assert!(text.contains(s), "{s} printed as written:\n{raw}");
    }
    assert!(!raw.contains("root:"), "no file of the machine is read");
    // Markdown is typeset: emphasis, lists, quotes, tables, footnotes, Chinese lines joined.
    for s in
        ["共938个党组织", "第二行接着写Englishwordswraphere", "甲项", "子项一", "引用的一段话", "脚注的内容", "表1"]
    {
        assert!(text.contains(s), "{s}:\n{raw}");
    }
    let info = pdf::info(&file);
    assert_eq!(info["Keywords"], "党建, 测试");
    assert!(info["Author"].contains("第二出版者"), "{info:?}");
    // Chapters in order, the appendix last, the figure with its number and summary.
    let first = text.find("第一章第一篇").unwrap();
    assert!(text[first..].contains("附录危险的文字"), "{raw}");
    assert!(text.contains("图1党组织的类型"), "{raw}");
    // The sitemap lists the PDF (base_url is absolute).
    assert!(out.read("sitemap.xml").contains("<loc>https://example.org/paper/test-paper.pdf</loc>"));
}

/// A one-pixel PNG.
const PIXEL: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde\x00\x00\x00\x0c\x49\x44\x41\x54\x78\x9c\x63\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

/// Markdown the site accepts typesets in the PDF too: notes that cite themselves or each other,
/// an image without alternative text, headings without text, a link to a figure id the site
/// never drew, an author's table of the data-table class without a header, a table in a quote,
/// inline code after a line break.
#[test]
fn markdown_the_site_accepts_typesets_in_the_pdf() {
    let site = Site::fixture("pdf");
    site.write("content/red.png", PIXEL);
    site.write("static/img/s.png", PIXEL);
    site.write(
        "content/03-odd.md",
        "---\ntitle: 少见的写法\nweight: 3\n---\n自引的注[^a]，互引的注[^b]。\n\n[^a]: 注甲[^a]\n[^b]: 注乙[^c]\n[^c]: 注丙[^b]\n\n\
         ![](red.png)\n\n##\n\n## ![标题图](red.png)\n\n见[图](#fig-zzz)。\n\n<figure class=\"chart\" id=\"fig-zzz\"><p>x</p></figure>\n\n\
         <table class=\"data-table\"><tbody><tr><td>1</td></tr></tbody></table>\n\n> | 甲 | 乙 |\n> |---|---|\n> | 1 | 2 |\n\n\
         run the\n`build` command\n\n![静态图](/img/s.png)\n",
    );
    let out = site.build();
    let raw = pdf::text(&out.join("test-paper.pdf"));
    let text = squeeze(&raw);
    // A note cited inside a note prints as its label (filled in, these would never end).
    assert!(text.contains("注甲[a]") && text.contains("注乙[c]"), "{raw}");
    assert!(!text.contains("表0"), "the quoted table is numbered: {raw}");
    assert!(raw.contains("run the build command"), "{raw}");
    // An image from `static/` is drawn (an image the PDF cannot show prints its alternative text).
    assert!(!text.contains("静态图"), "{raw}");
}

#[test]
fn links_inside_the_pdf_are_internal_and_outside_links_absolute() {
    let site = Site::fixture("pdf");
    let out = site.build();
    let file = out.join("test-paper.pdf");
    let json = std::process::Command::new("qpdf")
        .args(["--json", "--json-key=qpdf"])
        .arg(&file)
        .output()
        .expect("qpdf (Debian package qpdf)");
    let objects = String::from_utf8_lossy(&json.stdout);
    assert!(objects.contains("https://example.org/x"), "the external link keeps its URL");
    // Internal links (to the figure, to a heading of another chapter) are GoTo actions or
    // destinations, not URLs of the site.
    assert!(!objects.contains("https://example.org/paper/second/"), "no link back to the site's pages");
    assert!(objects.contains("/Dest") || objects.contains("/GoTo"), "internal links");
}

#[test]
fn a_template_reads_only_its_own_files_and_its_errors_are_located() {
    let site = Site::fixture("pdf");
    site.write("templates/pdf/paper.typ", "#let doc = json(\"/baipi/paper.json\")\n#read(\"/etc/passwd\")\n");
    let run = site.run(&["build", "--output-dir", site.file("public").to_str().unwrap()]);
    assert!(!run.success());
    let err = run.stderr();
    assert!(err.contains("templates/pdf/paper.typ:2:7: error: Typst: file not found"), "{err}");
    assert!(!site.file("public").exists(), "nothing written");
    site.write("templates/pdf/paper.typ", "#read(\"../site.toml\")\n");
    let err = site.run(&["check"]).stderr();
    assert!(err.contains("templates/pdf/paper.typ:1:7: error: Typst:"), "{err}");
    assert!(!err.contains("测试白皮书"), "site.toml not read: {err}");
    site.write("templates/pdf/paper.typ", "#let x = (\n= Heading\n#unknown-thing\n");
    let err = site.run(&["check"]).stderr();
    assert!(err.contains("templates/pdf/paper.typ:"), "{err}");
}

#[test]
fn without_the_switch_there_is_no_pdf_and_no_link() {
    let site = Site::fixture("pdf");
    site.append("site.toml", "enabled = false\n");
    let out = site.build();
    assert!(!out.join("test-paper.pdf").exists());
    assert!(!out.read("index.html").contains("下载PDF版"));
    assert!(!out.read("sitemap.xml").contains(".pdf"));
}

#[test]
fn serve_typesets_the_pdf_only_when_asked() {
    let site = Site::fixture("pdf");
    let server = Server::start(site.path());
    let cover = server.wait_for("/", "the cover", |b| b.contains("下载PDF版"));
    assert!(cover.contains("href=\"/test-paper.pdf\""), "{cover}");
    let t = crate::support::TempDir::new("served-pdf");
    let pdf_text = |name: &str| {
        let (status, head, body) =
            server.raw_bytes(&format!("GET /test-paper.pdf HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr));
        assert_eq!(status, 200, "{head}");
        assert!(head.contains("application/pdf"), "{head}");
        assert!(body.starts_with(b"%PDF-"), "a PDF");
        let file = t.path().join(name);
        std::fs::write(&file, body).unwrap();
        squeeze(&pdf::text(&file))
    };
    assert!(pdf_text("1.pdf").contains("危险的文字"));
    // After an edit the PDF is typeset again (not the one made before), from the new text.
    site.edit("content/02-second.md", "title: 危险的文字", "title: 改过的标题");
    server.wait_for("/", "the edit", |b| b.contains("改过的标题"));
    assert!(pdf_text("2.pdf").contains("改过的标题"), "the PDF follows the edit");
}

/// A time series (its chart and its `table()`), a breakdown's `table()` and the numbers all reach
/// the PDF as the site writes them, in the site's `[numbers]` format (here GB/T 15835's thin
/// space, and five-digit grouping): the PDF's tables are the site's tables.
#[test]
fn series_tables_and_numbers_appear_in_the_sites_number_format() {
    let s = Site::fixtures(&["invalid/_base"]);
    s.append("site.toml", "\n[numbers]\ngrouping = \"thin-space\"\ngroup_min_digits = 5\n");
    s.write(
        "data/members.yaml",
        "title: 党员\nunit: 人\nsource: 测试来源\nseries:\n  members:\n    title: 党员人数\n    periods:\n      - { period: 2018, value: 8000 }\n      - { period: 2019, value: 10000, published_growth: 25 }\n      - { period: 2020, value: 11000 }\n      - { period: 2021, value: 12873, published_growth: 9, growth_prefix: 超过 }\n",
    );
    s.write(
        "content/01-a.md",
        "---\ntitle: 第一章\nweight: 1\ncharts:\n  - { id: trend, type: line, data: members.series.members, title: 党员人数变化 }\n---\n党员人数增至{{ data.members.series.members.last.value | num }}人。\n\n{{ figure(id=\"trend\") }}\n\n## 逐年人数\n\n{{ table(data=\"members.series.members\", index=true) }}\n\n## 党组织\n\n{{ table(data=\"orgs.by_type\", label=\"类型\") }}\n",
    );
    let out = s.build();
    let page = out.read("01-a/index.html");
    let thin = "12\u{202f}873";
    assert!(page.contains(&format!("党员人数增至{thin}人")), "{page}");
    let raw = pdf::text(&out.join("paper.pdf"));
    let text = squeeze(&raw);
    // Prose, the figure's summary and the series table: 12 873 (pdftotext may print the thin
    // space as a space or drop it, so the digits are compared with white space squeezed out).
    assert!(text.contains("党员人数增至12873人"), "{raw}");
    assert!(!text.contains("12,873"), "no comma grouping anywhere: {raw}");
    assert!(text.contains("图1党员人数变化"), "{raw}");
    assert!(text.contains("共4个时点，2018年为8000人，2021年为12873人"), "the figure's summary: {raw}");
    // The series table: its caption, header, a row per period, the growth and index columns.
    assert!(text.contains("表1党员·党员人数（单位：人）"), "{raw}");
    for s in ["时期", "数值（人）", "2019年", "10000", "25%", "超过9%", "指数（2018=100）", "160.91"] {
        assert!(text.contains(s), "{s}: {raw}");
    }
    // The breakdown table: its label column, parts, shares and the totals row.
    assert!(text.contains("表2党组织·按类型（单位：个）"), "{raw}");
    for s in ["类型", "非公企业党组织", "779", "83.05%", "合计", "938"] {
        assert!(text.contains(s), "{s}: {raw}");
    }
    let tables = text.find("表目录").map(|i| &text[i..]).unwrap_or("");
    assert!(tables.contains("党员·党员人数"), "the list of tables names it: {raw}");
}
