//! End-to-end tests of the `sightline` binary, run as a user would run it.

mod action;
mod ask;
mod attribution;
mod db;
mod demo;
mod discover;
mod email;
mod gate;
mod incident;
mod journey;
mod replay;
mod run;
mod runs;
mod serve;
mod slo;
mod telemetry;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

/// Runs the real binary with `args`, isolated from the user's own database.
pub fn sightline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args(args)
        .env_remove("SIGHTLINE_DB")
        .env("HOME", std::env::temp_dir())
        .output()
        .expect("run sightline")
}

/// The recorded incidents in `datasets/incidents/`.
pub fn dataset() -> std::path::PathBuf {
    std::path::PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../../datasets/incidents")
}

/// The recorded incident with the CPU red herring: inventory burns CPU in
/// us-east-1, then payment gets slow there.
pub const INCIDENT: &str = "09-cpu-red-herring-then-payment-latency-use1";

/// Stores [`INCIDENT`]'s spans, logs, metrics and deploys in a new database
/// at `db`, and returns its runs (oldest first) for the caller to store or
/// replay as the test needs.
pub fn incident_telemetry(db: &Path) -> Vec<sightline_core::Run> {
    recorded_incident(INCIDENT, db)
}

/// [`incident_telemetry`] for any recorded incident in `datasets/incidents/`.
pub fn recorded_incident(name: &str, db: &Path) -> Vec<sightline_core::Run> {
    let inc = sightline_demo::incident_files::load(&dataset().join(name)).unwrap();
    let mut store = sightline_store::Store::open(db).unwrap();
    inc.store_telemetry(&mut store).unwrap()
}

/// A project folder (`slos/`, `journeys/`) for `sightline ask` over the
/// recorded incidents: their SLOs and journeys, and the demo's API journey.
pub fn incidents_project(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("project");
    std::fs::create_dir_all(p.join("slos")).unwrap();
    std::fs::create_dir_all(p.join("journeys")).unwrap();
    std::fs::copy(dataset().join("slos.yaml"), p.join("slos/slos.yaml")).unwrap();
    for f in ["api-login.yaml", "api-browse.yaml"] {
        std::fs::copy(
            dataset().join("journeys").join(f),
            p.join("journeys").join(f),
        )
        .unwrap();
    }
    std::fs::copy(
        dataset().join("../../journeys/demo/api-order-status.yaml"),
        p.join("journeys/api-order-status.yaml"),
    )
    .unwrap();
    p
}

/// Standard output as JSON, or a panic showing both streams.
pub fn stdout_json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(out)
        )
    })
}

/// SHA-256 of a file.
pub fn digest(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

/// The `<text>` elements of an SVG document (which must parse as XML), as
/// `(fill colour, trimmed text)`.
pub fn svg_texts(svg: &str) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML ({e}): {svg}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            (
                n.attribute("fill").unwrap_or("").to_owned(),
                n.text().unwrap_or("").trim().to_owned(),
            )
        })
        .collect()
}

/// Whether an SVG document has the onset band: a translucent rect in the
/// danger colour.
pub fn has_onset_band(svg: &str) -> bool {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let danger = sightline_charts::theme::svg_colour(sightline_charts::theme::DANGER);
    doc.descendants().any(|n| {
        n.has_tag_name("rect")
            && n.attribute("fill") == Some(danger.as_str())
            && n.attribute("opacity").is_some_and(|o| o != "1")
    })
}

/// The inline `<svg>` documents of a self-contained HTML page, after
/// checking that nothing in it loads or links anything: no URL scheme, no
/// `src=` or `href=`, no script.
pub fn self_contained_svgs(page: &str) -> Vec<String> {
    for bad in [
        "http://", "https://", "src=", "href=", "<script", "<link", "url(",
    ] {
        assert!(!page.contains(bad), "the page holds {bad:?}:\n{page}");
    }
    assert!(page.starts_with("<!DOCTYPE html>"));
    page.split("<svg ")
        .skip(1)
        .map(|rest| {
            let end = rest.find("</svg>").expect("a closed svg") + "</svg>".len();
            format!("<svg {}", &rest[..end])
        })
        .collect()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Answers `/ok` with 200 JSON and anything else with 500, on a thread,
/// for at most `n` requests.
pub fn ok_server(n: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let len = s.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..len]);
            let (status, body) = if head.starts_with("GET /ok") {
                ("200 OK", r#"{"status":"ok"}"#)
            } else {
                ("500 Internal Server Error", r#"{"error":"boom"}"#)
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    origin
}
