//! The project file: defaults, and errors that name the line or the field.

use sightline_runner::Project;

fn load(dir: &std::path::Path, toml: &str) -> Result<Project, String> {
    let file = dir.join("sightline.toml");
    std::fs::write(&file, toml).unwrap();
    Project::load(&file).map_err(|e| e.to_string())
}

fn journey(dir: &std::path::Path) {
    std::fs::write(
        dir.join("j.yaml"),
        "name: j\nsteps:\n  - type: navigate\n    url: http://127.0.0.1:9/\n",
    )
    .unwrap();
}

#[test]
fn defaults_fill_in_and_regions_resolve() {
    let dir = tempfile::tempdir().unwrap();
    journey(dir.path());
    let p = load(
        dir.path(),
        "[regions.us-east-1]\nbase_url = \"http://127.0.0.1:1\"\n[regions.eu-west-1]\n\n[[schedule]]\njourney = \"j.yaml\"\nevery = \"1m\"\n",
    )
    .unwrap();
    assert_eq!(p.schedules.len(), 1);
    let s = &p.schedules[0];
    assert_eq!(s.every.as_secs(), 60);
    assert_eq!(s.jitter.as_secs(), 6, "10% of the interval by default");
    assert_eq!(s.regions.len(), 2, "every region by default");
    assert_eq!(s.retries, 0);
    assert!(p.runner.pool_size >= 1);
    let only = p.only_region("eu-west-1").unwrap();
    assert_eq!(only.schedules[0].regions[0].name, "eu-west-1");
}

#[test]
fn errors_name_the_line_or_the_field() {
    let dir = tempfile::tempdir().unwrap();
    journey(dir.path());
    let cases = [
        ("[[schedule]]\njourney = \"j.yaml\"\nevery = \n", "line 3"),
        (
            "[[schedule]]\njourney = \"j.yaml\"\nevery = \"5x\"\n",
            "schedule[0].every",
        ),
        (
            "[[schedule]]\njourney = \"j.yaml\"\nevery = \"1m\"\nregions = [\"mars-1\"]\n",
            "schedule[0].regions: unknown region \"mars-1\"",
        ),
        (
            "[runner]\npool_size = 0\n[[schedule]]\njourney = \"j.yaml\"\nevery = \"1m\"\n",
            "runner.pool_size",
        ),
        ("[runner]\npoolsize = 2\n", "unknown field `poolsize`"),
        (
            "[[schedule]]\njourney = \"missing.yaml\"\nevery = \"1m\"\n",
            "missing.yaml",
        ),
        (
            "[[schedule]]\njourney = \"j.yaml\"\nevery = \"10s\"\njitter = \"10s\"\n",
            "schedule[0].jitter",
        ),
        ("", "no [[schedule]] entries"),
    ];
    for (toml, expected) in cases {
        let err = load(dir.path(), toml).unwrap_err();
        assert!(err.contains(expected), "{toml:?}: {err}");
        assert!(
            err.contains("sightline.toml") || err.contains("missing.yaml"),
            "{err}"
        );
        assert!(!err.contains('\n'), "one line: {err:?}");
    }
}

#[test]
fn the_repository_demo_project_loads() {
    let file = std::path::Path::new(
        &std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../../sightline.toml");
    let p = Project::load(&file).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.regions.len(), 3);
    assert_eq!(p.schedules.len(), 4);
    let names: Vec<_> = p
        .schedules
        .iter()
        .map(|s| s.journey.journey.name.as_str())
        .collect();
    assert!(names.contains(&"demo-checkout"), "{names:?}");
    assert!(
        p.schedules
            .iter()
            .all(|s| s.regions.len() == 3 && s.retries == 1)
    );
}
