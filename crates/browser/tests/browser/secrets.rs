//! A secret typed into a page never reaches the database, even when the
//! page echoes it into a failing assertion's message.

use std::collections::BTreeMap;

use sightline_browser::SecretSource;
use sightline_core::ErrorClass;

use crate::pages::servers;
use crate::{journey, options, setup, table};

const SECRET: &str = "s3cr3t-Pa55word";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_are_redacted_from_messages_and_absent_from_stored_bytes() {
    let Some((_guard, mut replayer)) = setup().await else {
        return;
    };
    let (main, _other) = servers().await;
    let j = journey(&format!(
        "name: login\nbaseUrl: {}\nsecrets: [PASSWORD]\nsteps:\n  - {{type: navigate, url: /form}}\n  - {{type: change, selectors: [['#password']], value: '{{{{secret.PASSWORD}}}}'}}\n  - {{type: assertText, selectors: [['#echo']], text: 'typed:wrong', match: equals, timeout: 800}}\n",
        main.origin
    ));
    let opts = sightline_browser::ReplayOptions {
        secrets: SecretSource::Map(BTreeMap::from([("PASSWORD".to_owned(), SECRET.to_owned())])),
        ..options()
    };
    let report = replayer.replay(&j, &opts).await;
    assert_eq!(
        report.run.error_class,
        Some(ErrorClass::AssertionFailed),
        "{}",
        table(&report)
    );
    let msg = report.run.error_message.clone().unwrap();
    assert!(
        msg.contains("typed:***"),
        "the echoed value is redacted: {msg}"
    );
    assert!(!msg.contains(SECRET));

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    {
        let mut store = sightline_store::Store::open(&db).unwrap();
        sightline_browser::persist::save(&mut store, &report, 0).unwrap();
    }
    // Every byte under the folder: database, WAL, artifacts.
    let mut files = 0;
    let mut stack = vec![dir.path().to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files += 1;
                let bytes = std::fs::read(&p).unwrap();
                assert!(
                    !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
                    "secret found in {}",
                    p.display()
                );
            }
        }
    }
    assert!(files >= 2, "database and at least one artifact written");
    replayer.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_secret_is_a_runner_error() {
    let Some((_guard, mut replayer)) = setup().await else {
        return;
    };
    let j = journey(
        "name: s\nbaseUrl: http://127.0.0.1:9\nsecrets: [NOPE_NOT_SET]\nsteps:\n  - {type: navigate, url: /}\n",
    );
    let opts = sightline_browser::ReplayOptions {
        secrets: SecretSource::Map(BTreeMap::new()),
        ..options()
    };
    let report = replayer.replay(&j, &opts).await;
    assert_eq!(report.run.error_class, Some(ErrorClass::RunnerError));
    assert_eq!(report.run.outcome, sightline_core::Outcome::Error);
    replayer.shutdown().await;
}
