//! The bundled white paper (the repository's own site): it builds with every published figure
//! in place and checks clean, even with `--strict`.

use crate::support::{Site, TempDir};

#[test]
fn bundled_paper_checks_clean() {
    let o = Site::bundled().run(&["check", "--strict"]).expect_success();
    assert!(o.stdout().contains("0 warnings"));
}

#[test]
fn bundled_white_paper_builds_with_its_figures() {
    let t = TempDir::new("paper");
    let paper = Site::bundled();
    let out = paper.build_into(&t.path().join("public"));
    let page = |p: &str| out.read(p);
    let expect: &[(&str, &[&str])] = &[
        ("index.html", &["938<small>个</small>", "12,873<small>人</small>", "2021年8月15日", "近五分之一"]),
        ("overview/index.html", &["83.05%", "16.95%", "90.04%", "9.96%", "22.67%", "超过20%"]),
        (
            "innovations/index.html",
            &["30名", "200家", "22个", "100多个", "43个", "70多万人次", "6,800多场", "超过30万人次", "八联八力"],
        ),
        (
            "achievements/index.html",
            &[
                "54.33%",
                "36.54%",
                "64.95%",
                "53.15%",
                "67.03%",
                "29.9%",
                "94.75%",
                "61.54%",
                "31.73%",
                "93.27%",
                "约71%",
                "113支",
                "23个",
                "86.14%",
                "84.27%",
                "86.01%",
                "21个",
                "230个",
                "147个",
                "超过24万平方米",
                "114个",
                "39个",
                "29个",
                "86.05%",
                "67.31%",
                "76.93%",
                "WebVision",
            ],
        ),
        (
            "portrait/index.html",
            &[
                "679", "141", "118", "6,280", "3,957", "1,572", "654", "410", "79.52%", "7,721", "59.98%", "2,648",
                "20.57%", "10,369",
            ],
        ),
        ("sources/index.html", &["gdi.dayoo.com", "未公布", "data/members.csv"]),
    ];
    for (p, needles) in expect {
        let html = page(p);
        for n in *needles {
            assert!(html.contains(n), "{p} lacks {n:?}");
        }
    }
    for p in ["index.html", "overview/index.html", "portrait/index.html"] {
        let html = page(p);
        assert!(!html.contains("{{") && !html.contains("{%"), "{p} has an unevaluated expression");
    }
}
