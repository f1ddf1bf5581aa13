//! Settings over a real project folder, and secrets that never come back.

use std::sync::Arc;

use sightline_api::secrets::{
    OsKeyring, SecretDeleteRequest, SecretSetRequest, SecretStore, secret_delete, secret_set,
};
use sightline_api::settings::{
    RegionSetting, SettingsRequest, SettingsSaveRequest, settings, settings_save,
};
use sightline_api::{ErrorCode, IpcError};
use sightline_core::Outcome;

use crate::fixture::{MemorySecrets, NOW_MS, Project, run};

#[test]
fn settings_show_the_database_regions_and_pool() {
    let p = Project::new();
    p.insert(&[run("checkout", "eu-west-1", NOW_MS, Outcome::Pass, 900)]);
    let s = settings(&p.ctx, SettingsRequest::default()).unwrap();
    assert!(s.database.exists);
    assert_eq!(s.database.runs, 1);
    assert!(s.database.schema_version.is_some());
    assert!(s.database.how_to_change.contains("SIGHTLINE_DB"));
    assert_eq!(s.project_file, "sightline.toml");
    assert_eq!(s.project_problem, None);
    let names: Vec<_> = s.regions.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["eu-west-1", "us-east-1"]);
    assert!(!s.runner.pool_size_set);
    assert_eq!(s.runner.pool_size, s.runner.default_pool_size);
    assert_eq!(s.runner.retries, 1);
    assert_eq!(s.secrets.secrets.len(), 1);
    assert_eq!(s.secrets.secrets[0].name, "shop_password");
    assert_eq!(s.secrets.secrets[0].used_by, ["checkout"]);
    assert_eq!(s.secrets.secrets[0].stored, Some(false));
}

#[test]
fn saving_edits_sightline_toml_in_place_and_refuses_what_would_not_load() {
    let p = Project::new();
    let req = SettingsSaveRequest {
        pool_size: Some(3),
        regions: vec![
            RegionSetting {
                name: "eu-west-1".into(),
                base_url: Some("http://127.0.0.1:7".into()),
            },
            RegionSetting {
                name: "ap-south-1".into(),
                base_url: None,
            },
        ],
    };
    let s = settings_save(&p.ctx, req).unwrap();
    assert_eq!(s.runner.pool_size, 3);
    assert!(s.runner.pool_size_set);
    let names: Vec<_> = s.regions.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["ap-south-1", "eu-west-1"]);
    let text = std::fs::read_to_string(p.path("sightline.toml")).unwrap();
    assert!(text.starts_with("# test project"), "comments kept: {text}");
    assert!(text.contains("retries = 1 # one retry"), "{text}");

    let before = std::fs::read_to_string(p.path("sightline.toml")).unwrap();
    for (req, field) in [
        (
            SettingsSaveRequest {
                pool_size: Some(9),
                regions: vec![],
            },
            "runner.pool_size:",
        ),
        (
            SettingsSaveRequest {
                pool_size: None,
                regions: vec![RegionSetting {
                    name: "bad name".into(),
                    base_url: None,
                }],
            },
            "regions[0].name:",
        ),
    ] {
        let err = IpcError::from(settings_save(&p.ctx, req).unwrap_err());
        assert_eq!(err.code, ErrorCode::BadInput);
        assert!(err.message.starts_with(field), "{}", err.message);
    }
    assert_eq!(
        std::fs::read_to_string(p.path("sightline.toml")).unwrap(),
        before,
        "a refused save leaves the file as it was"
    );
}

#[test]
fn a_stored_secret_is_reported_as_stored_and_its_value_never_comes_back() {
    let p = Project::new();
    let memory = Arc::new(MemorySecrets::default());
    let ctx = p.ctx.clone().with_secret_store(memory.clone());
    let value = "correct horse battery staple";
    let list = secret_set(
        &ctx,
        SecretSetRequest {
            name: "shop_password".into(),
            value: value.into(),
        },
    )
    .unwrap();
    assert_eq!(list.secrets[0].stored, Some(true));
    assert_eq!(memory.get("shop_password").unwrap().as_deref(), Some(value));
    let json = serde_json::to_string(&list).unwrap();
    assert!(!json.contains(value), "{json}");
    let shown = format!(
        "{:?}",
        SecretSetRequest {
            name: "shop_password".into(),
            value: value.into()
        }
    );
    assert!(!shown.contains(value), "{shown}");

    // A name no journey declares yet is listed once stored.
    let list = secret_set(
        &ctx,
        SecretSetRequest {
            name: "api_token".into(),
            value: "t".into(),
        },
    )
    .unwrap();
    assert!(
        list.secrets
            .iter()
            .any(|s| s.name == "api_token" && s.used_by.is_empty())
    );

    let list = secret_delete(
        &ctx,
        SecretDeleteRequest {
            name: "shop_password".into(),
        },
    )
    .unwrap();
    assert_eq!(
        list.secrets
            .iter()
            .find(|s| s.name == "shop_password")
            .unwrap()
            .stored,
        Some(false)
    );

    for (name, value) in [("bad name", "x"), ("ok", "")] {
        let err = IpcError::from(
            secret_set(
                &ctx,
                SecretSetRequest {
                    name: name.into(),
                    value: value.into(),
                },
            )
            .unwrap_err(),
        );
        assert_eq!(err.code, ErrorCode::BadInput);
    }
}

/// The real OS keyring: on a desktop it round-trips a value; on a machine
/// without a Secret Service (CI) it must fail with the keyring code and a
/// message saying what is missing, not panic or pretend.
#[test]
fn the_os_keyring_round_trips_or_says_clearly_that_it_is_unavailable() {
    let keyring = OsKeyring::with_service(format!("dev.sightline.test.{}", std::process::id()));
    match keyring.set("sightline_test_secret", "s3cret-value") {
        Ok(()) => {
            assert_eq!(
                keyring.get("sightline_test_secret").unwrap().as_deref(),
                Some("s3cret-value")
            );
            keyring.delete("sightline_test_secret").unwrap();
            assert_eq!(keyring.get("sightline_test_secret").unwrap(), None);
        }
        Err(e) => {
            let wire = IpcError::from(e);
            assert_eq!(wire.code, ErrorCode::KeyringUnavailable);
            assert!(
                wire.message.contains("OS keyring is not available"),
                "{}",
                wire.message
            );
            assert!(!wire.message.contains("s3cret-value"));
            eprintln!("no Secret Service here: {}", wire.message);
            // Settings then report it once, without failing the whole view.
            let p = Project::new();
            let ctx = p.ctx.clone().with_secret_store(Arc::new(keyring));
            let s = settings(&ctx, SettingsRequest::default()).unwrap();
            assert!(!s.secrets.available);
            assert!(s.secrets.problem.is_some());
            assert_eq!(s.secrets.secrets[0].stored, None);
        }
    }
}
