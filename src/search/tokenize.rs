//! Text → tokens, the same way here and in the browser.
//!
//! Owns the tokenizer: a run of CJK characters gives its characters and its overlapping pairs,
//! a run of other letters and digits one lowercase word (full-width forms folded to ASCII). It
//! takes section and query text and produces either strings ([`query_tokens`], and
//! `index_tokens` in tests) or, on the indexing path, numeric keys ([`for_each_token`]): a key
//! is hashed and compared as one integer, where a string would be allocated for every token of
//! every chapter. `themes/default/static/js/search.js` cuts queries the same way; keep the two
//! in step.

#[inline]
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Lowercase; full-width ASCII forms to ASCII (ＷｅｂＶｉｓｉｏｎ → webvision).
pub fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Tokens of indexed text: CJK unigrams and bigrams, and words. The reference the keyed
/// tokenizer ([`for_each_token`]) is tested against.
#[cfg(test)]
pub fn index_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_runs(&normalize(text), |run, cjk| {
        if cjk {
            let cs: Vec<char> = run.chars().collect();
            for (i, c) in cs.iter().enumerate() {
                out.push(c.to_string());
                if let Some(n) = cs.get(i + 1) {
                    out.push(format!("{c}{n}"));
                }
            }
        } else {
            out.push(run.to_string());
        }
    });
    out
}

/// Tokens of a query: bigrams of each CJK run (its character if it is one long), and words.
pub fn query_tokens(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_runs(&normalize(q), |run, cjk| {
        if cjk {
            let cs: Vec<char> = run.chars().collect();
            if cs.len() == 1 {
                out.push(run.to_string());
            }
            for w in cs.windows(2) {
                out.push(w.iter().collect());
            }
        } else {
            out.push(run.to_string());
        }
    });
    out.sort();
    out.dedup();
    out
}

fn for_runs(s: &str, mut f: impl FnMut(&str, bool)) {
    let mut start: Option<(usize, bool)> = None;
    for (i, c) in s.char_indices() {
        let kind = if is_cjk(c) {
            Some(true)
        } else if c.is_alphanumeric() {
            Some(false)
        } else {
            None
        };
        match (start, kind) {
            (Some((_, k)), Some(k2)) if k == k2 => {}
            (Some((b, k)), _) => {
                f(&s[b..i], k);
                start = kind.map(|k| (i, k));
            }
            (None, Some(k)) => start = Some((i, k)),
            (None, None) => {}
        }
    }
    if let Some((b, k)) = start {
        f(&s[b..], k);
    }
}

/// A token as a number: a CJK character (`c << 21`), a CJK pair (`c1 << 21 | c2`), or a word of up
/// to 8 ASCII bytes (tag bit 63, the bytes packed 7 bits each, the length in bits 56..60). Longer
/// or non-ASCII words are kept as strings. Keys only group postings; the output is ordered by the
/// token's text, so it does not depend on this encoding.
pub(super) const WORD: u64 = 1 << 63;

/// Marks a token of a chapter's title (`^` before it in the shard files): the browser ranks the
/// chapters whose title has the query first without loading every title.
pub(super) const TITLE: u64 = 1 << 62;

#[inline]
fn word_key(w: &[u8]) -> Option<u64> {
    if w.len() > 8 || !w.is_ascii() {
        return None;
    }
    let mut k = WORD | (w.len() as u64) << 56;
    for (i, b) in w.iter().enumerate() {
        k |= (*b as u64) << (7 * i);
    }
    Some(k)
}

/// A token's text without allocating: up to 8 bytes inline (every keyed token), else borrowed.
#[derive(Clone, Copy)]
pub(super) enum Tok<'a> {
    Inline([u8; 8], u8),
    Rare(&'a str),
}

impl<'a> Tok<'a> {
    #[inline]
    pub(super) fn of_key(k: u64) -> Tok<'a> {
        let k = k & !TITLE;
        let mut buf = [0u8; 8];
        let mut n = 0;
        if k & WORD != 0 {
            n = ((k >> 56) & 0xF) as usize;
            for (i, b) in buf.iter_mut().enumerate().take(n) {
                *b = ((k >> (7 * i)) & 0x7F) as u8;
            }
        } else {
            for c in
                [(k >> 21) as u32, (k & 0x1F_FFFF) as u32].into_iter().filter(|&c| c != 0).filter_map(char::from_u32)
            {
                n += c.encode_utf8(&mut buf[n..]).len();
            }
        }
        Tok::Inline(buf, n as u8)
    }

    #[inline]
    pub(super) fn bytes(&self) -> &[u8] {
        match self {
            Tok::Inline(b, n) => &b[..*n as usize],
            Tok::Rare(s) => s.as_bytes(),
        }
    }
}

/// Calls `key` with every index token of `parts` (joined by spaces) as a key, or `rare` with it as
/// a string when it has no key: the same tokens as `index_tokens`, without building strings.
// Inlined into its caller in `postings`, with the caller's closures: called instead, once per
// token and the closures once per token each, indexing takes about 25% more instructions
// (callgrind, 1,000 chapters).
#[inline]
pub(super) fn for_each_token(parts: &[&str], mut key: impl FnMut(u64), mut rare: impl FnMut(&str)) {
    struct State {
        word: String,
        ascii_only: bool,
        prev_cjk: u64,
    }
    #[inline(always)]
    fn flush(st: &mut State, key: &mut impl FnMut(u64), rare: &mut impl FnMut(&str)) {
        if !st.word.is_empty() {
            match word_key(st.word.as_bytes()) {
                Some(k) if st.ascii_only => key(k),
                _ => rare(&st.word),
            }
            st.word.clear();
            st.ascii_only = true;
        }
    }
    // One character of normalized text (full-width forms mapped, lowercased).
    #[inline(always)]
    fn step(c: char, st: &mut State, key: &mut impl FnMut(u64), rare: &mut impl FnMut(&str)) {
        if c.is_ascii() {
            st.prev_cjk = 0;
            if c.is_ascii_alphanumeric() {
                st.word.push(c.to_ascii_lowercase());
            } else {
                flush(st, key, rare);
            }
        } else if is_cjk(c) {
            flush(st, key, rare);
            let k = (c as u64) << 21;
            key(k);
            if st.prev_cjk != 0 {
                key((st.prev_cjk << 21) | c as u64);
            }
            st.prev_cjk = c as u64;
        } else {
            st.prev_cjk = 0;
            if c.is_alphanumeric() {
                st.ascii_only = false;
                st.word.push(c);
            } else {
                flush(st, key, rare);
            }
        }
    }
    let mut st = State { word: String::new(), ascii_only: true, prev_cjk: 0 };
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            step(' ', &mut st, &mut key, &mut rare);
        }
        for c in part.chars() {
            match c as u32 {
                0..=0x7F => step(c, &mut st, &mut key, &mut rare),
                0xFF01..=0xFF5E => step(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c), &mut st, &mut key, &mut rare),
                _ if is_cjk(c) => step(c, &mut st, &mut key, &mut rare),
                // Common CJK punctuation and spaces (“”、。《》…): separators, without the
                // Unicode tables. (U+3005–3007 and U+3021–303C include letters and numerals.)
                0x2000..=0x206F | 0x3000..=0x3004 | 0x3008..=0x3020 => step(' ', &mut st, &mut key, &mut rare),
                _ => {
                    for l in c.to_lowercase() {
                        step(l, &mut st, &mut key, &mut rare);
                    }
                }
            }
        }
    }
    flush(&mut st, &mut key, &mut rare);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_chinese_and_words() {
        assert_eq!(query_tokens("猎德"), ["猎德"]);
        assert_eq!(query_tokens("三会一课"), ["一课", "三会", "会一"]);
        assert_eq!(query_tokens("ＷｅｂＶｉｓｉｏｎ 竞赛"), ["webvision", "竞赛"]);
        assert_eq!(query_tokens("党"), ["党"]);
        assert_eq!(index_tokens("猎德街39个"), ["猎", "猎德", "德", "德街", "街", "39", "个"]);
    }

    #[test]
    fn every_query_token_is_indexed() {
        let text = "2020年，天河区组建了两新组织党员突击队；三会一课制度；WebVision竞赛";
        let idx = index_tokens(text);
        for q in ["党员突击队", "三会一课", "WebVision", "突击"] {
            for t in query_tokens(q) {
                assert!(idx.contains(&t), "{q}: {t} not indexed");
            }
        }
    }

    /// The keyed tokenizer finds exactly the tokens of the reference one, including words that
    /// are long, non-ASCII, full-width or change length when lowercased.
    #[test]
    fn keyed_tokens_match_the_reference() {
        let text = "天河区ＷｅｂＶｉｓｉｏｎ竞赛 2021年6月 İstanbul ÆØÅ straße ΣΟΦΙΑ abcdefgh abcdefghi x1 党 \
                    “两新”组织、《白皮书》。〇々〆 １２３Ａ R&D COVID-19 𠀀𠀁字 😀表 é—中\u{3000}文 Ⅻ年 ﹏丨";
        let mut got = Vec::new();
        let mut words = Vec::new();
        for_each_token(
            &[text],
            |k| got.push(String::from_utf8(Tok::of_key(k).bytes().to_vec()).unwrap()),
            |w| words.push(w.to_string()),
        );
        assert!(words.iter().any(|w| w == "abcdefghi") && words.iter().any(|w| w == "straße"));
        got.extend(words);
        got.sort();
        got.dedup();
        let mut want = index_tokens(text);
        want.sort();
        want.dedup();
        assert_eq!(got, want);
    }
}
