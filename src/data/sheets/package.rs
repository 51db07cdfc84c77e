//! What the workbook reader needs besides the cells, read straight from the package's XML:
//! the merged areas of each sheet and whether it has formulas without a saved value (`.xlsx`),
//! the merged areas
//! of each table (`.ods`, whose reader does not report them).
//!
//! The XML is not parsed: its tags are scanned in a stream (`<` to `>`, text skipped) for the
//! few names that matter, which costs a fraction of a parse of the sheet. Anything unexpected
//! (a part missing, a tag longer than [`MAX_TAG`]) gives `None`, and the caller asks the
//! reader instead.

use calamine::Dimensions;
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// What the scan found in one worksheet.
#[derive(Debug, Default, Clone)]
pub struct SheetParts {
    pub merged: Vec<Dimensions>,
    /// Whether the sheet may have a formula without a saved value (`.xlsx`: one was seen, or
    /// the scan could not tell; `.ods`: the sheet has formulas).
    pub formulas: bool,
    /// ODS: the 0-based (row, column) of the cells holding a percentage (`0.8305` shown as
    /// `83.05%`), which the reader gives as plain numbers.
    pub percent: std::collections::HashSet<(u32, u32)>,
}

/// A workbook's sheets by name.
pub type Parts = HashMap<String, SheetParts>;

/// A tag longer than this ends the scan (no sheet writes one).
const MAX_TAG: usize = 1 << 20;

type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// Scans the package `bytes` of an `.xlsx`/`.xlsm` or `.ods` workbook.
pub fn scan(bytes: &[u8]) -> Option<Parts> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    if zip.index_for_name("content.xml").is_some() && zip.index_for_name("xl/workbook.xml").is_none() {
        return ods(&mut zip);
    }
    xlsx(&mut zip)
}

/// XLSX: `xl/workbook.xml` names the sheets and their relationship ids, the relationships
/// give each sheet's part, and each part is scanned for `<mergeCell ref="…">` and `<f>`.
fn xlsx(zip: &mut Zip) -> Option<Parts> {
    let mut sheets: Vec<(String, String)> = Vec::new();
    tags(zip, "xl/workbook.xml", |name, attrs| {
        if local(name) == b"sheet" {
            let a: Vec<_> = attributes(attrs).collect();
            let name = a.iter().find(|(k, _)| *k == b"name").map(|(_, v)| unescape(v));
            let id = a.iter().find(|(k, _)| local(k) == b"id" && k.contains(&b':')).map(|(_, v)| unescape(v));
            if let (Some(n), Some(i)) = (name, id) {
                sheets.push((n, i));
            }
        }
    })?;
    let mut targets: HashMap<String, String> = HashMap::new();
    tags(zip, "xl/_rels/workbook.xml.rels", |name, attrs| {
        if local(name) == b"Relationship" {
            let a: Vec<_> = attributes(attrs).collect();
            let id = a.iter().find(|(k, _)| *k == b"Id").map(|(_, v)| unescape(v));
            let target = a.iter().find(|(k, _)| *k == b"Target").map(|(_, v)| unescape(v));
            if let (Some(i), Some(t)) = (id, target) {
                let path = t.strip_prefix('/').map_or_else(|| format!("xl/{t}"), str::to_string);
                targets.insert(i, path);
            }
        }
    })?;
    let mut out = Parts::new();
    for (name, id) in sheets {
        let Some(path) = targets.get(&id) else { continue };
        if let Some(parts) = worksheet(zip, path) {
            out.insert(name, parts);
        }
    }
    Some(out)
}

/// A worksheet part: searched (not tokenized) for `mergeCell` and formula tags, with or
/// without a namespace prefix.
fn worksheet(zip: &mut Zip, path: &str) -> Option<SheetParts> {
    let merge = memchr::memmem::Finder::new(b"mergeCell");
    let (formula, prefixed) = (memchr::memmem::Finder::new(b"<f"), memchr::memmem::Finder::new(b":f"));
    let mut parts = SheetParts::default();
    chunks(zip, path, |buf| {
        let tag_like =
            |i: usize, len: usize| matches!(buf.get(i + len), Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'));
        if !parts.formulas {
            let plain = formula.find_iter(buf).filter(|&i| tag_like(i, 2));
            let prefixed = prefixed.find_iter(buf).filter(|&i| tag_like(i, 2)).filter_map(|i| {
                let lt = buf[..i].iter().rposition(|b| matches!(b, b'<' | b'>' | b' '))?;
                (buf[lt] == b'<').then_some(lt)
            });
            parts.formulas = plain.chain(prefixed).any(|lt| without_value(buf, lt));
        }
        for i in merge.find_iter(buf).filter(|&i| tag_like(i, 9) && i > 0 && matches!(buf[i - 1], b'<' | b':')) {
            let end = memchr::memchr(b'>', &buf[i..]).map_or(buf.len(), |e| i + e);
            let area = attributes(&buf[i + 9..end]).find(|(k, _)| *k == b"ref").and_then(|(_, v)| area(v));
            parts.merged.extend(area);
        }
    })?;
    Some(parts)
}

/// Whether the formula whose `<f>` tag starts at `lt` has no saved value: the next tag after
/// the formula ends its cell (`</c>`) or is an empty `<v>`. `true` when that cannot be told
/// within `buf` (the reader then looks at the formulas itself).
fn without_value(buf: &[u8], lt: usize) -> bool {
    let next_tag = |from: usize| -> Option<(usize, usize)> {
        let lt = from + memchr::memchr(b'<', buf.get(from..)?)?;
        Some((lt, tag_end(buf, lt)?))
    };
    let verdict = || -> Option<bool> {
        let gt = tag_end(buf, lt)?;
        // The formula's text has no `<`: the tag after an `<f>` with text is its `</f>`.
        let after = if buf[gt - 1] == b'/' { gt + 1 } else { next_tag(gt + 1)?.1 + 1 };
        let (v, v_end) = next_tag(after)?;
        let tag = &buf[v + 1..v_end];
        let name = &tag[..tag.iter().position(|b| b.is_ascii_whitespace() || *b == b'/').unwrap_or(tag.len())];
        if tag.first() == Some(&b'/') || local(name) != b"v" {
            return Some(true);
        }
        if tag.ends_with(b"/") {
            return Some(true);
        }
        Some(next_tag(v_end + 1)?.0 == v_end + 1)
    };
    verdict().unwrap_or(true)
}

/// ODS: `content.xml` holds every table; a cell spanning several columns or rows
/// (`table:number-columns-spanned`, `table:number-rows-spanned`) is a merged area. Rows and
/// cells repeated (`number-rows-repeated`, `number-columns-repeated`) count as many times.
fn ods(zip: &mut Zip) -> Option<Parts> {
    let mut out = Parts::new();
    let mut current: Option<(String, SheetParts)> = None;
    let (mut row, mut col, mut rows_repeated) = (0u32, 0u32, 1u32);
    let number = |attrs: &[u8], key: &[u8]| {
        let v = attributes(attrs).find(|(k, _)| *k == key).map(|(_, v)| v);
        v.and_then(|v| std::str::from_utf8(v).ok()?.parse::<u32>().ok()).unwrap_or(1).max(1)
    };
    tags(zip, "content.xml", |tag, attrs| {
        let closed = attrs.ends_with(b"/");
        match tag {
            b"table:table" if !closed => {
                let name = attributes(attrs).find(|(k, _)| *k == b"table:name").map(|(_, v)| unescape(v));
                current = Some((name.unwrap_or_default(), SheetParts::default()));
                row = 0;
            }
            b"/table:table" => {
                if let Some((name, parts)) = current.take() {
                    out.insert(name, parts);
                }
            }
            b"table:table-row" => {
                col = 0;
                rows_repeated = number(attrs, b"table:number-rows-repeated");
                if closed {
                    row = row.saturating_add(rows_repeated);
                }
            }
            b"/table:table-row" => row = row.saturating_add(rows_repeated),
            b"table:table-cell" | b"table:covered-table-cell" => {
                let (across, down) =
                    (number(attrs, b"table:number-columns-spanned"), number(attrs, b"table:number-rows-spanned"));
                if let Some((_, parts)) = current.as_mut() {
                    if across > 1 || down > 1 {
                        let end = (row.saturating_add(down - 1), col.saturating_add(across - 1));
                        parts.merged.push(Dimensions { start: (row, col), end });
                    }
                    parts.formulas |= attributes(attrs).any(|(k, _)| k == b"table:formula");
                    let repeated = number(attrs, b"table:number-columns-repeated");
                    if attributes(attrs).any(|(k, v)| k == b"office:value-type" && v == b"percentage") {
                        for c in col..col.saturating_add(repeated.min(1 << 14)) {
                            parts.percent.insert((row, c));
                        }
                    }
                }
                col = col.saturating_add(number(attrs, b"table:number-columns-repeated"));
            }
            _ => {}
        }
    })?;
    Some(out)
}

/// Calls `f(name, attributes)` for every tag of the part `path` (`name` is `/x` for an end
/// tag; the attributes end with `/` for an empty element). `None` if the part is missing or
/// unreadable.
fn tags(zip: &mut Zip, path: &str, mut f: impl FnMut(&[u8], &[u8])) -> Option<()> {
    chunks(zip, path, |buf| {
        let mut at = 0;
        while let Some(lt) = memchr::memchr(b'<', &buf[at..]).map(|i| at + i) {
            let gt = tag_end(buf, lt).unwrap_or(buf.len());
            let tag = &buf[lt + 1..gt];
            if !matches!(tag.first(), Some(b'?' | b'!')) {
                let end = tag.iter().position(|b| b.is_ascii_whitespace() || *b == b'/' && tag[0] != b'/');
                let (name, attrs) = tag.split_at(end.unwrap_or(tag.len()));
                f(name, attrs);
            }
            at = gt;
        }
    })
}

/// Calls `f` with the part `path` in pieces that end before a tag (each piece holds whole
/// tags); `None` if the part is missing or unreadable, or has a tag longer than [`MAX_TAG`].
fn chunks(zip: &mut Zip, path: &str, mut f: impl FnMut(&[u8])) -> Option<()> {
    let mut part = zip.by_name(path).ok()?;
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let n = part.read(&mut chunk).ok()?;
        buf.extend_from_slice(&chunk[..n]);
        // The last tag may be cut off: it waits for the next piece, unless it is closed.
        let last = memchr::memrchr(b'<', &buf).filter(|&lt| n > 0 && tag_end(&buf, lt).is_none());
        let cut = last.unwrap_or(buf.len());
        f(&buf[..cut]);
        buf.drain(..cut);
        if n == 0 {
            return Some(());
        }
        if buf.len() > MAX_TAG {
            return None;
        }
    }
}

/// The `>` ending the tag that starts at `lt` (one inside a quoted value does not).
fn tag_end(buf: &[u8], lt: usize) -> Option<usize> {
    let mut i = lt;
    loop {
        i += memchr::memchr3(b'>', b'"', b'\'', &buf[i..])?;
        match buf[i] {
            b'>' => return Some(i),
            q => i += 1 + memchr::memchr(q, &buf[i + 1..])? + 1,
        }
    }
}

/// The name after its namespace prefix: `x:mergeCell` → `mergeCell`.
fn local(name: &[u8]) -> &[u8] {
    name.iter().rposition(|b| *b == b':').map_or(name, |i| &name[i + 1..])
}

/// The `key="value"` pairs of a tag (values still escaped).
fn attributes(mut s: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    std::iter::from_fn(move || {
        let eq = memchr::memchr(b'=', s)?;
        let key = s[..eq].trim_ascii();
        let rest = s[eq + 1..].trim_ascii_start();
        let quote = *rest.first().filter(|q| matches!(q, b'"' | b'\''))?;
        let close = memchr::memchr(quote, &rest[1..])?;
        let value = &rest[1..1 + close];
        s = &rest[close + 2..];
        Some((key, value))
    })
}

/// An attribute's text with XML's escapes resolved.
fn unescape(v: &[u8]) -> String {
    let s = String::from_utf8_lossy(v);
    if !s.contains('&') {
        return s.into_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = &*s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find(';').map(|j| i + j) else { break };
        let entity = &rest[i + 1..j];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .map_or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()), |h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&rest[i..=j]),
        }
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
    out
}

/// `B3:D4` (or one cell, `B3`) as 0-based (row, column) corners.
fn area(v: &[u8]) -> Option<Dimensions> {
    let s = std::str::from_utf8(v).ok()?;
    let (a, b) = s.split_once(':').unwrap_or((s, s));
    Some(Dimensions { start: cell(a)?, end: cell(b)? })
}

fn cell(s: &str) -> Option<(u32, u32)> {
    let s = s.trim().trim_start_matches('$');
    let split = s.find(|c: char| !c.is_ascii_alphabetic())?;
    let (letters, digits) = s.split_at(split);
    let col = letters
        .bytes()
        .try_fold(0u32, |n, b| n.checked_mul(26)?.checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1))?;
    let row: u32 = digits.trim_start_matches('$').parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_attributes_and_escapes() {
        assert_eq!(area(b"C4:D4").map(|d| (d.start, d.end)), Some(((3, 2), (3, 3))));
        assert_eq!(area(b"$AA$10").map(|d| (d.start, d.end)), Some(((9, 26), (9, 26))));
        assert_eq!(area(b"A0"), None);
        let a: Vec<(String, String)> = attributes(br#" name="a&amp;b" r:id='rId2' /"#)
            .map(|(k, v)| (String::from_utf8_lossy(k).into_owned(), unescape(v)))
            .collect();
        assert_eq!(a, [("name".into(), "a&b".into()), ("r:id".into(), "rId2".into())]);
        assert_eq!(unescape(b"&#20010;&#x4EBA;&bogus;"), "个人&bogus;");
        assert_eq!(local(b"x:mergeCell"), b"mergeCell");
        let lacks = |xml: &str| without_value(xml.as_bytes(), xml.find("<f").or(xml.find("<x:f")).unwrap());
        assert!(!lacks(r#"<c r="C5"><f>SUM(C2:C4)</f><v>10</v></c>"#));
        assert!(!lacks(r#"<x:c r="C5"><x:f t="shared" si="0"/><x:v>10</x:v></x:c>"#));
        assert!(lacks(r#"<c r="C5"><f>SUM(C2:C4)</f></c>"#));
        assert!(lacks(r#"<c r="C5"><f>SUM(C2:C4)</f><v></v></c>"#));
        assert!(lacks(r#"<c r="C5"><f t="shared" si="0"/><v/></c>"#));
        assert!(lacks(r#"<c r="C5"><f>SUM(C2:C4)</f>"#), "cut off: cannot tell");
    }
}
