use sightline_journeys::{JourneyError, ValidationError, from_yaml_str};

/// Loads `yaml` as `journeys/t.yaml` and returns its validation errors.
fn errors(yaml: &str) -> Vec<ValidationError> {
    match from_yaml_str(yaml, "journeys/t.yaml") {
        Err(JourneyError::Invalid { errors }) => errors,
        other => panic!("expected validation errors, got {other:?}"),
    }
}

fn one(yaml: &str) -> (String, &'static str) {
    let errs = errors(yaml);
    assert_eq!(errs.len(), 1, "{errs:?}");
    (errs[0].to_string(), errs[0].code())
}

const HEAD: &str = "name: t\nbaseUrl: https://shop.example\nsecrets: [pw]\nsteps:\n  - { type: navigate, url: / }\n";

#[test]
fn empty_selectors_name_file_step_and_field() {
    let (msg, code) = one(&format!("{HEAD}  - {{ type: hover, selectors: [] }}\n"));
    assert_eq!(
        msg,
        "journeys/t.yaml: steps[1].selectors: must not be empty"
    );
    assert_eq!(code, "journey.empty");
    let (msg, _) = one(&format!(
        "{HEAD}  - {{ type: hover, selectors: [[\"#a\", \"\"]] }}\n"
    ));
    assert_eq!(
        msg,
        "journeys/t.yaml: steps[1].selectors[0][1]: must not be empty"
    );
    let (msg, code) = one(&format!(
        "{HEAD}  - {{ type: hover, selectors: [\"aria/\"] }}\n"
    ));
    assert_eq!(
        msg,
        "journeys/t.yaml: steps[1].selectors[0]: `aria/` has a prefix but no selector after it"
    );
    assert_eq!(code, "journey.malformed");
}

#[test]
fn secrets_must_be_declared() {
    let (msg, code) = one(&format!(
        "{HEAD}  - {{ type: change, selectors: ['#user'], value: '{{{{secret.user}}}}' }}\n"
    ));
    assert_eq!(
        msg,
        "journeys/t.yaml: steps[1].value: secret `user` is not declared in `secrets`"
    );
    assert_eq!(code, "journey.undeclared_secret");
    let (msg, _) = one(&format!(
        "{HEAD}  - {{ type: totp, secret: seed, variable: code }}\n"
    ));
    assert_eq!(
        msg,
        "journeys/t.yaml: steps[1].secret: secret `seed` is not declared in `secrets`"
    );
    let (msg, _) = one(&format!(
        "{HEAD}  - {{ type: http, url: /x, headers: {{ X-Key: '{{{{secret.key}}}}' }} }}\n"
    ));
    assert_eq!(
        msg,
        "journeys/t.yaml: steps[1].headers.X-Key: secret `key` is not declared in `secrets`"
    );
}

#[test]
fn passwords_and_credentials_in_clear_are_rejected() {
    let (msg, code) = one(&format!(
        "{HEAD}  - {{ type: change, selectors: ['input[name=password]'], value: hunter2 }}\n"
    ));
    assert_eq!(code, "journey.literal_secret");
    assert!(
        msg.starts_with("journeys/t.yaml: steps[1].value: looks like a credential"),
        "{msg}"
    );
    let (msg, _) = one(&format!(
        "{HEAD}  - {{ type: http, url: /x, headers: {{ Authorization: Bearer abc }} }}\n"
    ));
    assert!(
        msg.starts_with("journeys/t.yaml: steps[1].headers.Authorization:"),
        "{msg}"
    );
    // A secret reference is fine.
    from_yaml_str(
        &format!(
            "{HEAD}  - {{ type: change, selectors: ['#password'], value: '{{{{secret.pw}}}}' }}\n"
        ),
        "t.yaml",
    )
    .unwrap();
}

#[test]
fn variables_must_be_set_before_use() {
    let (msg, code) = one(&format!(
        "{HEAD}  - {{ type: navigate, url: '/u/{{{{var.id}}}}' }}\n  - {{ type: setVariable, name: id, value: '7' }}\n"
    ));
    assert_eq!(
        msg,
        "journeys/t.yaml: steps[1].url: variable `id` is not set before this step (declare it in `variables` or set it in an earlier step)"
    );
    assert_eq!(code, "journey.unset_variable");
    // Set first, then used: valid. Captures count too.
    from_yaml_str(
        &format!("{HEAD}  - {{ type: http, url: /a, capture: [{{ variable: id, pointer: /id }}] }}\n  - {{ type: navigate, url: '/u/{{{{var.id}}}}' }}\n"),
        "t.yaml",
    )
    .unwrap();
    let (msg, code) = one(&format!(
        "{HEAD}  - {{ type: assertUrl, url: '{{{{env.HOME}}}}' }}\n"
    ));
    assert_eq!(code, "journey.bad_reference");
    assert!(
        msg.starts_with("journeys/t.yaml: steps[1].url: bad reference `{{env.HOME}}`"),
        "{msg}"
    );
}

#[test]
fn http_assertions_and_captures_are_checked() {
    let errs = errors(&format!(
        "{HEAD}  - type: http\n    method: FETCH\n    url: /a\n    expect:\n      status: 42\n      json:\n        - {{ pointer: a, equals: 1 }}\n        - {{ pointer: /a, path: $.a, exists: true }}\n        - {{ path: a.b, exists: true }}\n        - {{ pointer: /ok }}\n    capture:\n      - {{ variable: 9x, header: '' }}\n"
    ));
    let got: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        [
            "journeys/t.yaml: steps[1].method: must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
            "journeys/t.yaml: steps[1].expect.status: must be an HTTP status (100 to 599)",
            "journeys/t.yaml: steps[1].expect.json[0].pointer: must be a JSON Pointer: empty, or `/` followed by segments (`~0`, `~1` escapes)",
            "journeys/t.yaml: steps[1].expect.json[1]: give exactly one of `pointer` or `path`",
            "journeys/t.yaml: steps[1].expect.json[2].path: a JSONPath must start with `$`",
            "journeys/t.yaml: steps[1].expect.json[3]: give at least one of `equals`, `exists` or `matches`",
            "journeys/t.yaml: steps[1].capture[0].variable: `9x` is not a name (letters, digits and _)",
            "journeys/t.yaml: steps[1].capture[0].header: must not be empty",
        ]
    );
}

#[test]
fn journey_level_rules() {
    let errs = errors(
        "name: ''\nbaseUrl: shop.example\nsecrets: [a, a]\ntimeouts: { runMs: 10, stepMs: 20 }\nsteps: []\n",
    );
    let got: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        [
            "journeys/t.yaml: name: must not be empty",
            "journeys/t.yaml: baseUrl: must start with http:// or https://",
            "journeys/t.yaml: timeouts.stepMs: must not exceed timeouts.runMs",
            "journeys/t.yaml: secrets[1]: `a` is declared twice",
            "journeys/t.yaml: steps: must not be empty",
        ]
    );
    let (msg, _) = one("name: t\nsteps:\n  - { type: navigate, url: /login }\n");
    assert_eq!(
        msg,
        "journeys/t.yaml: steps[0].url: a relative URL needs `baseUrl` on the journey"
    );
}

#[test]
fn shape_errors_name_the_step_too() {
    match from_yaml_str(
        &format!("{HEAD}  - {{ type: clik, selectors: ['#a'] }}\n"),
        "journeys/t.yaml",
    ) {
        Err(e @ JourneyError::Syntax { .. }) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("journeys/t.yaml: steps[1].type: unknown variant `clik`"),
                "{msg}"
            );
            assert_eq!(e.code(), "journey.syntax");
        }
        other => panic!("{other:?}"),
    }
    match from_yaml_str("name: t\nsteps:\n  - { type: wait, ms: soon }\n", "t.yaml") {
        Err(e @ JourneyError::Syntax { .. }) => {
            assert!(e.to_string().starts_with("t.yaml: steps[0]"), "{e}")
        }
        other => panic!("{other:?}"),
    }
}
