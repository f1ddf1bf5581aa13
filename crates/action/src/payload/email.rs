//! E-mail: a subject line and a plain-text body for one notice or a group.

use crate::notice::Notice;

/// `(subject, body)` for `notices`.
pub fn message(notices: &[Notice]) -> (String, String) {
    let subject = match notices {
        [one] => one.title.clone(),
        many => format!("[Sightline] {} alert changes", many.len()),
    };
    let mut body = String::new();
    for n in notices {
        body.push_str(&n.title);
        body.push('\n');
        if let Some(a) = &n.attribution {
            body.push_str(a);
            body.push('\n');
        }
        if !n.regions.is_empty() {
            body.push_str(&format!("Regions: {}\n", n.regions.join(", ")));
        }
        body.push_str(&format!("Open in Sightline: {}\n\n", n.link));
    }
    body.push_str("-- \nSent by Sightline. Routing: notify.yaml in the project.\n");
    (super::clip(&subject.replace(['\r', '\n'], " "), 200), body)
}
