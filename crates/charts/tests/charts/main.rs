//! The charts as a reader gets them: SVG that parses, with the series,
//! the onset band and one labelled marker per change.

use sightline_charts::theme::{DANGER, svg_colour};
use sightline_charts::{
    Band, BurnChart, BurnSeries, Marker, MarkerKind, SliChart, burn_svg, marker_colour, sli_svg,
};

const T0: i64 = 1_796_150_000_000;
const B: i64 = 20_000;

fn sli() -> SliChart {
    SliChart {
        title: "orders-latency: good runs per 20 s".into(),
        series: "good ratio".into(),
        from_ms: T0,
        to_ms: T0 + 30 * B,
        bucket_ms: B,
        // Healthy, a gap of two empty buckets, then a dip after the onset.
        points: (0..30)
            .filter(|i| !(8..10).contains(i))
            .map(|i| (T0 + i * B, if i < 15 { 1.0 } else { 0.6 }))
            .collect(),
        target: Some(0.99),
        onset: Some(Band {
            from_ms: T0 + 14 * B,
            to_ms: T0 + 15 * B,
            label: "onset (95% interval)".into(),
        }),
        markers: vec![
            Marker {
                at_ms: T0 + 13 * B,
                kind: MarkerKind::Deploy,
                label: "payment@2.4.1 <us-east-1 & all>".into(),
            },
            Marker {
                at_ms: T0 + 20 * B,
                kind: MarkerKind::Kubernetes,
                label: "BackOff pod/payment-7f9".into(),
            },
            // Outside the time axis: not drawn.
            Marker {
                at_ms: T0 - 5 * B,
                kind: MarkerKind::Deploy,
                label: "cart@1.0.0".into(),
            },
        ],
    }
}

fn texts<'a>(doc: &'a roxmltree::Document<'a>) -> Vec<(&'a str, &'a str)> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            (
                n.attribute("fill").unwrap_or(""),
                n.text().unwrap_or("").trim(),
            )
        })
        .collect()
}

#[test]
fn the_sli_chart_has_its_line_onset_band_target_and_one_marker_per_change() {
    let svg = sli_svg(&sli()).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let danger = svg_colour(DANGER);
    let band: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(danger.as_str()))
        .collect();
    assert!(
        band.iter().any(|r| r.attribute("opacity") == Some("0.14")),
        "the onset band is a translucent danger rect: {svg}"
    );
    let texts = texts(&doc);
    let deploy = svg_colour(marker_colour(MarkerKind::Deploy));
    let k8s = svg_colour(marker_colour(MarkerKind::Kubernetes));
    let labels = |fill: &str| -> Vec<&str> {
        texts
            .iter()
            .filter(|(f, _)| *f == fill)
            .map(|(_, t)| *t)
            .collect()
    };
    assert_eq!(
        labels(&deploy),
        ["payment@2.4.1 <us-east-1 & all>"],
        "one deploy in range, its label escaped and read back whole"
    );
    assert_eq!(labels(&k8s), ["BackOff pod/payment-7f9"]);
    let all: Vec<&str> = texts.iter().map(|(_, t)| *t).collect();
    for legend in [
        "good ratio",
        "target 99%",
        "onset (95% interval)",
        "deploy",
        "Kubernetes event",
    ] {
        assert!(all.contains(&legend), "legend lacks {legend:?}: {all:?}");
    }
    assert!(all.contains(&"orders-latency: good runs per 20 s"));
    // The gap splits the line in two polylines in the accent colour.
    let lines = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("polyline")
                && n.attribute("stroke") == Some("#0D9488")
                && n.attribute("stroke-width") == Some("2")
        })
        .count();
    assert_eq!(lines, 2, "{svg}");
}

#[test]
fn the_same_data_draws_the_same_bytes() {
    assert_eq!(sli_svg(&sli()).unwrap(), sli_svg(&sli()).unwrap());
}

#[test]
fn the_burn_chart_stacks_one_layer_per_slice_and_names_them() {
    let n = 30;
    let cause: Vec<u64> = (0..n).map(|i| if i >= 15 { 3 } else { 0 }).collect();
    let other: Vec<u64> = (0..n).map(|i| u64::from(i % 7 == 0)).collect();
    let chart = BurnChart {
        title: "bad runs per 20 s by slice".into(),
        from_ms: T0,
        bucket_ms: B,
        series: vec![
            BurnSeries {
                name: "payment latency in us-east-1".into(),
                counts: cause,
                other: false,
            },
            BurnSeries {
                name: "other bad runs".into(),
                counts: other,
                other: true,
            },
        ],
        onset: sli().onset,
        markers: sli().markers,
    };
    let svg = burn_svg(&chart).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is XML");
    let polygons: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polygon"))
        .collect();
    assert_eq!(polygons.len(), 2, "one layer per series: {svg}");
    assert_eq!(
        polygons[1].attribute("fill"),
        Some("#94A3B8"),
        "other is grey"
    );
    let all: Vec<&str> = texts(&doc).into_iter().map(|(_, t)| t).collect();
    assert!(all.contains(&"payment latency in us-east-1"), "{all:?}");
    assert!(all.contains(&"other bad runs"));
    assert!(all.contains(&"payment@2.4.1 <us-east-1 & all>"));
}

#[test]
fn charts_without_data_are_refused_with_a_code() {
    let mut empty = sli();
    empty.to_ms = empty.from_ms;
    let e = sli_svg(&empty).unwrap_err();
    assert_eq!(e.code(), "chart.no_data");
    assert!(e.to_string().contains("sli"), "{e}");
    let burn = BurnChart {
        title: String::new(),
        from_ms: T0,
        bucket_ms: B,
        series: vec![
            BurnSeries {
                name: "a".into(),
                counts: vec![1, 2],
                other: false,
            },
            BurnSeries {
                name: "b".into(),
                counts: vec![1],
                other: false,
            },
        ],
        onset: None,
        markers: vec![],
    };
    let e = burn_svg(&burn).unwrap_err();
    assert!(e.to_string().contains("b has 1 buckets"), "{e}");
}
