//! Escaping, one function per output format: HTML/XML/SVG text and attributes, JSON strings,
//! CSV cells, and `%XX` decoding of URLs. Every string from data, front matter or chapters
//! passes through one of these wherever it lands.

/// Escapes text for HTML, SVG and XML element content and (quoted) attribute values.
/// `'` becomes `&apos;` (defined in XML and HTML5 alike). A control character other than tab
/// and line breaks (and U+FFFE, U+FFFF) cannot appear in XML at all, escaped or not: it
/// becomes U+FFFD, so every SVG and XML file stays well-formed whatever the data holds.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if not_in_xml(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A character that cannot appear in XML at all, escaped or not: a control character other
/// than tab and line breaks, U+FFFE, U+FFFF.
fn not_in_xml(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{fffe}' || c == '\u{ffff}'
}

/// Whether `text` holds a character XML forbids (see [`html`]). Nearly every text holds none,
/// so the bytes are first looked at without a branch (the compiler vectorises it) for anything
/// that could start one: a C0 control or DEL, a C1 control (`C2 80`–`C2 9F`), or `EF BF` (the
/// start of U+FFC0–U+FFFF); only then are the characters checked.
#[inline]
pub fn has_xml_forbidden(text: &str) -> bool {
    let b = text.as_bytes();
    let Some(&last) = b.last() else { return false };
    let c0 = |c: u8| ((c < 0x20) & (c != b'\t') & (c != b'\n') & (c != b'\r')) | (c == 0x7f);
    let suspect = b
        .iter()
        .zip(&b[1..])
        .fold(c0(last), |acc, (&a, &n)| acc | c0(a) | ((a == 0xc2) & (n & 0xe0 == 0x80)) | ((a == 0xef) & (n == 0xbf)));
    suspect && text.chars().any(not_in_xml)
}

/// Text for the PDF edition: a character no XML may hold, and the U+FFFD the site shows in its
/// place, become □ (缺字符号), which the theme's font has (U+FFFD it has not, and a tagged PDF
/// may not show a glyph its fonts lack).
pub fn pdf_text(text: &str) -> std::borrow::Cow<'_, str> {
    if has_xml_forbidden(text) || text.contains('\u{fffd}') {
        text.chars().map(|c| if not_in_xml(c) || c == '\u{fffd}' { '\u{25a1}' } else { c }).collect::<String>().into()
    } else {
        text.into()
    }
}

/// `text` with every character XML forbids replaced by U+FFFD (borrowed when there is none).
pub fn xml_text(text: &str) -> std::borrow::Cow<'_, str> {
    if has_xml_forbidden(text) {
        text.chars().map(|c| if not_in_xml(c) { '\u{fffd}' } else { c }).collect::<String>().into()
    } else {
        text.into()
    }
}

/// Markup (an SVG another library drew from our text) with every character XML forbids
/// replaced by U+FFFD, so the file stays well-formed; nothing else changes.
pub fn xml_chars(markup: String) -> String {
    if !has_xml_forbidden(&markup) {
        return markup;
    }
    markup.chars().map(|c| if not_in_xml(c) { '\u{fffd}' } else { c }).collect()
}

/// One CSV cell, quoted when needed (RFC 4180) and defused against formula injection: a cell
/// a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading apostrophe,
/// except plain numbers.
pub fn csv_cell(v: &str) -> String {
    let numeric = crate::number::Dec::parse(v).is_some();
    let mut v = v.to_string();
    if !numeric && v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.insert(0, '\'');
    }
    if v.contains([',', '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v }
}

/// Decodes `%XX` escapes; None for a malformed escape or bytes that are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Appends `s` as a JSON string with `<`, `>` and `&` written as `\u003c` … (see [`inert`]):
/// what `inert(serde_json::to_string(s))` gives, in one pass with no intermediate strings.
pub fn push_json_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    const SPECIAL: [bool; 256] = {
        let mut t = [false; 256];
        let mut k = 0;
        while k < 256 {
            t[k] = k < 0x20 || matches!(k as u8, b'"' | b'\\' | b'<' | b'>' | b'&');
            k += 1;
        }
        t
    };
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut from = 0;
    while let Some(p) = bytes[from..].iter().position(|&b| SPECIAL[usize::from(b)]) {
        let i = from + p;
        let b = bytes[i];
        from = i + 1;
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0C => "\\f",
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            _ => "",
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// JSON with `<`, `>` and `&` written as `\u003c` … : the same data, but inert even if a
/// file is ever pasted into a page or served with the wrong type. (They only occur inside strings.)
pub fn inert(json: String) -> String {
    // Three memchr scans: much faster than one byte-by-byte scan on large files.
    if !json.contains('<') && !json.contains('>') && !json.contains('&') {
        return json;
    }
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_xml_forbids_are_found_and_replaced() {
        for bad in ["a\u{1}", "\u{7f}", "\u{85}x", "\u{9f}", "\u{fffe}", "x\u{ffff}", "\u{0}"] {
            assert!(has_xml_forbidden(bad), "{bad:?}");
            assert!(!has_xml_forbidden(&xml_text(bad)), "{bad:?}");
        }
        for ok in ["a\tb\nc\r", "，。、＂", "\u{a0}\u{100}", "\u{fffd}", "\u{fefe}", "é"] {
            assert!(!has_xml_forbidden(ok), "{ok:?}");
        }
        assert_eq!(xml_text("标\u{1}题"), "标\u{fffd}题");
    }

    #[test]
    fn csv_cells() {
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("-5"), "-5");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(csv_cell("研究生"), "研究生");
    }

    #[test]
    fn markup() {
        assert_eq!(html("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
        assert_eq!(html("a\u{0}b\u{1b}c\td\u{85}e\u{ffff}"), "a\u{fffd}b\u{fffd}c\td\u{fffd}e\u{fffd}");
    }

    #[test]
    fn json_strings_are_inert_json() {
        for t in
            ["", "a\"b\\c", "<script>&amp;</script>", "\u{0}\u{1}\u{8}\u{c}\u{1f}\u{7f}\n\r\t", "党员\u{2028}ÆØÅ 🎉"]
        {
            let mut got = String::from("x");
            push_json_str(&mut got, t);
            assert_eq!(got[1..], inert(serde_json::to_string(t).unwrap()), "{t:?}");
            assert_eq!(serde_json::from_str::<String>(&got[1..]).unwrap(), t);
        }
    }
}
