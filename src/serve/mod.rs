//! `baipi serve`: build into memory, serve it, rebuild on change, reload pages.
//!
//! Three parts, one thread each (plus one per connection):
//! - the **builder** polls the sources ([`watch`]), waits until they have been
//!   quiet for [`QUIET`], rebuilds the whole site in memory (it takes
//!   milliseconds) and publishes it in [`Shared`];
//! - the **listener** accepts connections and hands each to a thread that
//!   answers from the published site ([`http`]); nothing is read from disk;
//! - **reload**: the theme includes `/__baipi/livereload.js` (only when
//!   `site.live_reload` is set, i.e. only here); the script listens on
//!   `/__baipi/events` (Server-Sent Events) and reloads the page when the
//!   published version changes.
//!
//! A failed rebuild keeps the last good site and publishes the error, which
//! every HTML page then shows in an overlay (the same text as the terminal,
//! escaped). The server writes no files, so stopping it with Ctrl-C leaves
//! nothing behind.

pub mod http;
pub mod watch;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use crate::diag::{Error, Result};
use crate::output::Output;
use crate::report::{self, Verbosity};
use crate::site::Options;

/// The reload script's URL (given to the theme as `site.live_reload`).
pub const SCRIPT_URL: &str = "/__baipi/livereload.js";
/// The Server-Sent Events stream the script listens to.
pub const EVENTS_URL: &str = "/__baipi/events";
/// How often the sources are polled.
pub const POLL: Duration = Duration::from_millis(10);
/// How long the sources must be unchanged before a rebuild starts (debounce).
pub const QUIET: Duration = Duration::from_millis(30);
/// Most concurrent connections served (each live page holds one for its events).
const MAX_CONNECTIONS: usize = 256;

const SCRIPT: &str = r#"// baipi serve: reload this page when the site is rebuilt.
(function () {
  if (!window.EventSource) return;
  var seen = null;
  var es = new EventSource("/__baipi/events");
  es.onmessage = function (e) {
    if (seen === null) { seen = e.data; return; }
    if (e.data !== seen) { es.close(); location.reload(); }
  };
})();
"#;

/// `serve`'s options.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub interface: String,
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
}

/// What the server publishes: the last good site and the current error.
#[derive(Debug, Default)]
pub struct State {
    /// The last site that built without error.
    pub site: Option<Arc<Output>>,
    /// The error of the latest build, as printed in the terminal; None when it succeeded.
    pub error: Option<String>,
    /// Changes whenever `site` or `error` does; pages reload when it changes.
    pub version: u64,
}

/// State shared between the builder and the connection threads.
#[derive(Debug, Default)]
pub struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    /// The PDF edition typeset on request, with the rebuild it was made after.
    pdf: Mutex<Option<(u64, PdfMade)>>,
    /// Counts the rebuilds: a PDF made before the latest one is stale.
    rebuilds: AtomicU64,
    /// Held while a PDF is typeset (one at a time; rebuilds never wait for it).
    typesetting: Mutex<()>,
    /// What the site is built from (the PDF edition is typeset from it on request).
    source: Option<(std::path::PathBuf, Options)>,
}

/// A PDF edition typeset on request: the PDF, or the error as printed.
type PdfMade = std::result::Result<Arc<Vec<u8>>, String>;

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking connection thread must not take the server down with it.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Publishes a build result and wakes every waiting page. The PDF edition typeset before
    /// is stale from now on (it is typeset again when next requested): a change may touch only
    /// the PDF, such as its template. Never waits for a PDF being typeset.
    pub fn publish(&self, result: std::result::Result<Output, String>) {
        self.rebuilds.fetch_add(1, Ordering::SeqCst);
        let mut st = self.lock();
        match result {
            Ok(out) => {
                if st.error.is_none() && st.site.as_deref() == Some(&out) {
                    return; // Nothing visible changed (e.g. a file saved without edits).
                }
                st.site = Some(Arc::new(out));
                st.error = None;
            }
            Err(e) => {
                if st.error.as_deref() == Some(e.as_str()) {
                    return;
                }
                st.error = Some(e);
            }
        }
        st.version += 1;
        drop(st);
        self.changed.notify_all();
    }
}

/// Runs the server until the process is stopped.
pub fn run(root: &Path, opts: &ServeOptions, v: Verbosity) -> Result<i32> {
    let ip: IpAddr = match opts.interface.as_str() {
        "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
        s => s.parse().map_err(|_| {
            Error::Io(format!("--interface must be an IP address such as 127.0.0.1 or ::1, found {s:?}"))
        })?,
    };
    if !root.join(crate::config::FILE).is_file() {
        crate::config::load(root)?; // No site here: say so before listening.
    }
    let listener = TcpListener::bind(SocketAddr::new(ip, opts.port))
        .map_err(|e| Error::Io(format!("cannot listen on {}: {e}", SocketAddr::new(ip, opts.port))))?;
    let addr = listener.local_addr().map_err(|e| Error::Io(e.to_string()))?;
    if !ip.is_loopback() {
        eprintln!(
            "warning: serving on {ip}: other computers on the network can read this site (and its drafts)\n  = help: leave out --interface to serve on 127.0.0.1 only"
        );
    }

    let build_opts = Options { drafts: opts.drafts, base_url: Some("/".into()), live_reload: Some(SCRIPT_URL.into()) };
    let shared = Arc::new(Shared { source: Some((root.to_path_buf(), build_opts.clone())), ..Shared::default() });
    // Pages loaded from an earlier run of the server reload on reconnect.
    shared.lock().version = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(1);
    let root_buf = root.to_path_buf();
    let t = Instant::now();
    let snapshot = watch::scan(root);
    let first = rebuild(&root_buf, &build_opts, v);
    let ok = first.is_ok();
    shared.publish(first);

    let url = format!("http://{addr}/");
    println!("Serving at {url} (Ctrl-C to stop)");
    if v != Verbosity::Quiet {
        let what = if ok { "built" } else { "build failed" };
        println!("{what} in {} ms; watching {} for changes", t.elapsed().as_millis(), watch::WATCHED.join(", "));
    }
    let _ = std::io::stdout().flush();
    if opts.open {
        open_browser(&url);
    }

    let builder_shared = Arc::clone(&shared);
    std::thread::Builder::new()
        .name("baipi-watch".into())
        .spawn(move || watch_loop(&root_buf, &build_opts, snapshot, &builder_shared, v))
        .map_err(|e| Error::Io(format!("cannot start the watcher: {e}")))?;

    let active = Arc::new(AtomicUsize::new(0));
    for conn in listener.incoming() {
        let Ok(stream) = conn else { continue };
        if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let _ = http::respond(&stream, 503, &[("Content-Type", "text/plain")], b"busy\n", false);
            continue;
        }
        active.fetch_add(1, Ordering::SeqCst);
        let (shared, counter) = (Arc::clone(&shared), Arc::clone(&active));
        let spawned = std::thread::Builder::new().name("baipi-conn".into()).spawn(move || {
            handle(stream, &shared);
            counter.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            active.fetch_sub(1, Ordering::SeqCst);
        }
    }
    Ok(0)
}

/// Builds the site in memory; on failure returns the error text as printed in the terminal.
fn rebuild(root: &Path, opts: &Options, v: Verbosity) -> std::result::Result<Output, String> {
    match crate::pipeline::render_site(root, opts) {
        Ok(built) => {
            report::print_warnings(&built.warnings);
            if v == Verbosity::Verbose {
                report::print_timings(&built.timings);
            }
            Ok(built.out)
        }
        Err(e) => {
            let mut text = e.to_string();
            if let Error::Input(ds) = &e {
                text.push_str(&format!("\n\n{}; still serving the last good build.", report::count_errors(ds)));
            }
            eprintln!("{text}");
            Err(text)
        }
    }
}

/// Polls the sources; after a change and [`QUIET`] without further change, rebuilds and publishes.
fn watch_loop(root: &Path, opts: &Options, mut snapshot: watch::Snapshot, shared: &Shared, v: Verbosity) {
    loop {
        std::thread::sleep(POLL);
        let now = watch::scan(root);
        let mut changed = snapshot.changes(&now, root);
        if changed.is_empty() {
            continue;
        }
        snapshot = now;
        let mut last = Instant::now();
        while last.elapsed() < QUIET {
            std::thread::sleep(POLL.min(QUIET.saturating_sub(last.elapsed())));
            let now = watch::scan(root);
            let more = snapshot.changes(&now, root);
            if !more.is_empty() {
                changed.extend(more);
                snapshot = now;
                last = Instant::now();
            }
        }
        changed.sort();
        changed.dedup();
        let t = Instant::now();
        let result = rebuild(root, opts, v);
        if v != Verbosity::Quiet {
            let what = if result.is_ok() { "rebuilt" } else { "build failed" };
            println!("{} changed: {what} in {} ms", changed.join(", "), t.elapsed().as_millis());
            let _ = std::io::stdout().flush();
        }
        shared.publish(result);
    }
}

/// Answers one connection.
fn handle(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let until = Instant::now() + http::HEAD_DEADLINE;
    let req = match http::read_request(http::Deadline { stream: &stream, until }) {
        Ok(Some(r)) => r,
        Ok(None) => return,
        Err(e) if e.kind() == std::io::ErrorKind::TimedOut || e.kind() == std::io::ErrorKind::WouldBlock => return,
        Err(_) => {
            let _ = http::respond(&stream, 400, &[("Content-Type", "text/plain")], b"bad request\n", false);
            return;
        }
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    if let Ok(addr) = stream.local_addr()
        && !req.host.as_deref().is_some_and(|h| http::host_allowed(h, addr))
    {
        let p = addr.port();
        let own = if addr.ip().is_loopback() { String::new() } else { format!(", {addr}") };
        let body = format!(
            "misdirected request: this preview answers only for localhost:{p}, 127.0.0.1:{p}, [::1]:{p}{own}\n"
        );
        let _ = http::respond(&stream, 421, &[("Content-Type", "text/plain")], body.as_bytes(), false);
        return;
    }
    let head_only = req.method == "HEAD";
    if req.method != "GET" && !head_only {
        let _ = http::respond(
            &stream,
            405,
            &[("Allow", "GET, HEAD"), ("Content-Type", "text/plain")],
            b"method not allowed\n",
            false,
        );
        return;
    }
    let path = req.target.split(['?', '#']).next().unwrap_or("");
    if path == EVENTS_URL {
        events(stream, shared);
        return;
    }
    if path == SCRIPT_URL {
        let _ =
            http::respond(&stream, 200, &[("Content-Type", http::content_type(".js"))], SCRIPT.as_bytes(), head_only);
        return;
    }
    let (site, error) = {
        let st = shared.lock();
        (st.site.clone(), st.error.clone())
    };
    let Some(site) = site else {
        // No build has succeeded yet: every page is the error.
        let body = error_page(error.as_deref().unwrap_or("the site has not been built yet"));
        let _ =
            http::respond(&stream, 500, &[("Content-Type", http::content_type(".html"))], body.as_bytes(), head_only);
        return;
    };
    if let Some(file) = &site.pdf_later
        && http::key_of(&req.target).as_deref() == Some(file.as_str())
    {
        let (status, ctype, body) = match pdf_on_request(shared, file) {
            Ok(pdf) => (200, http::content_type(file), pdf.to_vec()),
            Err(e) => (500, "text/plain; charset=utf-8", e.into_bytes()),
        };
        let _ = http::respond(&stream, status, &[("Content-Type", ctype)], &body, head_only);
        return;
    }
    let (status, key) = match http::lookup(&site.files, &req.target) {
        http::Lookup::File(k) => (200, Some(k)),
        http::Lookup::Redirect(to) => {
            let _ = http::respond(&stream, 301, &[("Location", &to), ("Content-Type", "text/plain")], b"", head_only);
            return;
        }
        http::Lookup::NotFound => (404, site.files.contains_key("404.html").then(|| "404.html".to_string())),
    };
    let Some(key) = key else {
        let _ = http::respond(&stream, 404, &[("Content-Type", "text/plain")], b"not found\n", head_only);
        return;
    };
    let bytes = site.files.get(&key).map(Vec::as_slice).unwrap_or_default();
    let ctype = http::content_type(&key);
    let body = match (&error, ctype.starts_with("text/html")) {
        (Some(e), true) => with_overlay(bytes, e),
        _ => bytes.to_vec(),
    };
    let _ = http::respond(&stream, status, &[("Content-Type", ctype)], &body, head_only);
}

/// The PDF edition (`file`), typeset from the sources when first asked for after a rebuild
/// (off the rebuild path: saving a chapter reloads the pages as fast as without the PDF
/// edition) and kept until the next rebuild.
/// Typesetting holds no lock a rebuild needs: pages reload while a PDF is being made.
fn pdf_on_request(shared: &Shared, file: &str) -> std::result::Result<Arc<Vec<u8>>, String> {
    let cached = |shared: &Shared| {
        let made = shared.pdf.lock().unwrap_or_else(|p| p.into_inner());
        let now = shared.rebuilds.load(Ordering::SeqCst);
        made.as_ref().filter(|(at, _)| *at == now).map(|(_, pdf)| pdf.clone())
    };
    if let Some(pdf) = cached(shared) {
        return pdf;
    }
    let _one = shared.typesetting.lock().unwrap_or_else(|p| p.into_inner());
    // Another request may have typeset it meanwhile.
    if let Some(pdf) = cached(shared) {
        return pdf;
    }
    let Some((root, opts)) = &shared.source else { return Err("no site to typeset\n".into()) };
    let at = shared.rebuilds.load(Ordering::SeqCst);
    // As `build` makes it: without the reload script, the PDF typeset with the pages.
    let opts = Options { live_reload: None, ..opts.clone() };
    let pdf = match crate::pipeline::render_site(root, &opts) {
        Ok(mut built) => built.out.files.remove(file).map(Arc::new).ok_or_else(|| format!("{file} was not made\n")),
        Err(e) => Err(format!("{e}\n")),
    };
    *shared.pdf.lock().unwrap_or_else(|p| p.into_inner()) = Some((at, pdf.clone()));
    pdf
}

/// Streams the published version to a page, once now and again on every change.
fn events(mut stream: TcpStream, shared: &Shared) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
    let mut seen = shared.lock().version;
    if stream
        .write_all(head.as_bytes())
        .and_then(|_| write!(stream, "data: {seen}\n\n"))
        .and_then(|_| stream.flush())
        .is_err()
    {
        return;
    }
    loop {
        let st = shared.lock();
        let (st, _) = shared
            .changed
            .wait_timeout_while(st, Duration::from_secs(15), |s| s.version == seen)
            .unwrap_or_else(|p| p.into_inner());
        let version = st.version;
        drop(st);
        // A comment line keeps the connection alive and notices closed pages.
        let msg = if version != seen { format!("data: {version}\n\n") } else { ": keep-alive\n\n".to_string() };
        seen = version;
        if stream.write_all(msg.as_bytes()).and_then(|_| stream.flush()).is_err() {
            return;
        }
    }
}

/// The overlay shown over every page while the latest build is broken.
pub fn overlay(error: &str) -> String {
    format!(
        r#"<div id="baipi-error" role="alert" style="position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;padding:2rem;font:15px/1.6 system-ui,sans-serif"><h2 style="margin:0 0 1rem;color:#ff8a80">构建失败 · Build failed</h2><pre style="white-space:pre;overflow:auto;font:14px/1.5 ui-monospace,'Noto Sans Mono CJK SC',monospace;background:#000;padding:1rem;border-radius:4px">{}</pre><p>修改并保存文件后，页面会自动刷新。下面仍是上一次成功构建的网站。<br>Fix the file and save: this page reloads by itself. Below is the last good build.</p></div>"#,
        crate::util::escape::html(error)
    )
}

/// Inserts the overlay into an HTML page, before `</body>` when there is one.
pub fn with_overlay(page: &[u8], error: &str) -> Vec<u8> {
    let ov = overlay(error);
    let text = String::from_utf8_lossy(page);
    match text.rfind("</body>") {
        Some(i) => format!("{}{ov}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{ov}").into_bytes(),
    }
}

fn error_page(error: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>构建失败 · baipi</title><script src=\"{SCRIPT_URL}\" defer></script></head><body>{}</body></html>\n",
        overlay(error)
    )
}

fn open_browser(url: &str) {
    let cmd: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        &["cmd", "/C", "start", ""]
    } else {
        &["xdg-open"]
    };
    let spawned = std::process::Command::new(cmd[0])
        .args(&cmd[1..])
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!("warning: could not open a browser ({}: {e}); open {url} yourself", cmd[0]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_is_escaped_and_placed_before_body_end() {
        let page = with_overlay(b"<html><body><p>x</p></body></html>", "a.md:1:1: error: <script>&");
        let page = String::from_utf8(page).unwrap();
        assert!(page.contains("error: &lt;script&gt;&amp;</pre>"), "{page}");
        assert!(page.ends_with("</div></body></html>"), "{page}");
    }

    #[test]
    fn publish_bumps_version_only_on_change() {
        let s = Shared::default();
        s.publish(Ok(Output::default()));
        let v = s.lock().version;
        s.publish(Ok(Output::default()));
        assert_eq!(s.lock().version, v);
        s.publish(Err("boom".into()));
        assert_eq!(s.lock().version, v + 1);
        assert!(s.lock().site.is_some(), "the last good site is kept");
        s.publish(Err("boom".into()));
        assert_eq!(s.lock().version, v + 1, "the same error again changes nothing");
        s.publish(Ok(Output::default()));
        let st = s.lock();
        assert_eq!((st.version, st.error.is_none()), (v + 2, true));
    }
}
