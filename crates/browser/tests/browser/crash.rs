//! A browser killed under a run makes the run an `error` (the runner's fault,
//! not the product's), and the next run gets a fresh browser and passes.

use std::time::Duration;

use sightline_core::{ErrorClass, Outcome};

use crate::pages::servers;
use crate::{journey, options, setup, table};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_browser_mid_run_is_an_error_and_the_next_run_passes() {
    let Some((_guard, mut replayer)) = setup().await else {
        return;
    };
    let (main, _other) = servers().await;
    replayer.warm_up().await.unwrap();
    let pid = replayer.browser_pid().expect("browser pid");
    let slow = journey(&format!(
        "name: slow\nbaseUrl: {}\nsteps:\n  - {{type: navigate, url: /}}\n  - {{type: wait, ms: 8000, timeout: 15000}}\n  - {{type: click, selectors: [['#go']]}}\n",
        main.origin
    ));
    let killer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .unwrap();
    });
    let crashed = replayer.replay(&slow, &options()).await;
    killer.join().unwrap();
    assert_eq!(crashed.run.outcome, Outcome::Error, "{}", table(&crashed));
    assert_eq!(crashed.run.error_class, Some(ErrorClass::BrowserCrashed));
    assert!(
        crashed.run.duration_ms < 7000,
        "the crash is noticed, not waited out: {}",
        table(&crashed)
    );

    let ok = journey(&format!(
        "name: ok\nbaseUrl: {}\nsteps:\n  - {{type: navigate, url: /}}\n  - {{type: click, selectors: [['#go']]}}\n",
        main.origin
    ));
    let next = replayer.replay(&ok, &options()).await;
    assert_eq!(next.run.outcome, Outcome::Pass, "{}", table(&next));
    assert_ne!(replayer.browser_pid(), Some(pid));
    replayer.shutdown().await;
}
