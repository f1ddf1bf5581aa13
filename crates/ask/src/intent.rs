//! What a question asks: cue words and phrases, weighted, per intent. The
//! highest score wins; a question with no cue is a status question when it
//! names something, and out of scope when it names nothing.

use crate::answer::Intent;
use crate::catalog::Kind;
use crate::link::Linked;

/// Words that mean something Sightline does not do.
const OFF_TOPIC: &[&str] = &[
    "poem",
    "haiku",
    "joke",
    "weather",
    "capital",
    "stock",
    "price",
    "recipe",
    "song",
    "lyrics",
    "translate",
    "delete",
    "drop",
    "wipe",
    "erase",
    "essay",
    "limerick",
    "football",
    "movie",
];
const DEPLOY: &[&str] = &[
    "deploy",
    "deploys",
    "deployed",
    "deploying",
    "deployment",
    "deployments",
    "release",
    "releases",
    "released",
    "rollout",
    "rollouts",
    "rolled",
    "ship",
    "shipped",
    "shipping",
    "version",
    "upgrade",
    "upgraded",
    "push",
    "pushed",
];
const CAUSAL: &[&str] = &[
    "cause",
    "caused",
    "causing",
    "causes",
    "break",
    "broke",
    "broken",
    "breaking",
    "blame",
    "blamed",
    "responsible",
    "problem",
    "culprit",
    "fault",
    "because",
    "bad",
    "did",
    "make",
    "made",
    "behind",
    "trigger",
    "triggered",
];
const CHANGE: &[&str] = &[
    "change",
    "changed",
    "changes",
    "changelog",
    "happened",
    "new",
];
const START: &[&str] = &[
    "start",
    "started",
    "starting",
    "begin",
    "began",
    "beginning",
    "begun",
    "onset",
    "first",
    "kick",
    "kicked",
];
const LISTING: &[&str] = &[
    "show", "list", "recent", "recently", "last", "latest", "lately", "newest", "any",
];
const FAILED: &[&str] = &["failed", "failures", "failure", "fails"];
const WHY: &[&str] = &[
    "why", "whyy", "whyyy", "y", "causing", "reason", "reasons", "explain", "cause", "culprit",
    "wtf",
];
const STATUS: &[&str] = &[
    "ok", "okay", "healthy", "health", "status", "fine", "alright", "doing", "looking", "state",
    "good", "green", "up",
];
const BURN: &[&str] = &[
    "burning",
    "burn",
    "burns",
    "burned",
    "eating",
    "eat",
    "eats",
    "consuming",
    "chewing",
    "draining",
    "spending",
];
const COMPARE: &[&str] = &[
    "compare",
    "compared",
    "comparison",
    "vs",
    "versus",
    "against",
    "stack",
    "side",
    "differ",
    "difference",
    "worse",
    "better",
];
const RUNOUT: &[&str] = &[
    "exhaust",
    "exhausted",
    "exhaustion",
    "forecast",
    "dry",
    "zero",
    "gone",
    "left",
    "remaining",
    "runway",
];

fn has(tokens: &[String], words: &[&str]) -> bool {
    tokens.iter().any(|t| words.contains(&t.as_str()))
}

fn phrase(tokens: &[String], p: &[&str]) -> bool {
    tokens
        .windows(p.len())
        .any(|w| w.iter().zip(p).all(|(a, b)| a == b))
}

/// Scores every intent and picks one. `linked` tells what the question names.
pub fn classify(tokens: &[String], linked: &Linked) -> Intent {
    let mut score: Vec<(Intent, i32)> = Vec::new();
    let mut add = |i: Intent, s: i32| score.push((i, s));
    let named = linked.slo.is_some()
        || linked.journey.is_some()
        || linked.service.is_some()
        || !linked.regions.is_empty()
        || linked.release.is_some();
    if has(tokens, OFF_TOPIC) {
        add(Intent::OutOfScope, 8);
    }
    // Comparisons.
    let mut cmp = 0;
    if has(tokens, COMPARE) {
        cmp += 4;
    }
    if linked.regions.len() >= 2 {
        cmp += 3;
    }
    if (has(tokens, &["yesterday"]) || phrase(tokens, &["last", "week"]))
        && has(
            tokens,
            &["now", "today", "compared", "compare", "vs", "versus"],
        )
    {
        cmp += 3;
    }
    add(Intent::Compare, cmp);
    // The forecast.
    let budget = has(tokens, &["budget", "budgets"]);
    let mut fc = 0;
    if phrase(tokens, &["run", "out"])
        || phrase(tokens, &["runs", "out"])
        || phrase(tokens, &["out", "of", "budget"])
    {
        fc += 4;
    }
    if has(tokens, RUNOUT) {
        fc += 3;
    }
    if phrase(tokens, &["how", "long"]) {
        fc += 2;
    }
    if phrase(tokens, &["to", "last"]) || phrase(tokens, &["how", "much"]) {
        fc += 2;
    }
    if phrase(tokens, &["when", "will"])
        || phrase(tokens, &["when", "does"])
        || phrase(tokens, &["when", "do"])
        || phrase(tokens, &["when", "is"])
    {
        fc += 1;
    }
    if phrase(tokens, &["at", "this", "rate"])
        || phrase(tokens, &["current", "rate"])
        || phrase(tokens, &["this", "burn", "rate"])
        || phrase(tokens, &["blow", "through"])
    {
        fc += 3;
    }
    if budget && fc > 0 {
        fc += 1;
    }
    add(Intent::Forecast, fc);
    // What is burning.
    let mut burn = 0;
    if has(tokens, BURN) {
        burn += 4;
    }
    if budget {
        burn += 1;
    }
    if phrase(tokens, &["which", "slo"]) || phrase(tokens, &["which", "slos"]) {
        burn += 2;
    }
    add(Intent::Burning, burn);
    // Deploys: did one cause it, or which happened.
    let deploy = has(tokens, DEPLOY) || linked.release.is_some();
    // "did anyone ship ..." asks what shipped; "did the deploy ..." asks why.
    let did_who = tokens.windows(2).any(|w| {
        w[0] == "did"
            && matches!(
                w[1].as_str(),
                "anyone" | "someone" | "we" | "they" | "you" | "anybody"
            )
    });
    let causal_words: Vec<&str> = CAUSAL
        .iter()
        .copied()
        .filter(|w| !(did_who && *w == "did"))
        .collect();
    let causal = has(tokens, &causal_words)
        || phrase(tokens, &["was", "it"])
        || phrase(tokens, &["is", "it"])
        || phrase(tokens, &["is", "this"])
        || phrase(tokens, &["could", "this"])
        || phrase(tokens, &["slow", "things"]);
    if deploy && causal {
        add(Intent::DeployCaused, 6);
    }
    let mut ch = 0;
    if has(tokens, CHANGE) {
        ch += 4;
    }
    if deploy && !causal {
        ch += 4;
    }
    add(Intent::Changes, ch);
    // When it started.
    let mut when = 0;
    if has(tokens, &["when"]) && !phrase(tokens, &["when", "will"]) {
        when += 2;
    }
    if phrase(tokens, &["when", "did"])
        || phrase(tokens, &["when", "was"])
        || phrase(tokens, &["when", "were"])
    {
        when += 2;
    }
    if phrase(tokens, &["since", "when"])
        || phrase(tokens, &["what", "time"])
        || phrase(tokens, &["how", "long", "ago"])
    {
        when += 3;
    }
    if has(tokens, START) {
        when += 2;
    }
    add(Intent::WhenStarted, when);
    // Recent failures.
    if has(tokens, FAILED) && has(tokens, LISTING) {
        add(Intent::RecentFailures, 5);
    }
    // Why.
    let why = has(tokens, WHY)
        || phrase(tokens, &["what", "is", "making"])
        || phrase(tokens, &["what", "is", "wrong"])
        || phrase(tokens, &["root", "cause"])
        || phrase(tokens, &["what", "gives"])
        || phrase(tokens, &["what", "is", "up"])
        || phrase(tokens, &["whats", "up"])
        || phrase(tokens, &["is", "it", "the"]);
    if why {
        let i = match linked.kind {
            Some(Kind::Latency) => Intent::WhySlow,
            Some(_) => Intent::WhyFailing,
            None => Intent::Clarify,
        };
        add(i, 5);
    }
    // Trouble stated about something named ("checkout throwing 500s"),
    // with no word asking for a status, asks why.
    let how = phrase(tokens, &["how", "is"]) || phrase(tokens, &["how", "are"]);
    if !why && named && linked.trouble_said && !has(tokens, STATUS) && !how {
        let i = if linked.kind == Some(Kind::Latency) {
            Intent::WhySlow
        } else {
            Intent::WhyFailing
        };
        add(i, 3);
    }
    // Status.
    let mut st = 0;
    if has(tokens, STATUS) {
        st += 3;
    }
    if phrase(tokens, &["how", "is"])
        || phrase(tokens, &["how", "are"])
        || phrase(tokens, &["going", "on"])
    {
        st += 2;
    }
    add(Intent::Status, st);
    let best = score
        .iter()
        .copied()
        .filter(|(_, s)| *s > 0)
        .max_by_key(|(i, s)| (*s, priority(*i)));
    match best {
        Some((i, _)) => i,
        None if named => Intent::Status,
        None => Intent::OutOfScope,
    }
}

/// Ties go to the more specific intent.
fn priority(i: Intent) -> u8 {
    match i {
        Intent::OutOfScope => 12,
        Intent::DeployCaused => 11,
        Intent::Compare => 10,
        Intent::Forecast => 9,
        Intent::RecentFailures => 8,
        Intent::WhenStarted => 7,
        Intent::WhySlow | Intent::WhyFailing => 6,
        Intent::Clarify => 5,
        Intent::Burning => 4,
        Intent::Changes => 3,
        Intent::Status => 2,
    }
}
