//! journeys/demo/checkout.yaml in real Chromium: green against a healthy
//! region, failing at "Place the order" with a timeout under the payment fault.
//! Skips when /usr/bin/chromium is absent.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_json::json;
use sightline_browser::{LaunchOptions, ReplayOptions, Replayer, SecretSource};
use sightline_core::{ErrorClass, Outcome};

use crate::{admin_post, shop};

fn options(base_url: &str) -> ReplayOptions {
    let secrets = BTreeMap::from([("shop_password".to_owned(), "sightline-demo".to_owned())]);
    ReplayOptions {
        base_url: Some(base_url.to_owned()),
        secrets: SecretSource::Map(secrets),
        default_step_timeout: Duration::from_secs(5),
        default_run_timeout: Duration::from_secs(60),
        screenshot_on_failure: false,
        ..ReplayOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkout_journey_replays_green_and_fails_under_the_payment_fault() {
    let launch = LaunchOptions::default();
    if !Path::new(&launch.executable).exists() {
        eprintln!("skipped: {} is absent", launch.executable.display());
        return;
    }
    let journeys =
        Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("../../journeys/demo");
    let checkout =
        sightline_journeys::load(&journeys.join("checkout.yaml")).expect("journey loads");
    let api =
        sightline_journeys::load(&journeys.join("api-order-status.yaml")).expect("journey loads");
    let shop = shop(&["us-east-1", "eu-west-1"]).await;
    let us = shop.frontend_url("us-east-1").unwrap().to_owned();
    let eu = shop.frontend_url("eu-west-1").unwrap().to_owned();
    let mut replayer = Replayer::new(launch).unwrap();

    let green = replayer.replay(&checkout, &options(&us)).await;
    let table = |r: &sightline_browser::ReplayReport| {
        r.run
            .steps
            .iter()
            .map(|s| {
                format!(
                    "{} {} {:?} {:?}\n",
                    s.index, s.name, s.outcome, s.error_message
                )
            })
            .collect::<String>()
    };
    assert_eq!(green.run.outcome, Outcome::Pass, "{}", table(&green));
    let api_run = replayer.replay(&api, &options(&eu)).await;
    assert_eq!(api_run.run.outcome, Outcome::Pass, "{}", table(&api_run));

    let kind = json!({"type": "latency", "ms": 3000});
    admin_post(
        &shop,
        "/admin/faults",
        json!({"service": "payment", "region": "us-east-1", "kind": kind}),
    )
    .await;
    let red = replayer.replay(&checkout, &options(&us)).await;
    assert_eq!(red.run.outcome, Outcome::Fail, "{}", table(&red));
    let failed = red
        .run
        .steps
        .iter()
        .find(|s| s.outcome != Outcome::Pass)
        .unwrap();
    assert_eq!(failed.name, "Place the order", "{}", table(&red));
    assert!(
        matches!(
            failed.error_class,
            Some(ErrorClass::NavigationTimeout | ErrorClass::StepTimeout)
        ),
        "{:?}",
        failed.error_class
    );
    // The other region is still green under the same fault.
    let eu_run = replayer.replay(&checkout, &options(&eu)).await;
    assert_eq!(eu_run.run.outcome, Outcome::Pass, "{}", table(&eu_run));
    replayer.shutdown().await;
}

/// journeys/demo/login-totp.yaml: Alice's password, then an RFC 6238 code
/// computed by the runner from the seed secret. Neither the seed nor the
/// code reaches the stored run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_totp_login_replays_green_and_keeps_seed_and_code_out_of_the_store() {
    let journeys =
        Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("../../journeys/demo");
    let journey =
        sightline_journeys::load(&journeys.join("login-totp.yaml")).expect("journey loads");
    let shop = shop(&["us-east-1"]).await;
    let us = shop.frontend_url("us-east-1").unwrap().to_owned();
    let seed = sightline_demo_shop::store::ALICE_TOTP_SEED;
    let mut opts = options(&us);
    opts.secrets = SecretSource::Map(BTreeMap::from([
        ("shop_password".to_owned(), "sightline-demo".to_owned()),
        ("shop_totp_seed".to_owned(), seed.to_owned()),
    ]));
    let mut replayer = Replayer::new(LaunchOptions::default()).unwrap();
    let report = replayer.replay(&journey, &opts).await;
    replayer.shutdown().await;
    assert_eq!(report.run.outcome, Outcome::Pass, "{:#?}", report.run);
    let step = report.run.steps.iter().find(|s| s.kind == "totp").unwrap();
    assert_eq!(step.name, "Enter the one-time code");

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut store = sightline_store::Store::open(&db).unwrap();
    sightline_browser::persist::save(&mut store, &report, 0).unwrap();
    drop(store);
    let now_s = (sightline_demo_shop::now_ms() / 1000) as u64;
    let codes: Vec<String> = [now_s - 60, now_s - 30, now_s]
        .iter()
        .map(|t| {
            sightline_core::totp::code(
                seed,
                *t,
                30,
                6,
                sightline_core::journey::TotpAlgorithm::Sha1,
            )
            .unwrap()
        })
        .collect();
    for file in std::fs::read_dir(dir.path()).unwrap().flatten() {
        if file.path().is_dir() {
            continue;
        }
        let bytes = String::from_utf8_lossy(&std::fs::read(file.path()).unwrap()).into_owned();
        assert!(
            !bytes.contains(seed),
            "{} holds the seed",
            file.path().display()
        );
        for c in &codes {
            assert!(
                !bytes.contains(c.as_str()),
                "{} holds the code {c}",
                file.path().display()
            );
        }
        assert!(!bytes.contains("sightline-demo"), "the password leaked");
    }
}
