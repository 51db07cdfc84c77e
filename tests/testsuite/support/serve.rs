//! A running `baipi serve` for the serve and latency tests, and plain HTTP/1.1 requests to it.

use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A running `baipi --root ROOT serve --port 0` (a free port on 127.0.0.1), killed when dropped.
pub struct Server {
    child: Child,
    /// `host:port` it listens on, as printed on its first line.
    pub addr: String,
}

impl Server {
    /// Starts serve on the site in `root` and waits until it prints its address. Panics if it
    /// cannot be started or its first line has no `http://` address.
    pub fn start(root: &Path) -> Server {
        let mut child = super::baipi()
            .root(root)
            .args(["serve", "--port", "0"])
            .0
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("runs baipi serve");
        let stdout = child.stdout.take().unwrap();
        let mut lines = std::io::BufReader::new(stdout).lines();
        let first = lines.next().expect("serve prints its address").unwrap();
        let addr = first
            .split("http://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the server process has ended (without waiting for it).
    pub fn has_exited(&mut self) -> bool {
        self.child.try_wait().unwrap().is_some()
    }

    /// Sends `raw` (a whole request) on a new connection and returns (status, headers, body);
    /// status 0 if the answer has no status line. Panics if the connection fails or the answer
    /// takes over 20 s.
    pub fn raw(&self, raw: &str) -> (u16, String, String) {
        let (status, head, body) = self.raw_bytes(raw);
        (status, head, String::from_utf8_lossy(&body).into_owned())
    }

    /// As [`Server::raw`], with the body as it came (a PDF).
    pub fn raw_bytes(&self, raw: &str) -> (u16, String, Vec<u8>) {
        let mut s = std::net::TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.write_all(raw.as_bytes()).unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).unwrap();
        let end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(buf.len());
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        let body = buf.get(end + 4..).unwrap_or_default().to_vec();
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        (status, head, body)
    }

    /// `GET path` as in [`Server::raw`].
    pub fn get(&self, path: &str) -> (u16, String, String) {
        self.raw(&format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr))
    }

    /// Polls `path` until `pred` holds for its body and returns the body. Panics with `what`
    /// and the last body after 30 s.
    pub fn wait_for(&self, path: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (_, _, body) = self.get(path);
            if pred(&body) {
                return body;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}; last body:\n{body}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Subscribes to `/__baipi/events`, the reload events the page's script listens to.
    pub fn events(&self) -> Events {
        let mut conn = std::net::TcpStream::connect(&self.addr).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(conn, "GET /__baipi/events HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr).unwrap();
        Events(std::io::BufReader::new(conn))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The event stream of a [`Server`] (server-sent events).
pub struct Events(std::io::BufReader<std::net::TcpStream>);

impl Events {
    /// Waits for the next event and returns its `data:` value. Panics if the stream closes or
    /// no event comes within 30 s.
    pub fn next_data(&mut self) -> String {
        loop {
            let mut line = String::new();
            assert!(self.0.read_line(&mut line).unwrap() > 0, "event stream closed");
            if let Some(v) = line.strip_prefix("data: ") {
                return v.trim_end().to_string();
            }
        }
    }
}

/// The fingerprinted stylesheet path a page links to (`/css/site.1a2b3c4d.css`), or `?`.
pub fn stylesheet(html: &str) -> String {
    html.split("href=\"")
        .find(|s| s.starts_with("/css/site."))
        .and_then(|s| s.split('"').next())
        .unwrap_or("?")
        .to_string()
}
