//! Small helpers every stage shares, with no knowledge of sites: escaping for each output
//! format, string distance for "did you mean" hints, text and path helpers.
//!
//! This is the bottom layer: it imports nothing from the crate but [`crate::number`].

pub mod escape;
pub mod path;
pub mod text;
