//! `{{secret.NAME}}` and `{{var.NAME}}` references inside step strings.
//!
//! Only text of the form `{{ word.word }}` is treated as a reference, so
//! JavaScript in a `waitForExpression` that happens to contain `{{` is left
//! alone.

/// What a reference points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference<'a> {
    /// `{{secret.NAME}}`: a value from the environment or OS keyring.
    Secret(&'a str),
    /// `{{var.NAME}}`: a journey variable.
    Var(&'a str),
    /// `{{other.NAME}}`: looks like a reference but names no known namespace.
    Unknown {
        /// The whole reference as written, braces included.
        text: &'a str,
    },
}

/// All references in `text`, in order.
pub fn references(text: &str) -> Vec<Reference<'_>> {
    let mut found = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let inner = after[..end].trim();
        let whole_start = offset + start;
        let whole_end = whole_start + 2 + end + 2;
        if let Some((ns, name)) = inner.split_once('.')
            && is_identifier(ns)
            && is_identifier(name)
        {
            found.push(match ns {
                "secret" => Reference::Secret(name),
                "var" => Reference::Var(name),
                _ => Reference::Unknown {
                    text: &text[whole_start..whole_end],
                },
            });
        }
        offset = whole_end;
        rest = &text[offset..];
    }
    found
}

/// True for `[A-Za-z_][A-Za-z0-9_]*`: the names of secrets and variables.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// True when `text` contains at least one `{{secret.…}}` reference.
pub fn has_secret_reference(text: &str) -> bool {
    references(text)
        .iter()
        .any(|r| matches!(r, Reference::Secret(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_references_and_ignores_javascript_braces() {
        let refs = references("Bearer {{ secret.api_token }} for {{var.user}} {{env.HOME}}");
        assert_eq!(
            refs,
            vec![
                Reference::Secret("api_token"),
                Reference::Var("user"),
                Reference::Unknown {
                    text: "{{env.HOME}}"
                },
            ]
        );
        assert!(references("() => {{ return 1 }}").is_empty());
        assert!(references("{{secret.unclosed").is_empty());
    }
}
