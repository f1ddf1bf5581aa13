//! The ready-to-copy CI examples in `docs/ci/` are valid YAML of the shape
//! each system reads, and each calls the gate the way docs/action.md says.

use std::path::Path;

fn doc(name: &str) -> serde_norway::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/ci")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        text.contains("sightline gate") || text.contains("- gate"),
        "{name} calls the gate"
    );
    assert!(!text.contains("Bearer "), "{name} holds no token");
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_github_actions_workflow_has_a_gate_job_before_deploy() {
    let w = doc("github-actions.yml");
    let gate = &w["jobs"]["gate"];
    assert!(gate["steps"].as_sequence().is_some_and(|s| s.len() >= 3));
    assert_eq!(
        w["jobs"]["deploy"]["needs"],
        serde_norway::Value::from("gate")
    );
    let run = gate["steps"][2]["run"].as_str().unwrap();
    assert!(run.contains("--junit") && run.contains("--server"), "{run}");
}

#[test]
fn the_gitlab_job_reports_junit() {
    let c = doc("gitlab-ci.yml");
    let job = &c["sightline-gate"];
    assert_eq!(
        job["artifacts"]["reports"]["junit"],
        serde_norway::Value::from("sightline-gate.xml")
    );
    assert!(job["script"].as_sequence().is_some_and(|s| {
        s.iter()
            .any(|l| l.as_str().is_some_and(|l| l.starts_with("sightline gate")))
    }));
}

#[test]
fn the_argo_cd_hook_is_a_presync_job() {
    let j = doc("argocd-presync-job.yaml");
    assert_eq!(j["kind"], serde_norway::Value::from("Job"));
    assert_eq!(
        j["metadata"]["annotations"]["argocd.argoproj.io/hook"],
        serde_norway::Value::from("PreSync")
    );
    let c = &j["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["args"][0], serde_norway::Value::from("gate"));
    assert_eq!(
        c["env"][0]["valueFrom"]["secretKeyRef"]["key"],
        serde_norway::Value::from("token")
    );
    assert_eq!(
        j["spec"]["template"]["spec"]["restartPolicy"],
        serde_norway::Value::from("Never")
    );
}
