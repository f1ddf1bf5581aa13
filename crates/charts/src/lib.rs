//! Sightline's charts as SVG files, drawn without a browser.
//!
//! The app draws its charts with ECharts in a web view; a postmortem draft or
//! a report attached to a ticket needs the same pictures as files. This crate
//! takes the numbers in (already bucketed by `sightline-api`) and returns SVG
//! text drawn by `plotters`, in the app's light palette and axis style
//! ([`theme`]). It does no I/O and reads no clock: the same data gives the
//! same bytes, which the snapshot tests rely on.
//!
//! Two charts: the SLI over time with the onset band and change markers
//! ([`sli`]), and the burn decomposition as stacked areas of bad events by
//! the slices carrying it ([`burn`]).

pub mod burn;
mod frame;
pub mod sli;
pub mod theme;

pub use burn::{BurnChart, BurnSeries, burn_svg};
pub use frame::marker_colour;
pub use sli::{SliChart, sli_svg};

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The data cannot make a chart (an empty or inverted time range).
    #[error("chart {chart}: {why}")]
    NoData {
        /// Which chart.
        chart: &'static str,
        /// Why.
        why: String,
    },
    /// plotters refused to draw.
    #[error("chart {chart}: drawing failed: {why}")]
    Draw {
        /// Which chart.
        chart: &'static str,
        /// plotters' message.
        why: String,
    },
}

impl ChartError {
    /// The stable code callers match on.
    pub fn code(&self) -> &'static str {
        match self {
            ChartError::NoData { .. } => "chart.no_data",
            ChartError::Draw { .. } => "chart.draw_failed",
        }
    }
}

/// A shaded interval of the time axis: the onset's 95% interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Start, Unix ms.
    pub from_ms: i64,
    /// End, Unix ms (a zero-width interval is drawn one pixel wide).
    pub to_ms: i64,
    /// What it is, drawn over the band.
    pub label: String,
}

/// What a vertical marker stands for; each has its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerKind {
    /// A deploy (the app's deploy colour).
    Deploy,
    /// A Kubernetes event.
    Kubernetes,
    /// A page alert firing.
    Alert,
}

/// A vertical line at a moment, labelled.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// When, Unix ms.
    pub at_ms: i64,
    /// What.
    pub kind: MarkerKind,
    /// The label (a release id, a Kubernetes reason and object).
    pub label: String,
}

/// `HH:MM` UTC of a Unix-ms time, as the time axes label it.
pub fn hh_mm(ms: i64) -> String {
    let s = ms.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}", s / 3600, s / 60 % 60)
}

/// `HH:MM:SS` UTC, for spans shorter than a few minutes.
pub fn hh_mm_ss(ms: i64) -> String {
    let s = ms.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// The time-axis label for a range: seconds shown when it is short.
pub(crate) fn time_label(range_ms: i64) -> fn(i64) -> String {
    if range_ms <= 20 * 60_000 {
        hh_mm_ss
    } else {
        hh_mm
    }
}

pub(crate) fn draw_err(chart: &'static str) -> impl Fn(&dyn std::fmt::Display) -> ChartError {
    move |e| ChartError::Draw {
        chart,
        why: e.to_string(),
    }
}
