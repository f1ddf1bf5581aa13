//! The SLO editor over a real project folder: drafts, previews whose numbers
//! are the Overview's, and saves that load back.

use sightline_api::overview::{OverviewRequest, overview};
use sightline_api::slo::load_slos;
use sightline_api::slo_editor::{
    CalendarUnitName, SliKindName, SloDraft, SloGetRequest, SloListRequest, SloPreviewRequest,
    SloSaveRequest, WindowDraft, slo_get, slo_list, slo_preview, slo_save,
};
use sightline_api::{ErrorCode, IpcError};

use crate::fixture::{NOW_MS, Project, history};

fn draft(name: &str) -> SloDraft {
    SloDraft {
        name: name.into(),
        description: "Payment is quick.".into(),
        sli_kind: SliKindName::Latency,
        threshold_ms: Some(400),
        journey: "checkout".into(),
        step: Some("Pay".into()),
        regions: vec![],
        tags: vec![],
        target: 0.95,
        window: WindowDraft::Rolling { days: 7 },
        file: None,
    }
}

#[test]
fn the_list_has_every_slo_and_the_journeys_with_their_steps() {
    let p = Project::new();
    let list = slo_list(&p.ctx, SloListRequest::default()).unwrap();
    let names: Vec<_> = list.slos.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["checkout-availability", "checkout-fast"]);
    assert_eq!(list.slos[1].sli_kind, SliKindName::Latency);
    assert_eq!(list.slos[1].threshold_ms, Some(1500));
    assert_eq!(list.slos[0].file.as_deref(), Some("slos/checkout.yaml"));
    let checkout = list.journeys.iter().find(|j| j.name == "checkout").unwrap();
    assert_eq!(checkout.steps[1], "Pay");
    let got = slo_get(
        &p.ctx,
        SloGetRequest {
            name: "checkout-fast".into(),
        },
    )
    .unwrap();
    assert_eq!(got, list.slos[1]);
    let err = slo_get(
        &p.ctx,
        SloGetRequest {
            name: "nope".into(),
        },
    )
    .unwrap_err();
    assert_eq!(IpcError::from(err).code, ErrorCode::NotFound);
}

#[test]
fn a_preview_of_an_existing_slo_has_the_overviews_numbers() {
    let p = Project::new();
    p.insert(&history(24));
    let existing = slo_get(
        &p.ctx,
        SloGetRequest {
            name: "checkout-availability".into(),
        },
    )
    .unwrap();
    let preview = slo_preview(
        &p.ctx,
        SloPreviewRequest {
            draft: existing,
            at_ms: None,
        },
    )
    .unwrap();
    let o = overview(&p.ctx, OverviewRequest::default()).unwrap();
    let shown = &o.slos[0].status;
    assert_eq!(preview.at_ms, NOW_MS);
    assert_eq!(preview.status.sli, shown.sli);
    assert_eq!(preview.status.valid, shown.valid);
    assert_eq!(
        preview.status.budget.remaining_fraction,
        shown.budget.remaining_fraction
    );
    assert_eq!(preview.status.alert_state, shown.alert_state);
    assert_eq!(preview.burn_down, o.slos[0].burn_down);
    // Daily SLIs add up to the window's counts.
    let valid: u64 = preview.daily.iter().map(|d| d.valid).sum();
    let good: u64 = preview.daily.iter().map(|d| d.good).sum();
    assert_eq!((valid, good), (shown.valid, shown.good));
}

#[test]
fn a_step_latency_draft_counts_only_that_step() {
    let p = Project::new();
    p.insert(&history(24));
    let preview = slo_preview(
        &p.ctx,
        SloPreviewRequest {
            draft: draft("pay-fast"),
            at_ms: None,
        },
    )
    .unwrap();
    // Pay lasts duration/3 in the fixture: 300..600 ms, so some are over 400.
    assert!(preview.status.valid > 0);
    assert!(preview.status.good < preview.status.valid);
    assert_eq!(preview.status.step.as_deref(), Some("Pay"));
}

#[test]
fn bad_drafts_are_refused_naming_the_field() {
    let p = Project::new();
    let cases: Vec<(SloDraft, &str)> = vec![
        (
            SloDraft {
                target: 1.5,
                ..draft("a")
            },
            "target:",
        ),
        (
            SloDraft {
                threshold_ms: None,
                ..draft("a")
            },
            "threshold_ms:",
        ),
        (
            SloDraft {
                threshold_ms: Some(-1),
                ..draft("a")
            },
            "threshold_ms:",
        ),
        (
            SloDraft {
                journey: "ghost".into(),
                ..draft("a")
            },
            "journey:",
        ),
        (
            SloDraft {
                name: "Bad Name!".into(),
                ..draft("a")
            },
            "name:",
        ),
        (
            SloDraft {
                window: WindowDraft::Rolling { days: 0 },
                ..draft("a")
            },
            "window.days:",
        ),
        (
            SloDraft {
                window: WindowDraft::Calendar {
                    unit: CalendarUnitName::Month,
                    time_zone: "Mars/Olympus".into(),
                },
                ..draft("a")
            },
            "window.time_zone:",
        ),
    ];
    for (d, field) in cases {
        let err = IpcError::from(
            slo_preview(
                &p.ctx,
                SloPreviewRequest {
                    draft: d.clone(),
                    at_ms: None,
                },
            )
            .unwrap_err(),
        );
        assert_eq!(err.code, ErrorCode::BadInput, "{}", err.message);
        assert!(err.message.starts_with(field), "{field}: {}", err.message);
        let err = slo_save(
            &p.ctx,
            SloSaveRequest {
                draft: d,
                original_name: None,
            },
        )
        .unwrap_err();
        assert!(err.to_string().starts_with(field), "{err}");
    }
    assert!(!p.path("slos/a.yaml").exists(), "nothing was written");
}

#[test]
fn a_new_slo_is_saved_as_its_own_file_that_loads_back() {
    let p = Project::new();
    let saved = slo_save(
        &p.ctx,
        SloSaveRequest {
            draft: draft("pay-fast"),
            original_name: None,
        },
    )
    .unwrap();
    assert_eq!(saved.file, "slos/pay-fast.yaml");
    assert_eq!(saved.moved_from, None);
    let loaded = load_slos(&p.path("slos")).unwrap();
    let back = loaded
        .iter()
        .find(|l| l.config.definition.name == "pay-fast")
        .unwrap();
    assert_eq!(back.config.definition.filter.step.as_deref(), Some("Pay"));
    assert_eq!(back.config.definition.target, 0.95);
    let text = std::fs::read_to_string(p.path("slos/pay-fast.yaml")).unwrap();
    assert!(text.contains("threshold_ms: 400"), "{text}");
    assert!(!text.contains('!'), "no YAML tags: {text}");

    // Saving a new SLO under an existing name is refused.
    let err = slo_save(
        &p.ctx,
        SloSaveRequest {
            draft: draft("checkout-fast"),
            original_name: None,
        },
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("name:"), "{err}");
}

#[test]
fn editing_an_slo_of_a_shared_file_moves_it_to_its_own_and_keeps_the_rest() {
    let p = Project::new();
    let mut d = slo_get(
        &p.ctx,
        SloGetRequest {
            name: "checkout-fast".into(),
        },
    )
    .unwrap();
    d.target = 0.95;
    let saved = slo_save(
        &p.ctx,
        SloSaveRequest {
            draft: d,
            original_name: Some("checkout-fast".into()),
        },
    )
    .unwrap();
    assert_eq!(saved.file, "slos/checkout-fast.yaml");
    assert_eq!(saved.moved_from.as_deref(), Some("slos/checkout.yaml"));
    let loaded = load_slos(&p.path("slos")).unwrap();
    // Files load in name order: checkout-fast.yaml sorts before checkout.yaml.
    let found: Vec<_> = loaded
        .iter()
        .map(|l| {
            let file = l.file.file_name().unwrap().to_string_lossy().into_owned();
            (l.config.definition.name.as_str(), file)
        })
        .collect();
    assert_eq!(
        found,
        [
            ("checkout-fast", "checkout-fast.yaml".to_owned()),
            ("checkout-availability", "checkout.yaml".to_owned()),
        ]
    );
    assert_eq!(loaded[0].config.definition.target, 0.95);

    // Renaming an SLO that has its own file removes the old file.
    let mut d = slo_get(
        &p.ctx,
        SloGetRequest {
            name: "checkout-fast".into(),
        },
    )
    .unwrap();
    d.name = "checkout-quick".into();
    let saved = slo_save(
        &p.ctx,
        SloSaveRequest {
            draft: d,
            original_name: Some("checkout-fast".into()),
        },
    )
    .unwrap();
    assert_eq!(saved.moved_from.as_deref(), Some("slos/checkout-fast.yaml"));
    assert!(!p.path("slos/checkout-fast.yaml").exists());
    assert!(p.path("slos/checkout-quick.yaml").exists());
}
