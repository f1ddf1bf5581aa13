//! What both charts share: the canvas, the axes in the app's style, the
//! onset band, and the change markers as thin vertical lines in the app's colours.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::FontTransform;

use crate::theme::{DANGER, DEPLOY, FG, FONT, GRID, LABEL_SIZE, MUTED, PANEL, TITLE_SIZE, WARN};
use crate::{Band, ChartError, Marker, MarkerKind, draw_err, time_label};

/// A time × value chart on an SVG string.
pub(crate) type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The time axis in minutes from the hour before its start. plotters' i64
/// axis overflows on Unix milliseconds, and minutes from a whole hour put
/// its round tick values on round clock times.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimeAxis {
    origin_ms: i64,
    from_ms: i64,
    to_ms: i64,
}

impl TimeAxis {
    pub(crate) fn new(from_ms: i64, to_ms: i64) -> TimeAxis {
        TimeAxis {
            origin_ms: from_ms.div_euclid(3_600_000) * 3_600_000,
            from_ms,
            to_ms,
        }
    }

    /// Where `ms` falls on the axis.
    pub(crate) fn at(&self, ms: i64) -> f64 {
        (ms - self.origin_ms) as f64 / 60_000.0
    }

    /// Whether `ms` is on the axis.
    pub(crate) fn shows(&self, ms: i64) -> bool {
        ms >= self.from_ms && ms <= self.to_ms
    }
}

/// Longest marker label drawn; longer ones end in `…`.
const MAX_LABEL: usize = 44;

/// The colour of a marker kind.
pub fn marker_colour(k: MarkerKind) -> RGBColor {
    match k {
        MarkerKind::Deploy => DEPLOY,
        MarkerKind::Kubernetes => WARN,
        MarkerKind::Alert => DANGER,
    }
}

fn short(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(MAX_LABEL - 1).collect();
        s.push('…');
        s
    }
}

/// The chart area with a title, a time axis over `[from, to]` and a value
/// axis over `[lo, hi]`, labelled like the app's (muted 10 px labels, no
/// vertical split lines, light horizontal ones).
pub(crate) fn axes<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    chart: &'static str,
    title: &str,
    t: TimeAxis,
    (lo, hi): (f64, f64),
    y_label: &dyn Fn(&f64) -> String,
) -> Result<Chart<'a, 'b>, ChartError> {
    let err = draw_err(chart);
    root.fill(&PANEL).map_err(|e| err(&e))?;
    let mut c = ChartBuilder::on(root)
        .margin_top(8)
        .margin_left(8)
        .margin_right(16)
        .margin_bottom(4)
        .caption(title, (FONT, TITLE_SIZE).into_font().color(&FG))
        .x_label_area_size(28)
        .y_label_area_size(48)
        .build_cartesian_2d(t.at(t.from_ms)..t.at(t.to_ms), lo..hi)
        .map_err(|e| err(&e))?;
    let fmt = time_label(t.to_ms - t.from_ms);
    let x_label = |v: &f64| fmt(t.origin_ms + (v * 60_000.0).round() as i64);
    c.configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .bold_line_style(GRID)
        .axis_style(GRID)
        .label_style((FONT, LABEL_SIZE).into_font().color(&MUTED))
        .x_labels(7)
        .y_labels(6)
        .x_label_formatter(&x_label)
        .y_label_formatter(y_label)
        .draw()
        .map_err(|e| err(&e))?;
    Ok(c)
}

/// The onset's 95% interval, shaded in the danger colour as the app's
/// mark area, with its label at the top.
pub(crate) fn band(
    c: &mut Chart<'_, '_>,
    chart: &'static str,
    t: TimeAxis,
    b: &Band,
    (lo, hi): (f64, f64),
) -> Result<(), ChartError> {
    let err = draw_err(chart);
    // A point estimate still shows, as a band two pixels wide.
    let px = (t.at(t.to_ms) - t.at(t.from_ms)) / 300.0;
    let (from, to) = (t.at(b.from_ms.max(t.from_ms)), t.at(b.to_ms.min(t.to_ms)));
    c.draw_series(std::iter::once(Rectangle::new(
        [(from, lo), (to.max(from + px), hi)],
        DANGER.mix(0.14).filled(),
    )))
    .map_err(|e| err(&e))?
    .label(short(&b.label))
    .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], DANGER.mix(0.14).filled()));
    Ok(())
}

/// One vertical line per marker, labelled along the line, and one
/// legend entry per kind present.
pub(crate) fn markers(
    c: &mut Chart<'_, '_>,
    chart: &'static str,
    t: TimeAxis,
    ms: &[Marker],
    (lo, hi): (f64, f64),
) -> Result<(), ChartError> {
    let err = draw_err(chart);
    let mut legend_done: Vec<MarkerKind> = Vec::new();
    for m in ms.iter().filter(|m| t.shows(m.at_ms)) {
        let x = t.at(m.at_ms);
        let colour = marker_colour(m.kind);
        // Solid, where the app dashes: plotters draws a dashed line as one
        // element per dash, which would make the file ten times larger.
        let line = PathElement::new(vec![(x, lo), (x, hi)], colour.mix(0.8).stroke_width(1));
        let drawn = c.draw_series(std::iter::once(line)).map_err(|e| err(&e))?;
        if !legend_done.contains(&m.kind) {
            legend_done.push(m.kind);
            drawn
                .label(match m.kind {
                    MarkerKind::Deploy => "deploy",
                    MarkerKind::Kubernetes => "Kubernetes event",
                    MarkerKind::Alert => "page",
                })
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 12, y)], colour));
        }
        // Along the line, reading upwards from the bottom, just right of it.
        let style = (FONT, LABEL_SIZE)
            .into_font()
            .transform(FontTransform::Rotate270)
            .color(&colour);
        let label = EmptyElement::at((x, lo)) + Text::new(short(&m.label), (3, -6), style);
        c.draw_series(std::iter::once(label)).map_err(|e| err(&e))?;
    }
    Ok(())
}

/// The legend, in the app's muted style, on a translucent panel.
pub(crate) fn legend<'a, 'b: 'a>(
    c: &mut Chart<'a, 'b>,
    chart: &'static str,
    at: SeriesLabelPosition,
) -> Result<(), ChartError> {
    c.configure_series_labels()
        .position(at)
        .background_style(PANEL.mix(0.85))
        .border_style(GRID)
        .label_font((FONT, LABEL_SIZE).into_font().color(&MUTED))
        .draw()
        .map_err(|e| draw_err(chart)(&e))
}
