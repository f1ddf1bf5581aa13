//! Runs share one warm browser but never its cookies.

use sightline_core::Outcome;

use crate::pages::servers;
use crate::{journey, options, setup, table};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_set_in_one_run_are_gone_in_the_next() {
    let Some((_guard, mut replayer)) = setup().await else {
        return;
    };
    let (main, _other) = servers().await;
    let set = journey(&format!(
        "name: set\nbaseUrl: {}\nsteps:\n  - {{type: navigate, url: /set-cookie}}\n  - {{type: navigate, url: /cookie}}\n  - {{type: assertText, selectors: [['#c']], text: 'cookie: sid=abc'}}\n",
        main.origin
    ));
    let check = journey(&format!(
        "name: check\nbaseUrl: {}\nsteps:\n  - {{type: navigate, url: /cookie}}\n  - {{type: assertText, selectors: [['#c']], text: 'cookie: none', match: equals}}\n",
        main.origin
    ));
    let first = replayer.replay(&set, &options()).await;
    assert_eq!(first.run.outcome, Outcome::Pass, "{}", table(&first));
    let pid = replayer.browser_pid();
    let second = replayer.replay(&check, &options()).await;
    assert_eq!(second.run.outcome, Outcome::Pass, "{}", table(&second));
    assert_eq!(
        replayer.browser_pid(),
        pid,
        "the same warm browser served both runs"
    );
    replayer.shutdown().await;
}
