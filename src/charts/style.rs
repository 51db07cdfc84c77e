//! Colours, fonts and width of the charts: the theme's `theme.toml` `[charts]` table, with
//! defaults for every field.
//!
//! charts-rs measures text with the fonts registered through `add_fonts` (see
//! [`super::register_font`]); the theme ships an openly licensed CJK font (a subset of Noto
//! Sans CJK SC) so Chinese labels are measured correctly on any machine, while the SVG
//! names the reader's own font stack.

use serde::Deserialize;
use serde_json::json;

/// Colours and fonts, from the theme's `theme.toml` `[charts]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Style {
    /// Font file under the theme folder, registered for text measurement.
    pub font: Option<String>,
    /// Family name of that font, as charts-rs measures it.
    #[serde(default = "default_family")]
    pub font_family: String,
    /// The CSS font stack written into the SVG (what readers see).
    #[serde(default = "default_stack")]
    pub font_stack: String,
    #[serde(default = "default_palette")]
    pub palette: Vec<String>,
    #[serde(default = "default_highlight")]
    pub highlight: String,
    #[serde(default = "default_muted")]
    pub muted: String,
    #[serde(default = "default_text")]
    pub text: String,
    #[serde(default = "default_axis")]
    pub axis: String,
    #[serde(default = "default_grid")]
    pub grid: String,
    #[serde(default = "default_background")]
    pub background: String,
    #[serde(default = "default_width")]
    pub width: u32,
    #[serde(default = "default_font_size")]
    pub font_size: u32,
}

fn default_family() -> String {
    "Noto Sans CJK SC".into()
}
fn default_stack() -> String {
    "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Hiragino Sans GB','Microsoft YaHei',sans-serif".into()
}
fn default_palette() -> Vec<String> {
    ["#9f1c20", "#3d6a84", "#b5651d", "#5b7a45", "#6b4f8c", "#7a5c2e"].map(String::from).to_vec()
}
fn default_highlight() -> String {
    "#9f1c20".into()
}
fn default_muted() -> String {
    "#8c7b73".into()
}
fn default_text() -> String {
    "#333333".into()
}
fn default_axis() -> String {
    "#767676".into()
}
fn default_grid() -> String {
    "#e6dfd4".into()
}
fn default_background() -> String {
    "#ffffff".into()
}
fn default_width() -> u32 {
    480
}
fn default_font_size() -> u32 {
    15
}

/// Narrowest and widest chart, in SVG units (the default theme draws 340).
pub const WIDTH_RANGE: std::ops::RangeInclusive<u32> = 200..=2000;
/// Smallest and largest chart text, in SVG units.
pub const FONT_SIZE_RANGE: std::ops::RangeInclusive<u32> = 6..=72;

impl Style {
    /// What is wrong with the style, as (key, message): sizes out of range, colours that are
    /// not `#rgb` or `#rrggbb` (anything else would reach the SVG as it is written).
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let (w, f) = (&WIDTH_RANGE, &FONT_SIZE_RANGE);
        if !w.contains(&self.width) {
            out.push(("width", format!("`width` must be between {} and {}, found {}", w.start(), w.end(), self.width)));
        }
        if !f.contains(&self.font_size) {
            let msg = format!("`font_size` must be between {} and {}, found {}", f.start(), f.end(), self.font_size);
            out.push(("font_size", msg));
        }
        let colours = [
            ("highlight", &self.highlight),
            ("muted", &self.muted),
            ("text", &self.text),
            ("axis", &self.axis),
            ("grid", &self.grid),
            ("background", &self.background),
        ];
        let palette = self.palette.iter().map(|c| ("palette", c));
        for (key, c) in colours.into_iter().chain(palette) {
            if !is_hex_colour(c) {
                out.push((key, format!("`{key}`: {c:?} is not a colour; write it as `#rgb` or `#rrggbb`")));
            }
        }
        if self.font_stack.contains(['<', '>', '"', '&']) || self.font_family.contains(['<', '>', '"', '&']) {
            out.push(("font_stack", "a font name may not contain `<`, `>`, `\"` or `&`".into()));
        }
        out
    }
}

fn is_hex_colour(c: &str) -> bool {
    c.strip_prefix('#').is_some_and(|h| (h.len() == 3 || h.len() == 6) && h.chars().all(|c| c.is_ascii_hexdigit()))
}

impl Default for Style {
    fn default() -> Self {
        serde_json::from_value(json!({})).unwrap_or_else(|_| unreachable!("all fields have defaults"))
    }
}
