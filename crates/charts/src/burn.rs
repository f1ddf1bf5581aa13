//! The burn decomposition over time: bad events per bucket, stacked by the
//! slices the attribution engine found carrying the burn (best cause at
//! the bottom, anything outside them grey on top), with the same onset
//! band and change markers as the SLI chart.

use plotters::prelude::*;

use crate::frame::{TimeAxis, axes, band, legend, markers};
use crate::theme::{OTHER, SERIES, SIZE};
use crate::{Band, ChartError, Marker, draw_err};

const CHART: &str = "burn";

/// One stacked layer.
#[derive(Debug, Clone, PartialEq)]
pub struct BurnSeries {
    /// The legend's name: the cause, e.g. `payment latency in us-east-1`.
    pub name: String,
    /// Bad events per bucket, one per bucket from the chart's start.
    pub counts: Vec<u64>,
    /// Bad events outside every cause's slice (drawn grey).
    pub other: bool,
}

/// What the burn chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct BurnChart {
    /// The title.
    pub title: String,
    /// Start of the first bucket, Unix ms.
    pub from_ms: i64,
    /// The bucket width.
    pub bucket_ms: i64,
    /// Layers, bottom first; every one has the same number of buckets.
    pub series: Vec<BurnSeries>,
    /// The onset's 95% interval.
    pub onset: Option<Band>,
    /// Changes and pages.
    pub markers: Vec<Marker>,
}

/// The chart as SVG text.
pub fn burn_svg(c: &BurnChart) -> Result<String, ChartError> {
    let n = c.series.first().map_or(0, |s| s.counts.len());
    if n == 0 || c.bucket_ms <= 0 {
        return Err(ChartError::NoData {
            chart: CHART,
            why: "no buckets".into(),
        });
    }
    if let Some(s) = c.series.iter().find(|s| s.counts.len() != n) {
        return Err(ChartError::NoData {
            chart: CHART,
            why: format!("{} has {} buckets, not {n}", s.name, s.counts.len()),
        });
    }
    let err = draw_err(CHART);
    let to_ms = c.from_ms + c.bucket_ms * n as i64;
    let mut stack = vec![0u64; n];
    let top = (0..n)
        .map(|i| c.series.iter().map(|s| s.counts[i]).sum::<u64>())
        .max()
        .unwrap_or(0);
    let hi = ((top as f64) * 1.15).max(1.0).ceil();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let t = TimeAxis::new(c.from_ms, to_ms);
        let count = |v: &f64| format!("{v:.0}");
        let mut chart = axes(&root, CHART, &c.title, t, (0.0, hi), &count)?;
        let mut colours = SERIES.iter().cycle();
        for s in &c.series {
            let colour = if s.other {
                OTHER
            } else {
                *colours.next().unwrap_or(&SERIES[0])
            };
            // The layer's outline: its top edge left to right, then the
            // layer below's top edge back, each bucket a flat step.
            let mut upper = Vec::with_capacity(2 * n);
            let mut lower = Vec::with_capacity(2 * n);
            for (i, below) in stack.iter_mut().enumerate() {
                let (a, b) = (
                    t.at(c.from_ms + c.bucket_ms * i as i64),
                    t.at(c.from_ms + c.bucket_ms * (i as i64 + 1)),
                );
                let above = *below + s.counts[i];
                lower.push((a, *below as f64));
                lower.push((b, *below as f64));
                upper.push((a, above as f64));
                upper.push((b, above as f64));
                *below = above;
            }
            upper.extend(lower.into_iter().rev());
            chart
                .draw_series(std::iter::once(Polygon::new(
                    upper,
                    colour.mix(0.85).filled(),
                )))
                .map_err(|e| err(&e))?
                .label(s.name.clone())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.mix(0.85).filled())
                });
        }
        // Over the layers, translucent, as on the SLI chart.
        if let Some(b) = &c.onset {
            band(&mut chart, CHART, t, b, (0.0, hi))?;
        }
        markers(&mut chart, CHART, t, &c.markers, (0.0, hi))?;
        legend(&mut chart, CHART, SeriesLabelPosition::UpperLeft)?;
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}
