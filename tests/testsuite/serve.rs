//! `serve`: the site from memory, path traversal refused, whole pages under load while
//! rebuilding, rebuilds on edit with the error shown over the last good site, reload events,
//! Ctrl-C, and no reload script in `build` output.

use crate::support::Site;
use crate::support::serve::{Server, stylesheet};
#[cfg(unix)]
use crate::support::{files_of, folders_of};
#[cfg(unix)]
use std::path::Path;

#[test]
fn serve_answers_with_the_site_from_memory() {
    let s = Site::fixture("basic");
    let srv = Server::start(s.path());
    let (status, head, body) = srv.get("/first/");
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("Content-Type: text/html; charset=utf-8"), "{head}");
    assert!(body.contains("共938个，其中社会组织党组织159个"), "{body}");
    // The theme emits the reload script only in serve mode, and the server serves it.
    assert!(body.contains(r#"<script src="/__baipi/livereload.js" defer></script>"#), "{body}");
    // The theme's Content-Security-Policy allows the same-origin script and its event stream.
    assert!(body.contains("script-src 'self'") && body.contains("connect-src 'self'"), "{body}");
    let (status, _, js) = srv.get("/__baipi/livereload.js");
    assert_eq!(status, 200);
    assert!(js.contains("EventSource"));
    // Content types (the stylesheet's name carries its content hash).
    let css = stylesheet(&body);
    for (path, ctype) in [
        (css.as_str(), "text/css"),
        ("/favicon.svg", "image/svg+xml"),
        ("/data/orgs.csv", "text/csv"),
        ("/data/orgs.json", "application/json"),
        ("/robots.txt", "text/plain"),
        ("/__baipi/livereload.js", "text/javascript"),
    ] {
        let (status, head, _) = srv.get(path);
        assert_eq!(status, 200, "{path}: {head}");
        assert!(head.contains(&format!("Content-Type: {ctype}")), "{path}: {head}");
    }
    // Folders without their slash redirect; unknown paths get the site's 404 page.
    let (status, head, _) = srv.get("/first");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /first/"), "{head}");
    let (status, _, body) = srv.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("页面未找到"), "{body}");
    // HEAD has headers only; other methods are refused.
    let (status, head, body) = srv.raw(&format!("HEAD / HTTP/1.1\r\nHost: {}\r\n\r\n", srv.addr));
    assert_eq!((status, body.as_str()), (200, ""), "{head}");
    assert!(head.contains("Content-Length: "));
    let (status, head, _) = srv.raw(&format!("POST / HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\n\r\n", srv.addr));
    assert_eq!(status, 405);
    assert!(head.contains("Allow: GET, HEAD"), "{head}");
    let (status, _, _) = srv.raw("garbage\r\n\r\n");
    assert_eq!(status, 400);
    // Nothing was written.
    assert!(!s.file("public").exists());
}

#[test]
fn serve_refuses_traversal() {
    let s = Site::fixture("basic");
    s.write("secret.txt", "SECRET");
    let srv = Server::start(s.path());
    for path in [
        "/../site.toml",
        "/../../../../etc/passwd",
        "/first/../../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsite.toml",
        "/first%2f..%2f..%2fsite.toml",
        "/..%5csite.toml",
        "/..\\site.toml",
        "//etc/passwd",
        "/C:/Windows/win.ini",
        "/secret.txt",
        "/site.toml",
        "/content/01-first.md",
        "/data/orgs.yaml",
        "/%00",
        // Double encoding, overlong UTF-8, mixed forms, NUL, Windows separators.
        "/%252e%252e/site.toml",
        "/%252e%252e%252fsite.toml",
        "/%c0%ae%c0%ae/site.toml",
        "/%c0%ae%c0%ae%c0%afsite.toml",
        "/..%c0%afsite.toml",
        "/%e0%80%ae%e0%80%ae/site.toml",
        "/.%2e/site.toml",
        "/%2e./site.toml",
        "/first/%2e%2e/%2e%2e/site.toml",
        "/%2e%2e%5csite.toml",
        "/..%255csite.toml",
        "/first/..\\..\\site.toml",
        "/site.toml%00.html",
        "/first/index.html%00",
        "/%00/../site.toml",
        "/./site.toml",
        "///etc/passwd",
        "/%2fetc/passwd",
        "/%2Fetc%2Fpasswd",
        "/%5c%5cserver%5cshare",
        "/\\\\server\\share",
        "/..;/site.toml",
        "/%ef%bc%8e%ef%bc%8e/site.toml",
        "/file:///etc/passwd",
    ] {
        let (status, _, body) = srv.get(path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("SECRET") && !body.contains("base_url") && !body.contains("root:"), "{path}: {body}");
    }
    // Targets that are not origin-form paths: absolute-form (to this host or another), a bare
    // `*`, and HTTP/1.0.
    for target in [
        "http://example.org/etc/passwd".to_string(),
        format!("http://{}/site.toml", srv.addr),
        format!("http://{}/../site.toml", srv.addr),
        "https://example.org/".into(),
        "*".into(),
        "site.toml".into(),
        "../site.toml".into(),
    ] {
        let (status, _, body) = srv.raw(&format!("GET {target} HTTP/1.1\r\nHost: {}\r\n\r\n", srv.addr));
        assert_eq!(status, 404, "{target}");
        assert!(!body.contains("SECRET") && !body.contains("base_url"), "{target}: {body}");
    }
    let (status, _, _) = srv.raw(&format!("GET /../site.toml HTTP/1.0\r\nHost: {}\r\n\r\n", srv.addr));
    assert_eq!(status, 404);
    // Only GET and HEAD: every other method is 405, whatever its target.
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "MKCOL", "get", "Head"]
    {
        for target in ["/", "/first/", "/../site.toml"] {
            let (status, head, _) =
                srv.raw(&format!("{method} {target} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\n\r\n", srv.addr));
            assert_eq!(status, 405, "{method} {target}");
            assert!(head.contains("Allow: GET, HEAD"), "{method}: {head}");
        }
    }
    // Served on the loopback interface unless told otherwise.
    assert!(srv.addr.starts_with("127.0.0.1:"), "{}", srv.addr);
}

/// Load while rebuilding: client threads in this process request a page from `baipi serve`
/// (another process) on 127.0.0.1 as fast as they can (bounded in count and time), while the
/// test rewrites the chapter again and again. Every response must be a whole page of one build:
/// status 200, the full Content-Length, `</html>` at the end, one version marker throughout,
/// byte-identical to every other response of that version, and never older than the version
/// the same client saw before (the server swaps whole builds). Prints the figures; run with
/// `--nocapture` to see them.
#[test]
fn serve_under_load_gives_whole_pages_while_rebuilding() {
    use std::collections::BTreeMap;
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicBool, AtomicUsize};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};
    const THREADS: usize = 4;
    const MAX_REQUESTS_PER_THREAD: usize = 5_000;
    const REWRITES: usize = 25;
    const MARK: &str = "负载版本";
    let s = Site::fixture("basic");
    let srv = Server::start(s.path());
    let chapter = "content/01-first.md";
    let original = s.read(chapter);
    let version_text = |i: usize| original.replacen("共{{", &format!("{MARK}{i:03}号。共{{{{"), 1);
    s.write(chapter, version_text(0));
    srv.wait_for("/first/", "version 0", |b| b.contains(&format!("{MARK}000号")));

    let done = Arc::new(AtomicBool::new(false));
    let requests = Arc::new(AtomicUsize::new(0));
    let canonical: Arc<Mutex<BTreeMap<usize, String>>> = Arc::default();
    let errors: Arc<Mutex<Vec<String>>> = Arc::default();
    let start = Instant::now();
    let clients: Vec<_> = (0..THREADS)
        .map(|_| {
            let (addr, done, requests) = (srv.addr.clone(), done.clone(), requests.clone());
            let (canonical, errors) = (canonical.clone(), errors.clone());
            std::thread::spawn(move || {
                let mut last = 0usize;
                let fail = |e: String| errors.lock().unwrap().push(e);
                for _ in 0..MAX_REQUESTS_PER_THREAD {
                    if done.load(std::sync::atomic::Ordering::SeqCst) || start.elapsed() > Duration::from_secs(60) {
                        break;
                    }
                    requests.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let got = (|| -> std::io::Result<Vec<u8>> {
                        let mut c = std::net::TcpStream::connect(&addr)?;
                        c.set_read_timeout(Some(Duration::from_secs(10)))?;
                        write!(c, "GET /first/ HTTP/1.1\r\nHost: {addr}\r\n\r\n")?;
                        let mut buf = Vec::new();
                        c.read_to_end(&mut buf)?;
                        Ok(buf)
                    })();
                    let raw = match got {
                        Ok(r) => String::from_utf8_lossy(&r).into_owned(),
                        Err(e) => {
                            fail(format!("request failed: {e}"));
                            continue;
                        }
                    };
                    let Some((head, body)) = raw.split_once("\r\n\r\n") else {
                        fail(format!("no header end: {raw:.200}"));
                        continue;
                    };
                    let length = head
                        .lines()
                        .find_map(|l| l.strip_prefix("Content-Length: "))
                        .and_then(|n| n.trim().parse::<usize>().ok());
                    if !head.starts_with("HTTP/1.1 200 ") || length != Some(body.len()) || !body.ends_with("</html>\n")
                    {
                        fail(format!("not a whole page: {head} ({} bytes)", body.len()));
                        continue;
                    }
                    let versions: Vec<usize> = body
                        .match_indices(MARK)
                        .filter_map(|(i, _)| body[i + MARK.len()..].get(..3).and_then(|n| n.parse().ok()))
                        .collect();
                    let Some(&v) = versions.first() else {
                        fail("no version marker".into());
                        continue;
                    };
                    if versions.iter().any(|w| *w != v) {
                        fail(format!("torn page: versions {versions:?}"));
                        continue;
                    }
                    if v < last {
                        fail(format!("went back from version {last} to {v}"));
                    }
                    last = v;
                    let mut seen = canonical.lock().unwrap();
                    match seen.get(&v) {
                        Some(first) if first != body => fail(format!("version {v} served with different bytes")),
                        Some(_) => {}
                        None => {
                            seen.insert(v, body.to_string());
                        }
                    }
                    drop(seen);
                    std::thread::sleep(Duration::from_millis(1));
                }
            })
        })
        .collect();
    for i in 1..=REWRITES {
        std::thread::sleep(Duration::from_millis(80));
        // Whole files only (written beside, then renamed into place): a file caught half
        // written is the editor's business, shown as an error overlay, not what this tests.
        s.write("next-version.md", version_text(i));
        std::fs::rename(s.file("next-version.md"), s.file(chapter)).unwrap();
    }
    // Let the clients see the last build, then stop them.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !canonical.lock().unwrap().contains_key(&REWRITES) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(100));
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    for c in clients {
        c.join().unwrap();
    }
    let elapsed = start.elapsed();
    let errors = errors.lock().unwrap();
    let versions = canonical.lock().unwrap().len();
    let n = requests.load(std::sync::atomic::Ordering::SeqCst);
    println!(
        "load: {THREADS} clients, {n} requests, {} errors, {versions} builds seen of {} written, {:.1} s, {:.0} requests/s",
        errors.len(),
        REWRITES + 1,
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
    assert!(errors.is_empty(), "{} errors, first: {:?}", errors.len(), &errors[..errors.len().min(5)]);
    assert!(versions >= 5, "only {versions} builds were seen under load");
    assert!(canonical.lock().unwrap().contains_key(&REWRITES), "the last build was never served");
}

#[test]
fn serve_rebuilds_on_edit_and_shows_errors_over_the_last_good_site() {
    let s = Site::fixture("basic");
    let srv = Server::start(s.path());
    let chapter = "content/01-first.md";
    let original = s.read(chapter);
    assert!(srv.get("/first/").2.contains("共938个"));

    // An edit changes the served page.
    s.write(chapter, original.replace("共{{", "现共{{"));
    srv.wait_for("/first/", "the edited page", |b| b.contains("现共938个"));

    // Editor temporary files are ignored (no rebuild is needed to keep serving).
    s.write("content/.01-first.md.swp", "junk");
    s.write("content/01-first.md~", "junk");

    // A broken edit keeps the last good page and shows the located error over it.
    s.write(chapter, original.replace("title:", "title: ["));
    let body = srv.wait_for("/first/", "the error overlay", |b| b.contains("id=\"baipi-error\""));
    assert!(body.contains("现共938个"), "the last good page is still served: {body}");
    assert!(body.contains("content/01-first.md:2:"), "{body}");
    assert!(body.contains("error: field `title`"), "{body}");
    // The overlay is on every page, and non-HTML files are served untouched.
    assert!(srv.get("/").2.contains("id=\"baipi-error\""));
    let css = stylesheet(&srv.get("/").2);
    assert!(!srv.get(&css).2.contains("baipi-error"));

    // Fixing the file clears it.
    s.write(chapter, original.replace("共{{", "又共{{"));
    let body = srv.wait_for("/first/", "the fixed page", |b| b.contains("又共938个"));
    assert!(!body.contains("baipi-error"), "{body}");
    assert!(!s.file("public").exists(), "serve writes nothing");
}

#[test]
fn serve_events_announce_rebuilds() {
    let s = Site::fixture("basic");
    let srv = Server::start(s.path());
    let mut events = srv.events();
    let first = events.next_data();
    s.append("content/02-second.md", "\n追加一段。\n");
    let second = events.next_data();
    assert_ne!(first, second);
}

#[cfg(unix)]
#[test]
fn serve_stops_on_ctrl_c_and_leaves_no_files() {
    let s = Site::fixture("basic");
    // Every folder and file of the site, by name.
    let list = |d: &Path| (folders_of(d), files_of(d).into_iter().map(|(f, _)| f).collect::<Vec<_>>());
    // A process started with SIGINT ignored passes that on to serve (as shells do for background jobs);
    // Ctrl-C in a terminal always delivers it.
    let ignored = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|st| st.lines().find_map(|l| l.strip_prefix("SigIgn:").map(|m| m.trim().to_string())))
        .and_then(|m| u64::from_str_radix(&m, 16).ok())
        .is_some_and(|mask| mask & 2 != 0);
    if ignored {
        eprintln!("SIGINT is ignored in this process; skipping the Ctrl-C test");
        return;
    }
    let before = list(s.path());
    let mut srv = Server::start(s.path());
    assert_eq!(srv.get("/").0, 200);
    let pid = srv.pid().to_string();
    assert!(std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !srv.has_exited() {
        assert!(std::time::Instant::now() < deadline, "serve did not stop on SIGINT");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(list(s.path()), before, "serve left files behind");
}

#[test]
fn serve_starts_with_a_broken_site_and_recovers() {
    let s = Site::fixture("basic");
    let good = s.read("site.toml");
    s.append("site.toml", "titel = \"x\"\n");
    let srv = Server::start(s.path());
    let (status, _, body) = srv.get("/first/");
    assert_eq!(status, 500);
    assert!(body.contains("id=\"baipi-error\"") && body.contains("unknown field `titel`"), "{body}");
    assert!(body.contains("/__baipi/livereload.js"), "the error page reloads too");
    s.write("site.toml", good);
    let body = srv.wait_for("/first/", "the fixed site", |b| b.contains("共938个"));
    assert!(!body.contains("baipi-error"));
}

#[test]
fn build_output_has_no_reload_script() {
    let s = Site::fixture("basic");
    let out = s.build();
    for (path, text) in out.texts() {
        assert!(!text.contains("__baipi") && !text.contains("livereload"), "{path}");
    }
}

/// Only requests whose `Host` names the served address are answered (DNS rebinding cannot read
/// the preview); others get 421 with a short body.
#[test]
fn serve_answers_only_its_own_host_names() {
    let s = Site::fixture("basic");
    let srv = Server::start(s.path());
    let port = srv.addr.rsplit(':').next().unwrap().to_string();
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")] {
        let (status, head, _) = srv.raw(&format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"));
        assert_eq!(status, 200, "{host}: {head}");
    }
    for host in [format!("evil.example:{port}"), format!("localhost.evil.example:{port}"), "127.0.0.1:1".into()] {
        let (status, _, body) = srv.raw(&format!("GET /first/ HTTP/1.1\r\nHost: {host}\r\n\r\n"));
        assert_eq!(status, 421, "{host}");
        assert_eq!(
            body,
            format!(
                "misdirected request: this preview answers only for localhost:{port}, 127.0.0.1:{port}, [::1]:{port}\n"
            )
        );
    }
    let (status, _, body) = srv.raw("GET /__baipi/events HTTP/1.1\r\n\r\n");
    assert_eq!(status, 421, "no Host: {body}");
}

/// A client that trickles its request head a byte at a time is cut off after the head deadline
/// (5 s), so it cannot hold a connection for long.
#[test]
fn serve_cuts_off_a_trickling_client() {
    use std::io::{Read, Write};
    let s = Site::fixture("basic");
    let srv = Server::start(s.path());
    let mut conn = std::net::TcpStream::connect(&srv.addr).unwrap();
    conn.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    let mut writer = conn.try_clone().unwrap();
    let t = std::time::Instant::now();
    let trickle = std::thread::spawn(move || {
        let _ = writer.write_all(b"GET / HTTP/1.1\r\nX-Slow: ");
        while t.elapsed() < std::time::Duration::from_secs(15) && writer.write_all(b"x").is_ok() {
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
    });
    let mut buf = Vec::new();
    let _ = conn.read_to_end(&mut buf); // Ends when the server closes the connection.
    let took = t.elapsed();
    assert!(took >= std::time::Duration::from_secs(4) && took < std::time::Duration::from_secs(9), "{took:?}");
    assert!(buf.is_empty(), "{}", String::from_utf8_lossy(&buf));
    trickle.join().unwrap();
    // Everyone else is still served.
    assert_eq!(srv.get("/").0, 200);
}

/// An edit that would run for ever (nested `range()` loops) or fill the memory (a text doubled
/// in a loop) is reported over the last good site within seconds, and `serve` keeps watching:
/// the fix is picked up.
#[test]
fn serve_survives_prose_over_its_budget() {
    let s = Site::fixture("basic");
    let srv = Server::start(s.path());
    let chapter = "content/01-first.md";
    let original = s.read(chapter);
    for (edit, message) in [
        (
            "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
            "range(): the loops of this chapter would run more than 1000000 times in all (the limit for prose)",
        ),
        (
            "{% set_global s = \"ab\" %}{% for i in range(end=40) %}{% set_global s = s ~ s %}{% endfor %}{{ s }}",
            "makes `s` longer on every pass of a loop (not allowed in prose)",
        ),
    ] {
        let t = std::time::Instant::now();
        s.write(chapter, format!("{original}\n{edit}\n"));
        let body = srv.wait_for("/first/", "the budget error", |b| b.contains(message));
        assert!(t.elapsed() < std::time::Duration::from_secs(10), "{:?}", t.elapsed());
        assert!(body.contains("共938个"), "the last good page is still served");
    }
    s.write(chapter, original.replace("共{{", "又共{{"));
    let body = srv.wait_for("/first/", "the fixed page", |b| b.contains("又共938个"));
    assert!(!body.contains("baipi-error"), "{body}");
}
