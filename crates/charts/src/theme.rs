//! The app's light palette (`ui/src/styles.css`, read by
//! `ui/src/components/EChart/theme.ts`) and its axis style, so a chart in a
//! file looks like the one on screen. Files are read on paper and in
//! tickets, so they use the light theme only.

use plotters::style::RGBColor;

/// Text.
pub const FG: RGBColor = RGBColor(0x0f, 0x17, 0x2a);
/// Axis labels, legends (`--muted`).
pub const MUTED: RGBColor = RGBColor(0x5b, 0x6b, 0x80);
/// Axis lines and split lines (`--border`).
pub const GRID: RGBColor = RGBColor(0xdd, 0xe3, 0xea);
/// The SLI's line (`--accent`).
pub const ACCENT: RGBColor = RGBColor(0x0d, 0x94, 0x88);
/// The onset band and thresholds (`--danger`).
pub const DANGER: RGBColor = RGBColor(0xc0, 0x26, 0x2d);
/// Kubernetes events (`--warn`).
pub const WARN: RGBColor = RGBColor(0xb4, 0x53, 0x09);
/// Deploy markers (`--deploy`).
pub const DEPLOY: RGBColor = RGBColor(0x7c, 0x3a, 0xed);
/// The background (`--panel`).
pub const PANEL: RGBColor = RGBColor(0xff, 0xff, 0xff);
/// Series colours, in order (`--series-1..3`, then two more in the same
/// weight for a burn with more slices).
pub const SERIES: [RGBColor; 5] = [
    RGBColor(0x0d, 0x94, 0x88),
    RGBColor(0x25, 0x63, 0xeb),
    RGBColor(0xd9, 0x77, 0x06),
    RGBColor(0xdb, 0x27, 0x77),
    RGBColor(0x65, 0xa3, 0x0d),
];
/// The "everything else" series: grey, so it never reads as a cause.
pub const OTHER: RGBColor = RGBColor(0x94, 0xa3, 0xb8);

/// The SVG `fill`/`stroke` text plotters writes for a colour, for tests
/// and callers that look for an element by colour.
pub fn svg_colour(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Font family of every label, as the app's CSS lists it.
pub const FONT: &str = "system-ui, sans-serif";
/// Axis label size (ECharts' 10 px; plotters divides by 1.24).
pub const LABEL_SIZE: f64 = 12.4;
/// Title size.
pub const TITLE_SIZE: f64 = 16.0;
/// Width and height of every chart, px.
pub const SIZE: (u32, u32) = (760, 300);
