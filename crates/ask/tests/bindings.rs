//! The committed TypeScript bindings of the question box must match the
//! Rust types, as the api's must (crates/api/tests/api/bindings.rs).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sightline_ask::bindings::{BINDINGS_DIR, write_typescript_bindings};

/// The api's committed bindings folder, which the UI imports from.
fn api_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/ipc/bindings")
}

/// Every `.ts` file directly in `dir`, by name.
fn read_ts_files(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.expect("read_dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ts"))
        .map(|p| {
            let name = p
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&p).expect("read binding");
            (name, text)
        })
        .collect()
}

#[test]
fn committed_ask_bindings_are_up_to_date() {
    let fresh_dir = tempfile::tempdir().expect("temp dir");
    write_typescript_bindings(fresh_dir.path()).expect("generate bindings");
    let fresh = read_ts_files(fresh_dir.path());
    for name in ["contract.ts", "index.ts", "Answer.ts", "AskRequest.ts"] {
        assert!(fresh.contains_key(name), "{name} was not generated");
    }
    let contract = &fresh["contract.ts"];
    assert!(
        contract.contains("ask: { request: AskRequest; response: Answer };"),
        "{contract}"
    );

    // The UI re-exports both folders side by side, so a type name the api
    // already exports would make one of them unreachable.
    let api = read_ts_files(&api_dir());
    assert!(
        api.contains_key("contract.ts"),
        "the api's bindings are missing"
    );
    let clashes: Vec<&String> = fresh
        .keys()
        .filter(|n| *n != "contract.ts" && *n != "index.ts" && api.contains_key(*n))
        .collect();
    assert!(
        clashes.is_empty(),
        "the api already has bindings named {clashes:?}"
    );

    let committed_dir = api_dir().join(BINDINGS_DIR);
    if std::env::var("SIGHTLINE_BLESS").is_ok_and(|v| v == "1") {
        // Replace the folder's .ts files wholesale so a type that left the
        // answer leaves the UI too.
        for name in read_ts_files(&committed_dir).keys() {
            std::fs::remove_file(committed_dir.join(name)).expect("remove stale binding");
        }
        std::fs::create_dir_all(&committed_dir).expect("create bindings dir");
        for (name, text) in &fresh {
            std::fs::write(committed_dir.join(name), text).expect("write binding");
        }
        return;
    }

    let committed = read_ts_files(&committed_dir);
    let mut problems = Vec::new();
    for (name, text) in &fresh {
        match committed.get(name) {
            None => problems.push(format!("missing: {name}")),
            Some(old) if old != text => problems.push(format!("stale:   {name}")),
            Some(_) => {}
        }
    }
    for name in committed.keys().filter(|n| !fresh.contains_key(*n)) {
        problems.push(format!("extra:   {name}"));
    }
    assert!(
        problems.is_empty(),
        "the TypeScript bindings in {} do not match the Rust types:\n  {}\n\
         regenerate them with: SIGHTLINE_BLESS=1 cargo test -p sightline-ask --test ask bindings",
        committed_dir.display(),
        problems.join("\n  ")
    );
}
