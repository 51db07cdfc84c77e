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

impl Default for Style {
    fn default() -> Self {
        serde_json::from_value(json!({})).unwrap_or_else(|_| unreachable!("all fields have defaults"))
    }
}
