//! `sightline journey ...` against the bundled example journeys.

use crate::{sightline, stderr};

fn root() -> std::path::PathBuf {
    std::path::Path::new(
        &std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../..")
}

#[test]
fn the_bundled_examples_validate() {
    let dir = root().join("journeys/examples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut args = vec!["--json", "journey", "validate"];
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    let out = sightline(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for v in doc.as_array().unwrap() {
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(v["version"].as_str().unwrap().len(), 64, "sha-256 hex: {v}");
    }
}

#[test]
fn an_invalid_journey_names_file_step_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "name: bad\nsteps:\n  - type: navigate\n    url: /\n  - type: click\n    selectors: []\n",
    )
    .unwrap();
    let out = sightline(&["journey", "validate", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}: steps[1].selectors", bad.display())),
        "{err}"
    );
}

#[test]
fn recorder_import_then_export_keeps_the_steps() {
    let dir = tempfile::tempdir().unwrap();
    let recording = root().join("crates/journeys/tests/data/recorder_login.json");
    let yaml = dir.path().join("login.yaml");
    let out = sightline(&[
        "journey",
        "import",
        recording.to_str().unwrap(),
        "--out",
        yaml.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The password typed in the recording never reaches the journey file.
    let text = std::fs::read_to_string(&yaml).unwrap();
    assert!(text.contains("{{secret.password}}"), "{text}");
    // Importing again without --force is refused and keeps the file.
    let again = sightline(&[
        "journey",
        "import",
        recording.to_str().unwrap(),
        "--out",
        yaml.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(3), "{}", stderr(&again));
    assert_eq!(std::fs::read_to_string(&yaml).unwrap(), text);

    let out = sightline(&[
        "journey",
        "export",
        yaml.to_str().unwrap(),
        "--format",
        "recorder",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let exported: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&recording).unwrap()).unwrap();
    assert_eq!(
        exported["steps"].as_array().unwrap().len(),
        original["steps"].as_array().unwrap().len(),
        "every Recorder step survives the round trip"
    );
}

#[test]
fn a_broken_recording_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("rec.json");
    std::fs::write(
        &broken,
        "{\"title\": \"x\", \"steps\": [ {\"type\": \"click\" ",
    )
    .unwrap();
    let yaml = dir.path().join("out.yaml");
    let out = sightline(&[
        "journey",
        "import",
        broken.to_str().unwrap(),
        "--out",
        yaml.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("rec.json"));
    assert!(!yaml.exists());
}

#[test]
fn record_refuses_without_a_display_or_over_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("new.yaml");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args([
            "record",
            "--url",
            "http://127.0.0.1:9/",
            "--out",
            out.to_str().unwrap(),
        ])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert!(
        crate::stderr(&o).contains("needs a display"),
        "{}",
        crate::stderr(&o)
    );
    assert!(!out.exists());
    std::fs::write(&out, "keep me").unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args([
            "record",
            "--url",
            "http://127.0.0.1:9/",
            "--out",
            out.to_str().unwrap(),
        ])
        .env("DISPLAY", ":99")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert!(
        crate::stderr(&o).contains("--force"),
        "{}",
        crate::stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");
}
