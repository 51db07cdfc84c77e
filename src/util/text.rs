//! Text helpers: char boundaries, "did you mean" distance, short lists for messages.

/// The largest char boundary of `s` at or below byte `i`.
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The first `bytes` bytes of `s` (at most; cut at a character) with its control characters
/// escaped, and `…` if anything was cut: a long name shown in a message.
pub fn head(s: &str, bytes: usize) -> String {
    let cut = &s[..floor_char_boundary(s, bytes)];
    let more = if cut.len() < s.len() { "…" } else { "" };
    format!("{}{more}", escape_controls(cut))
}

/// `s` with its control characters written as escapes (`\n`, `\u{1}`), so that a file name
/// holding one cannot break a message's line; other characters (`\\` included) stay as they are.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(char::is_control) {
        return s.into();
    }
    s.chars()
        .map(|c| if c.is_control() { c.escape_debug().to_string() } else { c.to_string() })
        .collect::<String>()
        .into()
}

/// How a character is named in a message: `` `?` ``, or its escape (`'\n'`, `' '`) when it
/// cannot be seen; the replacement character stands for a name that is not UTF-8.
pub fn describe_char(c: char) -> String {
    match c {
        '\u{fffd}' => "a byte that is not UTF-8".into(),
        c if c.is_control() || c.is_whitespace() => format!("{c:?}"),
        c => format!("`{c}`"),
    }
}

/// Up to `n` items, back-quoted and comma-separated, with “…” if there are more.
pub fn list(items: &[&str], n: usize) -> String {
    let mut s: Vec<String> = items.iter().take(n).map(|i| format!("`{i}`")).collect();
    if items.len() > n {
        s.push("…".into());
    }
    s.join(", ")
}

/// Longest name compared: the distance table is |word| × |candidate|, so absurdly long names
/// (an 8 MiB anchor) get no suggestion rather than gigabytes of table.
const LONGEST: usize = 200;

/// The nearest candidate by edit distance, if reasonably close.
pub fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    if word.len() > LONGEST {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    for c in candidates.filter(|c| c.len() <= LONGEST) {
        let d = edit_distance(word, c);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.filter(|(d, c)| *d <= (word.chars().count().max(c.chars().count()) / 2).max(1)).map(|(_, c)| c)
}

/// `candidates` ordered by edit distance to `word`, closest first (ties in their given order).
pub fn closest_first<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<(usize, usize, &str)> = candidates
        .enumerate()
        .map(|(i, c)| {
            (if word.len() > LONGEST || c.len() > LONGEST { usize::MAX } else { edit_distance(word, c) }, i, c)
        })
        .collect();
    v.sort_unstable();
    v.into_iter().map(|(_, _, c)| c).collect()
}

/// Edit distance counting a swap of two neighbouring characters as one edit (`nmu` → `num`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j - 1] + cost).min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_names() {
        assert_eq!(nearest("membres", ["members", "orgs"].into_iter()), Some("members"));
        assert_eq!(nearest("zzz", ["members", "orgs"].into_iter()), None);
        assert_eq!(nearest("nmu", ["num", "pct"].into_iter()), Some("num"));
        assert_eq!(
            closest_first("02-b.md", ["05-sources.md", "01-a.md", "02-bb.md"].into_iter()),
            ["02-bb.md", "01-a.md", "05-sources.md"]
        );
    }

    #[test]
    fn boundaries_and_lists() {
        assert_eq!(floor_char_boundary("一二", 4), 3);
        assert_eq!(floor_char_boundary("ab", 9), 2);
        assert_eq!(list(&["a", "b", "c"], 2), "`a`, `b`, …");
    }
}
