//! The network log as HAR 1.2: every request with its timings, the headers
//! as sent (traceparent included), redirects as their own entries, and no
//! secret anywhere: credential headers are `***`, secret values redacted in
//! URLs, headers and bodies.

use std::collections::BTreeMap;

use serde_json::Value;
use sightline_browser::SecretSource;
use sightline_core::Outcome;

use crate::pages::servers;
use crate::{journey, options, setup, table};

const SECRET: &str = "har-S3cret-9931";

fn header<'a>(headers: &'a Value, name: &str) -> Option<&'a str> {
    headers.as_array()?.iter().find_map(|h| {
        h["name"]
            .as_str()
            .filter(|n| n.eq_ignore_ascii_case(name))
            .and(h["value"].as_str())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_har_has_every_request_with_timings_and_no_secret() {
    let Some((_guard, mut replayer)) = setup().await else {
        return;
    };
    let (main, _other) = servers().await;
    let j = journey(&format!(
        "name: har\nbaseUrl: {}\nsecrets: [PASSWORD]\nsteps:\n\
         \x20 - {{type: navigate, url: /har}}\n\
         \x20 - {{type: change, selectors: [['#password']], value: '{{{{secret.PASSWORD}}}}'}}\n\
         \x20 - {{type: click, selectors: [['#send']]}}\n\
         \x20 - {{type: assertText, selectors: [['#done']], text: sent}}\n\
         \x20 - {{type: navigate, url: /redirect}}\n\
         \x20 - {{type: navigate, url: /set-cookie}}\n",
        main.origin
    ));
    let opts = sightline_browser::ReplayOptions {
        secrets: SecretSource::Map(BTreeMap::from([("PASSWORD".to_owned(), SECRET.to_owned())])),
        ..options()
    };
    let report = replayer.replay(&j, &opts).await;
    replayer.shutdown().await;
    assert_eq!(report.run.outcome, Outcome::Pass, "{}", table(&report));
    let har = report
        .artifacts
        .iter()
        .find(|a| a.role == "har")
        .expect("a HAR artifact");
    assert_eq!(har.media_type, "application/json");
    let text = String::from_utf8(har.bytes.clone()).unwrap();
    assert!(!text.contains(SECRET), "the secret is in the HAR:\n{text}");
    let doc: Value = serde_json::from_str(&text).unwrap();
    let log = &doc["log"];
    assert_eq!(log["version"], "1.2");
    assert_eq!(log["creator"]["name"], "Sightline");
    let entries = log["entries"].as_array().unwrap();
    let find = |method: &str, path: &str| {
        entries
            .iter()
            .find(|e| {
                e["request"]["method"] == method
                    && e["request"]["url"]
                        .as_str()
                        .is_some_and(|u| u.contains(path))
            })
            .unwrap_or_else(|| panic!("no {method} {path} in {text}"))
    };

    let post = find("POST", "/api/ok?via=har");
    assert_eq!(
        header(&post["request"]["headers"], "authorization"),
        Some("***")
    );
    let body = post["request"]["postData"]["text"].as_str().unwrap();
    assert!(body.contains("***"), "{body}");
    assert_eq!(post["response"]["status"], 200);
    assert_eq!(post["response"]["content"]["mimeType"], "application/json");
    // The headers as sent: the run's traceparent was added on the way out.
    let tp = header(&post["request"]["headers"], "traceparent")
        .unwrap_or_else(|| panic!("traceparent sent: {post:#}"));
    assert!(tp.contains(report.run.trace_id.as_deref().unwrap()), "{tp}");
    assert_eq!(post["request"]["queryString"][0]["name"], "via");
    for e in entries {
        let time = e["time"].as_f64().unwrap();
        assert!(time >= 0.0, "{e}");
        for phase in [
            "blocked", "dns", "connect", "send", "wait", "receive", "ssl",
        ] {
            let v = e["timings"][phase].as_f64().unwrap();
            assert!(v >= 0.0 || v == -1.0, "{phase} {v}");
        }
        assert!(e["startedDateTime"].as_str().unwrap().ends_with('Z'));
    }
    assert!(post["timings"]["wait"].as_f64().unwrap() > 0.0);

    let redirect = find("GET", "/redirect");
    assert_eq!(redirect["response"]["status"], 302);
    assert_eq!(redirect["response"]["redirectURL"], "/next");
    assert_eq!(find("GET", "/next")["response"]["status"], 200);
    // Chromium reports Set-Cookie only in its ExtraInfo events; whether or
    // not the header is there, the cookie's value never is.
    let cookie = find("GET", "/set-cookie");
    assert!(matches!(
        header(&cookie["response"]["headers"], "set-cookie"),
        None | Some("***")
    ));
    assert!(!text.contains("sid=abc"), "a cookie value in the HAR");

    // Stored like every artifact, content-addressed and secret-free.
    let dir = tempfile::tempdir().unwrap();
    let mut store = sightline_store::Store::open(dir.path().join("h.db")).unwrap();
    let saved = sightline_browser::persist::save(&mut store, &report, 0).unwrap();
    let stored = saved.artifacts.iter().find(|a| a.role == "har").unwrap();
    let bytes = std::fs::read(store.artifacts().path_of(&stored.sha256)).unwrap();
    assert_eq!(bytes, har.bytes);
}
