//! A minimal HTTP/1.1 server side: reading a request head, mapping a URL
//! path onto the in-memory site, and writing responses.
//!
//! Only what a browser previewing a static site needs: GET and HEAD, one
//! request per connection (`Connection: close`). Paths are never joined onto
//! a folder: a URL is decoded, checked and looked up as a key of the built
//! site's file map, so `..`, encoded separators (`%2f`, `%5c`), backslashes
//! and absolute paths cannot reach the file system; they are answered 404.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};

use crate::util::escape::percent_decode;

/// Largest request head accepted (request line and headers).
pub const MAX_HEAD: usize = 16 * 1024;

/// The parts of a request that the server uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    /// The `Host` header's value, if there was one.
    pub host: Option<String>,
}

/// How long a client has to send a whole request head: a client that trickles it a byte at a
/// time is cut off then, so it cannot hold one of the server's connections for long.
pub const HEAD_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);

/// A connection read until a deadline: each read may wait only for the time that is left, and
/// fails with `TimedOut` once it is gone.
pub struct Deadline<'a> {
    pub stream: &'a std::net::TcpStream,
    pub until: std::time::Instant,
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.until.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "request head not received in time"));
        }
        self.stream.set_read_timeout(Some(left))?;
        (&mut &*self.stream).read(buf)
    }
}

/// Whether `host` (a `Host` header) names the server at `addr`: `localhost`, `127.0.0.1` or
/// `[::1]` (or, when it listens on another address, that address) with its port. A name other
/// than these is refused, so a page of another site whose name a DNS rebinding points at this
/// address cannot read the preview (drafts included). On `0.0.0.0` or `::`, any address
/// literal is accepted (the address other computers reach it by), but still no name.
pub fn host_allowed(host: &str, addr: std::net::SocketAddr) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((n, p)) if !p.contains(']') => (n, p.parse::<u16>().ok()),
        _ => (host, Some(80)),
    };
    if port != Some(addr.port()) {
        return false;
    }
    let name = name.to_ascii_lowercase();
    let ip: Option<std::net::IpAddr> = match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().ok().map(Into::into),
        None => name.parse::<std::net::Ipv4Addr>().ok().map(Into::into),
    };
    match ip {
        Some(ip) => ip.is_loopback() || ip == addr.ip() || addr.ip().is_unspecified(),
        None => name == "localhost",
    }
}

/// Reads a request head. `Ok(None)` for a connection closed before a request
/// line; an `InvalidData` error for a malformed or oversized head.
pub fn read_request<R: Read>(stream: R) -> io::Result<Option<Request>> {
    let mut r = BufReader::new(stream.take(MAX_HEAD as u64));
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "malformed request");
    if !line.ends_with('\n') {
        return Err(bad());
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if !version.starts_with("HTTP/1.") || parts.next().is_some() {
        return Err(bad());
    }
    let mut req = Request { method: method.to_string(), target: target.to_string(), host: None };
    // The headers up to the blank line: only `Host` is kept.
    loop {
        let mut h = String::new();
        if r.read_line(&mut h)? == 0 || !h.ends_with('\n') {
            return Err(bad());
        }
        if h.trim_end().is_empty() {
            return Ok(Some(req));
        }
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case("host")
        {
            // Two `Host` headers are a malformed request (RFC 9112 §3.2): no single server named.
            if req.host.is_some() {
                return Err(bad());
            }
            req.host = Some(v.trim().to_string());
        }
    }
}

/// What a request target maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// A file of the site (its key in the output map).
    File(String),
    /// A folder requested without its trailing slash: redirect here.
    Redirect(String),
    /// Not a file of the site (including every forbidden path).
    NotFound,
}

/// The output key a request path names, or None if the path is not allowed.
///
/// Allowed: an origin-form path (`/a/b.css`) whose decoded segments are not
/// `.`, `..` or empty, with no backslash, NUL, drive letter or encoded `/`.
pub fn key_of(target: &str) -> Option<String> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let rest = path.strip_prefix('/')?;
    let lower = rest.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") {
        return None;
    }
    let decoded = percent_decode(rest)?;
    if decoded.contains(['\\', '\0', ':']) {
        return None;
    }
    let segs: Vec<&str> = decoded.split('/').collect();
    let last = segs.len() - 1;
    for (i, s) in segs.iter().enumerate() {
        if *s == "." || *s == ".." || (s.is_empty() && i != last) {
            return None;
        }
    }
    Some(if decoded.is_empty() || decoded.ends_with('/') { format!("{decoded}index.html") } else { decoded })
}

/// Maps a request target onto the site's files.
pub fn lookup(files: &BTreeMap<String, Vec<u8>>, target: &str) -> Lookup {
    let Some(key) = key_of(target) else { return Lookup::NotFound };
    if files.contains_key(&key) {
        return Lookup::File(key);
    }
    if files.contains_key(&format!("{key}/index.html")) {
        let path = target.split(['?', '#']).next().unwrap_or("");
        return Lookup::Redirect(format!("{path}/"));
    }
    Lookup::NotFound
}

/// The Content-Type for a file name.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Writes a complete response and flushes it. `head_only` omits the body (HEAD).
pub fn respond<W: Write>(
    mut w: W,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    head_only: bool,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut buf = head.into_bytes();
    if !head_only {
        buf.extend_from_slice(body);
    }
    w.write_all(&buf)?;
    w.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        421 => "Misdirected Request",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_traversal() {
        assert_eq!(key_of("/").as_deref(), Some("index.html"));
        assert_eq!(key_of("/a/?x=1").as_deref(), Some("a/index.html"));
        assert_eq!(key_of("/css/site.css").as_deref(), Some("css/site.css"));
        assert_eq!(key_of("/%E6%95%B0/").as_deref(), Some("数/index.html"));
        for bad in [
            "/../site.toml",
            "/a/../../etc/passwd",
            "/%2e%2e/site.toml",
            "/%2E%2E%2Fsite.toml",
            "/..%2fsite.toml",
            "/..%5csite.toml",
            "/a\\..\\b",
            "//etc/passwd",
            "/C:/Windows/win.ini",
            "/a/./b",
            "/%00",
            "/%zz",
            "http://x/a",
            "*",
            "/%ff",
        ] {
            assert_eq!(key_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn lookup_redirects_folders() {
        let mut files = BTreeMap::new();
        files.insert("a/index.html".to_string(), b"x".to_vec());
        assert_eq!(lookup(&files, "/a"), Lookup::Redirect("/a/".into()));
        assert_eq!(lookup(&files, "/a/"), Lookup::File("a/index.html".into()));
        assert_eq!(lookup(&files, "/b"), Lookup::NotFound);
    }

    #[test]
    fn reads_requests() {
        let r = read_request(&b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n"[..]).unwrap().unwrap();
        assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/x"));
        assert!(read_request(&b"GET /x\r\n\r\n"[..]).is_err());
        assert!(read_request(&b"GET /x HTTP/1.1\r\nHost: a\r\n"[..]).is_err());
        assert!(read_request(&b"GET /x HTTP/1.1\r\nHost: evil.com\r\nhost: localhost:1\r\n\r\n"[..]).is_err());
        assert!(read_request(&b""[..]).unwrap().is_none());
        let r = read_request(&b"GET / HTTP/1.1\r\nhOST:  [::1]:80 \r\n\r\n"[..]).unwrap().unwrap();
        assert_eq!(r.host.as_deref(), Some("[::1]:80"));
    }

    #[test]
    fn hosts() {
        let local: std::net::SocketAddr = "127.0.0.1:1111".parse().unwrap();
        for ok in ["127.0.0.1:1111", "localhost:1111", "LOCALHOST:1111", "[::1]:1111", "127.0.0.2:1111"] {
            assert!(host_allowed(ok, local), "{ok}");
        }
        for bad in [
            "evil.com:1111",
            "127.0.0.1:80",
            "127.0.0.1",
            "localhost",
            "192.168.1.5:1111",
            "localhost.evil.com:1111",
            "",
        ] {
            assert!(!host_allowed(bad, local), "{bad}");
        }
        let lan: std::net::SocketAddr = "192.168.1.5:80".parse().unwrap();
        assert!(host_allowed("192.168.1.5", lan) && host_allowed("localhost:80", lan));
        assert!(!host_allowed("10.0.0.1", lan) && !host_allowed("evil.com", lan));
        let any: std::net::SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert!(host_allowed("10.0.0.1:1111", any) && !host_allowed("evil.com:1111", any));
    }
}
