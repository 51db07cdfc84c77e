//! Text made from a chapter for pages and the search index: descriptions (excerpts), the
//! ids in its HTML, and white space collapsed.

/// A page description: the summary, or the first ~120 characters of text.
pub fn describe(summary: &str, text: &str) -> String {
    if !summary.is_empty() {
        return summary.to_string();
    }
    // The words of `text` joined by single spaces, cut at 120 characters. (Chinese text has few
    // spaces: splitting it into words first would scan a whole paragraph for the first one.)
    let mut s = String::with_capacity(3 * 120 + 3);
    let mut n = 0;
    let mut gap = false;
    for c in text.chars() {
        if is_space(c) {
            gap = !s.is_empty();
            continue;
        }
        if gap {
            if n == 120 {
                s.push('…');
                return s;
            }
            s.push(' ');
            n += 1;
            gap = false;
        }
        if n == 120 {
            s.push('…');
            return s;
        }
        s.push(c);
        n += 1;
    }
    s
}

/// `char::is_whitespace`, answered without the Unicode tables for CJK text (no character
/// above U+3000 is white space).
fn is_space(c: char) -> bool {
    match c as u32 {
        0..=0x7F => matches!(c, ' ' | '\t'..='\r'),
        0x3001.. => false,
        _ => c.is_whitespace(),
    }
}

/// The values of the `id="…"` attributes in `html`.
pub fn html_ids(html: &str) -> Vec<String> {
    html.match_indices("id=\"")
        .filter_map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .collect()
}

/// Runs of whitespace as one space, without leading or trailing space.
pub fn collapse_whitespace(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // White space is ASCII or starts with one of four lead bytes: the scan stops only at those
    // bytes, and copies the text between white space whole. `run` is where the current text began.
    let mut run = 0;
    let mut i = 0;
    const STOP: [bool; 256] = {
        let mut t = [false; 256];
        let mut k = 0;
        while k < 256 {
            t[k] = matches!(k as u8, b' ' | b'\t'..=b'\r' | 0xC2 | 0xE1..=0xE3);
            k += 1;
        }
        t
    };
    while let Some(p) = b[i..].iter().position(|&x| STOP[usize::from(x)]) {
        let j = i + p;
        let len = match b[j] {
            0x80.. => text[j..].chars().next().filter(|c| c.is_whitespace()).map_or(0, char::len_utf8),
            _ => 1,
        };
        if len == 0 {
            i = j + 1;
            continue;
        }
        if j > run {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&text[run..j]);
        }
        run = j + len;
        i = run;
    }
    if b.len() > run {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&text[run..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast whitespace handling agrees with `split_whitespace`, the definition.
    #[test]
    fn describe_and_collapse_match_split_whitespace() {
        let long = "统计".repeat(80);
        let texts = [
            "",
            "   ",
            "  一、概述\n\n从结构上看，  增长 2.7%。\t\r\n ",
            "a\u{3000}b\u{a0}c\u{2028}d\u{85}e\u{feff}f",
            long.as_str(),
            &format!("{} {}", "字".repeat(119), "尾"),
            &format!("{} {}", "字".repeat(120), "尾"),
            &format!("{}  ", "字".repeat(120)),
        ];
        for t in texts {
            let words: Vec<&str> = t.split_whitespace().collect();
            let joined = words.join(" ");
            assert_eq!(collapse_whitespace(t), joined, "{t:?}");
            let want: String = if joined.chars().count() > 120 {
                joined.chars().take(120).chain(['…']).collect()
            } else {
                joined.clone()
            };
            assert_eq!(describe("", t), want, "{t:?}");
            // An excerpt is used as the description as it is.
            assert_eq!(describe("", &want), want, "{t:?}");
        }
        assert_eq!(describe("摘要", "正文"), "摘要");
    }

    #[test]
    fn finds_ids_in_html() {
        let html = "<h2 id=\"一-概况\">概况</h2><figure id=\"fig-c1\"><span data-id=\"x\">";
        assert_eq!(html_ids(html), ["一-概况", "fig-c1", "x"]);
    }
}
