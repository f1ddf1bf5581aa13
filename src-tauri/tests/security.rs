//! The shell's security policy, read from the files Tauri compiles in: the
//! window may call Sightline's own commands and nothing else, and the webview
//! loads nothing from outside the app.

use serde_json::Value;

fn read_json(rel: &str) -> Value {
    let path = std::path::Path::new(
        &std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect()
}

#[test]
fn the_main_window_is_granted_exactly_the_contract_and_shell_commands() {
    let conf = read_json("tauri.conf.json");
    assert_eq!(
        strings(&conf["app"]["security"]["capabilities"]),
        ["main-window"]
    );

    let cap = read_json("capabilities/main-window.json");
    assert_eq!(strings(&cap["windows"]), ["main"]);
    assert!(cap.get("remote").is_none(), "no remote URL may use IPC");

    // The contract's commands and the shell's own (the question box's `ask`),
    // which must not shadow one of the contract's.
    for name in sightline_app::SHELL_COMMAND_NAMES {
        assert!(
            !sightline_api::COMMAND_NAMES.contains(name),
            "{name} is in the contract and the shell's own list"
        );
    }
    assert!(sightline_app::SHELL_COMMAND_NAMES.contains(&"ask"));
    // Tauri names an app command's permission `allow-<command in kebab-case>`.
    let mut expected: Vec<String> = sightline_api::COMMAND_NAMES
        .iter()
        .chain(sightline_app::SHELL_COMMAND_NAMES)
        .map(|name| format!("allow-{}", name.replace('_', "-")))
        .collect();
    let mut granted = strings(&cap["permissions"]);
    expected.sort();
    granted.sort();
    assert_eq!(
        granted, expected,
        "only the app's own commands, no core or plugin permissions"
    );
}

#[test]
fn the_csp_allows_only_the_app_itself() {
    let conf = read_json("tauri.conf.json");
    let csp = conf["app"]["security"]["csp"]
        .as_object()
        .expect("csp is a directive map");
    assert_eq!(csp["default-src"], "'self'");
    for (directive, sources) in csp {
        let sources = sources.as_str().expect("a source list");
        for source in sources.split_whitespace() {
            let allowed = matches!(source, "'self'" | "'none'" | "data:" | "ipc:")
                || source == "http://ipc.localhost";
            assert!(
                allowed,
                "{directive} allows {source}: nothing remote or unsafe may load"
            );
        }
    }
    for directive in [
        "script-src",
        "style-src",
        "connect-src",
        "object-src",
        "frame-src",
    ] {
        assert!(
            csp.contains_key(directive),
            "{directive} must be set explicitly"
        );
    }
}
