//! `check`: every problem at once (data, expressions, links, images, templates), located in
//! the source, warnings that `--strict` makes errors, and nothing written.

use crate::support::Site;

#[test]
fn check_writes_nothing() {
    let s = Site::fixture("basic");
    let o = s.run(&["check"]).expect_success();
    assert!(!s.file("public").exists());
    // Counts of one are singular.
    assert_eq!(o.stdout(), "2 chapters, 1 dataset: no errors, 0 warnings\n");
}

#[test]
fn check_reports_every_problem_at_once() {
    let s = Site::fixture("invalid/_base");
    s.write("content/02-b.md", "---\ntitle: b\nweight: x\n---\n");
    s.write("content/03-c.md", "---\nweight: 3\n---\n");
    let o = s.run(&["check"]);
    assert_eq!(o.code(), Some(1));
    let e = o.stderr();
    assert!(e.contains("content/02-b.md:3:9:"), "{e}");
    assert!(e.contains("content/03-c.md:2:1:"), "{e}");
    assert!(e.contains("2 errors found"), "{e}");
}

#[test]
fn check_gathers_render_problems_at_once() {
    let s = Site::fixture("basic");
    s.append(
        "content/01-first.md",
        "\n![图](images/none.png)\n\n**要点：**后文。\n\n[坏锚点](02-second.md#不存在)\n\n一个*星号\n",
    );
    // Same weight as 02-second.md: a warning, not an error.
    s.edit("content/01-first.md", "weight: 2", "weight: 1");
    s.write("templates/index.html", "{% extends \"base.html\" %}{% block main %}{{ page.title }{% endblock main %}");
    let o = s.run(&["check"]);
    assert_eq!(o.code(), Some(1));
    let e = o.stderr();
    for needle in [
        "image `images/none.png` not found",
        "`**` is printed literally",
        "has no heading with id `不存在`",
        "templates/index.html:1:",
        "warning: `*` is printed literally",
        "warning: weight 1 is also used by",
        "4 errors found, 2 warnings",
    ] {
        assert!(e.contains(needle), "lacks {needle:?}:\n{e}");
    }
    assert!(!s.file("public").exists());
}

#[test]
fn check_reports_template_errors_even_when_content_fails_to_load() {
    let s = Site::fixture("basic");
    s.write("content/01-first.md", "---\ntitle: [\n---\n");
    s.write("templates/chapter.html", "{{ page.title }");
    let e = s.run(&["check"]).stderr();
    assert!(e.contains("content/01-first.md:2:"), "{e}");
    assert!(e.contains("templates/chapter.html:1:"), "{e}");
    assert!(e.contains("2 errors found"), "{e}");
}

#[test]
fn lone_asterisk_is_a_warning_and_strict_makes_it_an_error() {
    let s = Site::fixture("basic");
    s.append("content/02-second.md", "\n注*：本章。\n\n转义的 \\* 不报。\n");
    let o = s.run(&["check"]);
    assert_eq!(o.code(), Some(0), "{}", o.stderr());
    let e = o.stderr();
    assert_eq!(e.matches("`*` is printed literally").count(), 1, "{e}");
    assert_eq!(s.run(&["check", "--strict"]).code(), Some(1));
}

/// Regression: locations after an expression on the same line pointed into the
/// evaluated text (its offsets differ from the source's).
#[test]
fn locations_after_expressions_point_into_the_source() {
    let s = Site::fixture("invalid/_base");
    s.write(
        "content/01-a.md",
        "---\ntitle: 第一章\nweight: 1\n---\n共{{ data.orgs.total | num }}个，见[乙](02-b.md#无此节)，![图](无.png)\n",
    );
    s.write("content/02-b.md", "---\ntitle: 乙\nweight: 2\n---\n## 有此节\n");
    let e = s.run(&["check"]).stderr();
    assert!(e.contains("content/01-a.md:5:32: error: link to `02-b.md#无此节`"), "{e}");
    assert!(e.contains("content/01-a.md:5:49: error: image `无.png` not found"), "{e}");
}

/// What `check` accepts as a link target is what the build writes: a link to the whole-paper
/// page passes when the theme makes one and is reported when it does not.
#[test]
fn links_to_generated_pages_follow_what_is_emitted() {
    let s = Site::fixture("basic");
    s.append("content/01-first.md", "\n[全文](/full/)、[搜索](/search/)。\n");
    s.run(&["check"]).expect_success();
    s.remove("themes/default/templates/full.html");
    let o = s.run(&["check"]);
    assert_eq!(o.code(), Some(1));
    let e = o.stderr();
    assert!(e.contains("link to file `/full/` not found: no page or file /full/ in the built site"), "{e}");
    assert!(!e.contains("`/search/` not found") && e.contains("1 error found"), "{e}");
}

/// Figures placed with `figure()` expand to many lines of HTML: problems after them are still
/// located at their own line and column of the chapter file, with that line shown.
#[test]
fn locations_after_several_figures_point_into_the_source() {
    let s = Site::fixture("basic");
    let charts: String =
        (1..=3).map(|i| format!("  - {{ id: c{i}, type: bar, data: orgs.by_type, title: 图{i} }}\n")).collect();
    s.write(
        "content/03-figures.md",
        format!(
            "---\ntitle: 图\nweight: 3\ncharts:\n{charts}---\n{{{{ figure(id=\"c1\") }}}}\n\n{{{{ figure(id=\"c2\") }}}}\n\n共{{{{ data.orgs.total }}}}个。{{{{ figure(id=\"c3\") }}}}\n\n见[坏链接](nope.md)。\n\n![图](无.png)\n"
        ),
    );
    let e = s.run(&["check"]).stderr();
    assert!(e.contains("content/03-figures.md:15:2: error: link to `nope.md`"), "{e}");
    assert!(e.contains("15 | 见[坏链接](nope.md)。"), "{e}");
    assert!(e.contains("content/03-figures.md:17:1: error: image `无.png` not found"), "{e}");
}
