//! Hand-computed cases and edge cases.

use chrono::TimeZone;
use sightline_core::slo::CalendarUnit;
use sightline_core::{Outcome, SliKind, SloWindow};
use sightline_slo::{ChangeKind, DAY_MS, HOUR_MS, MINUTE_MS, SloConfig, SloEngine};

use crate::common::*;

#[test]
fn availability_budget_and_burn_by_hand() {
    let mut e = SloEngine::new(vec![avail(0.99, 30)], None).unwrap();
    // 200 runs, one a minute from T0; runs 10..14 fail (5 bad), run 20 is a runner error.
    for n in 0..200u64 {
        let outcome = match n {
            10..=14 => Outcome::Fail,
            20 => Outcome::Error,
            _ => Outcome::Pass,
        };
        e.apply(ev(
            n,
            T0 + n as i64 * MINUTE_MS,
            if n % 2 == 0 { "eu" } else { "us" },
            outcome,
            1000,
        ));
    }
    let s = e.status_of("avail", T0 + 199 * MINUTE_MS).unwrap();
    // valid = 200 - 1 error = 199; good = 199 - 5 = 194.
    assert_eq!((s.counts.valid, s.counts.good), (199, 194));
    assert!((s.sli.unwrap() - 194.0 / 199.0).abs() < 1e-12);
    assert_eq!(s.compliant, Some(false)); // 0.9749 < 0.99
    // allowed = 0.01 * 199 = 1.99; consumed = 5 / 1.99 = 2.5126; remaining bad = 1.99 - 5 = -3.01.
    assert!((s.budget.allowed_bad_events - 1.99).abs() < 1e-9);
    assert!((s.budget.consumed_fraction.unwrap() - 5.0 / 1.99).abs() < 1e-9);
    assert!((s.budget.remaining_bad_events + 3.01).abs() < 1e-9);
    assert!(s.budget.exhausted);
    // Last hour = runs 140..=199: 60 valid, 0 bad -> burn 0.
    let b1h = s
        .burn_rates
        .iter()
        .find(|b| b.window_ms == HOUR_MS)
        .unwrap();
    assert_eq!((b1h.counts.valid, b1h.rate), (60, Some(0.0)));
    // Burn over 4h = all 199: (5/199)/0.01 = 2.5126.
    let b = e
        .burn_rate("avail", T0 + 199 * MINUTE_MS, 4 * HOUR_MS)
        .unwrap();
    assert!((b.rate.unwrap() - (5.0 / 199.0) / 0.01).abs() < 1e-9);
    // Over 3h = minutes 20..=199: 180 runs, minus the error = 179 valid, no failure.
    let b = e
        .burn_rate("avail", T0 + 199 * MINUTE_MS, 3 * HOUR_MS)
        .unwrap();
    assert_eq!((b.counts.valid, b.rate), (179, Some(0.0)));
    // Over 1 minute ending at run 12: only run 12 (fail) -> error ratio 1 -> burn 100.
    let b = e
        .burn_rate("avail", T0 + 12 * MINUTE_MS, MINUTE_MS)
        .unwrap();
    assert!((b.rate.unwrap() - 100.0).abs() < 1e-9); // 1.0 / 0.01
    // Already exhausted -> forecast says now.
    assert_eq!(s.forecast.exhaustion_at_ms, Some(T0 + 199 * MINUTE_MS));
    // Regions: even runs eu (100, of which fails 10,12,14 and error 20 -> valid 99 good 96).
    let eu = s.by_region.iter().find(|r| r.region == "eu").unwrap();
    assert_eq!((eu.counts.valid, eu.counts.good), (99, 96));
    // All 5 failures are blamed on the step `pay`.
    assert_eq!(s.by_step.len(), 1);
    assert_eq!(
        (
            s.by_step[0].step.as_str(),
            s.by_step[0].bad_events,
            s.by_step[0].share_of_bad
        ),
        ("pay", 5, Some(1.0))
    );
}

#[test]
fn forecast_uses_last_hour_burn() {
    let mut e = SloEngine::new(vec![avail(0.9, 1)], None).unwrap();
    // 100 runs in one hour, 1 failure: burn(1h) = 0.01/0.1 = 0.1; consumed 0.1 -> remaining 0.9.
    for n in 0..100u64 {
        let o = if n == 0 { Outcome::Fail } else { Outcome::Pass };
        e.apply(ev(n, T0 + n as i64 * 30_000, "eu", o, 10));
    }
    let at = T0 + 99 * 30_000;
    let s = e.status_of("avail", at).unwrap();
    assert_eq!(s.forecast.burn_window_ms, HOUR_MS);
    // remaining 0.9 × period 1 day / burn 0.1 = 9 days.
    assert_eq!(s.forecast.exhaustion_at_ms, Some(at + 9 * DAY_MS));
}

#[test]
fn empty_window_and_all_errors_are_undefined() {
    let mut e = SloEngine::new(vec![avail(0.999, 7)], None).unwrap();
    let s = e.status_of("avail", T0).unwrap();
    assert_eq!(
        (s.sli, s.compliant, s.budget.consumed_fraction),
        (None, None, None)
    );
    assert_eq!(s.forecast.exhaustion_at_ms, None);
    for n in 0..10 {
        e.apply(ev(n, T0 + n as i64, "eu", Outcome::Error, 5));
    }
    let s = e.status_of("avail", T0 + 100).unwrap();
    assert_eq!(s.counts.valid, 0);
    assert_eq!(s.sli, None, "runner errors only: undefined, never 100%");
    assert!(s.burn_rates.iter().all(|b| b.rate.is_none()));
}

#[test]
fn target_100_percent_has_zero_budget_without_dividing() {
    let mut e = SloEngine::new(vec![avail(1.0, 30)], None).unwrap();
    e.apply(ev(1, T0, "eu", Outcome::Pass, 5));
    let s = e.status_of("avail", T0).unwrap();
    assert_eq!(s.budget.total_fraction, 0.0);
    assert_eq!(
        (
            s.budget.allowed_bad_events,
            s.budget.remaining_bad_events,
            s.budget.exhausted
        ),
        (0.0, 0.0, false)
    );
    assert_eq!(s.budget.consumed_fraction, None);
    e.apply(ev(2, T0 + 1, "eu", Outcome::Fail, 5));
    let s = e.status_of("avail", T0 + 1).unwrap();
    assert_eq!(
        (s.budget.remaining_bad_events, s.budget.exhausted),
        (-1.0, true)
    );
    assert!(s.burn_rates.iter().all(|b| b.rate.is_none()));
    assert_eq!(s.forecast.exhaustion_at_ms, None);
    assert_eq!(s.compliant, Some(false));
}

#[test]
fn late_out_of_order_and_duplicate_results() {
    let mut e = SloEngine::new(vec![avail(0.99, 30)], None).unwrap();
    let c = e.apply(ev(1, T0 + HOUR_MS, "eu", Outcome::Pass, 5));
    assert_eq!((c[0].kind, c[0].late), (ChangeKind::Added, false));
    let c = e.apply(ev(2, T0, "eu", Outcome::Fail, 5));
    assert!(c[0].late, "older than the newest seen");
    assert!(
        e.apply(ev(2, T0, "eu", Outcome::Fail, 5)).is_empty(),
        "exact duplicate changes nothing"
    );
    let c = e.apply(ev(2, T0, "eu", Outcome::Pass, 5));
    assert_eq!(c[0].kind, ChangeKind::Replaced);
    let c = e.apply(ev(2, T0, "eu", Outcome::Error, 5));
    assert_eq!(c[0].kind, ChangeKind::Removed);
    let s = e.status_of("avail", T0 + HOUR_MS).unwrap();
    assert_eq!((s.counts.valid, s.counts.good), (1, 1));
}

#[test]
fn latency_and_step_filters() {
    let mut lat = def(
        "lat",
        SliKind::Latency { threshold_ms: 3000 },
        0.9,
        SloWindow::Rolling { days: 1 },
    );
    let mut step = lat.clone();
    step.name = "pay-step".into();
    step.filter.step = Some("pay".into());
    step.sli = SliKind::Latency { threshold_ms: 2000 };
    lat.filter.regions = vec!["eu".into()];
    let mut e = SloEngine::new(vec![SloConfig::new(lat), SloConfig::new(step)], None).unwrap();
    // durations 2000 (pay 1500), 3000 (pay 2250), 4000 (pay 3000); one in "us".
    e.apply(ev(1, T0, "eu", Outcome::Pass, 2000));
    e.apply(ev(2, T0 + 1, "eu", Outcome::Fail, 3000));
    e.apply(ev(3, T0 + 2, "eu", Outcome::Pass, 4000));
    e.apply(ev(4, T0 + 3, "us", Outcome::Pass, 9000));
    let s = e.status(T0 + 3);
    // lat (eu only): <= 3000 inclusive -> runs 1, 2 good; run 3 bad. valid 3, good 2.
    assert_eq!((s[0].counts.valid, s[0].counts.good), (3, 2));
    // pay step, all regions: 1500, 2250 (fail still valid), 3000, 6750 vs 2000 -> 1 good of 4.
    assert_eq!((s[1].counts.valid, s[1].counts.good), (4, 1));
}

#[test]
fn calendar_week_across_dst_in_new_york() {
    let w = SloWindow::Calendar {
        unit: CalendarUnit::Week,
        time_zone: "America/New_York".into(),
    };
    let mut e = SloEngine::new(
        vec![SloConfig::new(def("wk", SliKind::Availability, 0.9, w))],
        None,
    )
    .unwrap();
    // 2026-03-08 02:00 EST -> 03:00 EDT. Week Mon 2 .. Mon 9 March.
    let utc = |d, h| {
        chrono::Utc
            .with_ymd_and_hms(2026, 3, d, h, 0, 0)
            .unwrap()
            .timestamp_millis()
    };
    // Mon 2 00:00 EST = 05:00 UTC; Mon 9 00:00 EDT = 04:00 UTC.
    e.apply(ev(1, utc(2, 4), "eu", Outcome::Fail, 1)); // Sunday 1 23:00 EST: previous week
    e.apply(ev(2, utc(2, 5), "eu", Outcome::Pass, 1)); // first instant of the week
    e.apply(ev(3, utc(9, 3), "eu", Outcome::Fail, 1)); // Sunday 8 23:00 EDT: still this week
    let s = e.status_of("wk", utc(9, 3)).unwrap();
    assert_eq!(s.window.start_ms, utc(2, 5));
    assert_eq!(s.window.period_end_ms, utc(9, 4));
    assert_eq!(s.window.period_ms, 167 * HOUR_MS);
    assert_eq!((s.counts.valid, s.counts.good), (2, 1));
    // An hour later it is the next week: empty.
    assert_eq!(e.status_of("wk", utc(9, 4)).unwrap().counts.valid, 0);
}

#[test]
fn invalid_definitions_name_the_field() {
    let known = vec!["checkout".to_owned(), "search".to_owned()];
    let cases = [
        (avail(1.5, 30), "target"),
        (avail(0.0, 30), "target"),
        (avail(0.99, 0), "window.rolling.days"),
    ];
    for (c, field) in cases {
        let e = SloEngine::new(vec![c], Some(&known)).unwrap_err();
        assert_eq!(e.code(), "slo.invalid_definition");
        assert!(
            e.to_string().starts_with(&format!("avail: {field}:")),
            "{e}"
        );
    }
    let mut c = avail(0.99, 30);
    c.definition.filter.journey = "chekout".into();
    let e = SloEngine::new(vec![c], Some(&known)).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("avail: filter.journey: unknown journey \"chekout\""),
        "{e}"
    );
    let mut c = avail(0.99, 30);
    c.definition.window = SloWindow::Calendar {
        unit: CalendarUnit::Month,
        time_zone: "Mars/Olympus".into(),
    };
    let e = SloEngine::new(vec![c], None).unwrap_err();
    assert!(e.to_string().contains("window.calendar.time_zone"), "{e}");
}
