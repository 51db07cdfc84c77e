//! A tera error's own location (template name, line, column).

/// Parses the first report in a tera error's text (`error: msg` … ` --> name:line:col`).
/// Returns (message, template name, line, 1-based column).
pub fn tera_report(text: &str) -> Option<(String, String, usize, usize)> {
    let at = text.find(" --> ")?;
    let loc = text[at + 5..].lines().next().unwrap_or("");
    let mut it = loc.rsplitn(3, ':');
    let (c, l, name) = (it.next()?, it.next()?, it.next()?);
    let (l, c) = (l.trim().parse::<usize>().ok()?, c.trim().parse::<usize>().ok()?);
    let msg = text[..at].lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    let msg = msg.trim().trim_start_matches("error: ").trim_end_matches('.').to_string();
    Some((msg, name.to_string(), l, c))
}
