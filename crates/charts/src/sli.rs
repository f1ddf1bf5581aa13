//! The SLI over time: the good ratio per bucket as the app draws it (accent
//! line, light area), the target as a thin danger line, the onset's 95%
//! interval shaded, and every deploy, Kubernetes event and page as a
//! labelled vertical line.

use plotters::prelude::*;

use crate::frame::{TimeAxis, axes, band, legend, markers};
use crate::theme::{ACCENT, DANGER, SIZE};
use crate::{Band, ChartError, Marker, draw_err};

const CHART: &str = "sli";

/// What the SLI chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct SliChart {
    /// The title, e.g. `orders-latency: good runs per 20 s`.
    pub title: String,
    /// The legend's name for the line, e.g. `good ratio`.
    pub series: String,
    /// The time axis, Unix ms.
    pub from_ms: i64,
    /// See `from_ms`.
    pub to_ms: i64,
    /// The bucket width the points were counted in.
    pub bucket_ms: i64,
    /// `(bucket start, good ratio 0..=1)` for buckets with runs, in time
    /// order; a bucket with no runs is a gap in the line.
    pub points: Vec<(i64, f64)>,
    /// The SLO's objective, drawn as a line.
    pub target: Option<f64>,
    /// The onset's 95% interval.
    pub onset: Option<Band>,
    /// Changes and pages.
    pub markers: Vec<Marker>,
}

/// The value axis: from a little under the lowest point (or the target) up
/// to 100%, in steps the labels read well at.
fn value_range(c: &SliChart) -> (f64, f64) {
    let low = c
        .points
        .iter()
        .map(|p| p.1)
        .chain(c.target)
        .fold(1.0_f64, f64::min);
    let lo = ((low - 0.05) * 20.0).floor() / 20.0;
    (lo.clamp(0.0, 0.95), 1.0)
}

/// Consecutive points with no empty bucket between them.
fn segments(points: &[(i64, f64)], bucket_ms: i64) -> Vec<&[(i64, f64)]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=points.len() {
        if i == points.len() || points[i].0 - points[i - 1].0 > bucket_ms * 3 / 2 {
            out.push(&points[start..i]);
            start = i;
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The chart as SVG text.
pub fn sli_svg(c: &SliChart) -> Result<String, ChartError> {
    if c.to_ms <= c.from_ms || c.bucket_ms <= 0 {
        return Err(ChartError::NoData {
            chart: CHART,
            why: format!("an empty time range ({}..{})", c.from_ms, c.to_ms),
        });
    }
    let err = draw_err(CHART);
    let (lo, hi) = value_range(c);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let t = TimeAxis::new(c.from_ms, c.to_ms);
        let pct = |v: &f64| format!("{:.0}%", v * 100.0);
        let mut chart = axes(&root, CHART, &c.title, t, (lo, hi), &pct)?;
        if let Some(target) = c.target {
            let line = PathElement::new(
                vec![(t.at(c.from_ms), target), (t.at(c.to_ms), target)],
                DANGER.mix(0.6).stroke_width(1),
            );
            chart
                .draw_series(std::iter::once(line))
                .map_err(|e| err(&e))?
                .label(format!("target {}", pct(&target)))
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 12, y)], DANGER));
        }
        // Each bucket's ratio at its middle, as ECharts places a point.
        let mid = c.bucket_ms / 2;
        for (i, seg) in segments(&c.points, c.bucket_ms).into_iter().enumerate() {
            let pts: Vec<(f64, f64)> = seg.iter().map(|(at, v)| (t.at(at + mid), *v)).collect();
            chart
                .draw_series(AreaSeries::new(pts.clone(), lo, ACCENT.mix(0.12)))
                .map_err(|e| err(&e))?;
            let line = chart
                .draw_series(LineSeries::new(pts, ACCENT.stroke_width(2)))
                .map_err(|e| err(&e))?;
            if i == 0 {
                line.label(c.series.clone())
                    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 12, y)], ACCENT));
            }
        }
        // Over the line's area, so the band shows through it.
        if let Some(b) = &c.onset {
            band(&mut chart, CHART, t, b, (lo, hi))?;
        }
        markers(&mut chart, CHART, t, &c.markers, (lo, hi))?;
        legend(&mut chart, CHART, SeriesLabelPosition::LowerLeft)?;
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_of_empty_buckets_splits_the_line() {
        let pts = [(0, 1.0), (20, 1.0), (80, 0.5), (100, 0.5)];
        let segs = segments(&pts, 20);
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[1], &[(80, 0.5), (100, 0.5)]);
        assert!(segments(&[], 20).is_empty());
    }
}
