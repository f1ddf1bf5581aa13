//! The journey skeleton of a candidate, in Sightline's journey YAML: a
//! `navigate` step per page (`GET`) and an `http` step per other request,
//! along the representative path, with the example path of each step. The
//! clicks and form fields between them are what `sightline record` adds:
//! selectors are left to fill in by recording.

/// A JSON string is a valid YAML scalar, escapes included.
fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// One step of the skeleton: `METHOD route` and an example path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkeletonStep {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The route template.
    pub route: String,
    /// A real path seen for it.
    pub example: String,
}

/// The skeleton's YAML.
pub fn journey_yaml(
    name: &str,
    description: &str,
    base_url: &str,
    candidate_id: &str,
    steps: &[SkeletonStep],
) -> String {
    let mut y = String::new();
    y.push_str(&format!(
        "# Proposed by `sightline discover` (candidate {candidate_id}). Record the clicks\n\
         # between these steps with `sightline record`, which fills in the selectors.\n"
    ));
    y.push_str(&format!("name: {}\n", quoted(name)));
    y.push_str(&format!("description: {}\n", quoted(description)));
    y.push_str("tags: [discovered]\n");
    y.push_str(&format!("baseUrl: {}\n", quoted(base_url)));
    y.push_str("steps:\n");
    for s in steps {
        let title = quoted(&format!("{} {}", s.method, s.route));
        if s.method == "GET" {
            y.push_str(&format!(
                "  - type: navigate\n    title: {title}\n    url: {}\n",
                quoted(&s.example)
            ));
        } else {
            y.push_str(&format!(
                "  - type: http\n    title: {title}\n    method: {}\n    url: {}\n",
                quoted(&s.method),
                quoted(&s.example)
            ));
        }
    }
    y
}
