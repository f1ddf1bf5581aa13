//! The error-budget policy file: what product owners write once, and what
//! the gate, the live loop and the app enforce.
//!
//! ```yaml
//! apiVersion: sightline/v1
//! kind: ErrorBudgetPolicy
//! rules:
//!   - name: freeze
//!     when: { budget_remaining_below: 10% }
//!     then: [block]
//!     except_fixes: true
//!   - name: exhausted
//!     when: { budget_exhausted: true }
//!     then: [notify, require_approval]
//!   - name: slow-burn-3d
//!     when: { alert_firing: { severity: ticket, for: 3d } }
//!     then: [open_incident]
//! ```
//!
//! A rule holds when every condition in its `when` holds. Parsing names the
//! file, the line and the field of what is wrong.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ActionError;

/// The only `apiVersion` this build reads.
pub const API_VERSION: &str = "sightline/v1";

/// A parsed, validated policy.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Policy {
    /// Which SLOs the policy covers (names, `*` globs); all when empty.
    pub slos: Vec<String>,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
}

/// One rule: conditions and what to do while they hold.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Rule {
    /// Unique within the file; shown in gate output and the app.
    pub name: String,
    /// Every condition must hold.
    pub when: Conditions,
    /// What to do while it holds.
    pub then: Vec<Effect>,
    /// Releases marked as fixes pass a `block`.
    pub except_fixes: bool,
    /// Which releases a `block` stops.
    pub scope: Scope,
    /// Optional text shown with the rule.
    pub description: Option<String>,
}

/// The conditions of a rule, all optional, all must hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct Conditions {
    /// The remaining budget is below this fraction (0..=1).
    pub budget_remaining_below: Option<f64>,
    /// The budget is (or is not) exhausted.
    pub budget_exhausted: Option<bool>,
    /// A burn-rate alert of the SLO fires.
    pub alert_firing: Option<AlertCondition>,
    /// The forecast says the budget runs out within this many ms.
    pub exhaustion_within_ms: Option<i64>,
}

/// A burn-rate alert condition.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AlertCondition {
    /// `page`, `ticket`, or `None` for either.
    pub severity: Option<String>,
    /// It has fired for at least this long.
    pub for_ms: i64,
}

/// What a rule does while it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The gate refuses releases in scope.
    Block,
    /// A notification goes out (once per rule activation).
    Notify,
    /// Releases in scope need an approval to pass.
    RequireApproval,
    /// An incident is opened (once per rule activation).
    OpenIncident,
}

impl Effect {
    /// The word used in files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Block => "block",
            Effect::Notify => "notify",
            Effect::RequireApproval => "require_approval",
            Effect::OpenIncident => "open_incident",
        }
    }
}

/// Which releases a blocking rule stops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Releases of services on the SLO's path (from its traces, or the
    /// SLO's `services` list); every release when the path is unknown.
    Path,
    /// Every release.
    All,
    /// Releases of these services.
    Services(Vec<String>),
}

/// The file's shape, before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawPolicy {
    api_version: String,
    kind: String,
    #[serde(default)]
    metadata: Option<serde_norway::Value>,
    #[serde(default)]
    slos: Vec<String>,
    rules: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: String,
    #[serde(default)]
    description: Option<String>,
    when: RawConditions,
    then: Vec<Effect>,
    #[serde(default)]
    except_fixes: bool,
    #[serde(default)]
    scope: Option<RawScope>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawScope {
    Word(String),
    Services { services: Vec<String> },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConditions {
    #[serde(default)]
    budget_remaining_below: Option<Fraction>,
    #[serde(default)]
    budget_exhausted: Option<bool>,
    #[serde(default)]
    alert_firing: Option<RawAlert>,
    #[serde(default)]
    exhaustion_within: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlert {
    #[serde(default)]
    severity: Option<String>,
    #[serde(default, rename = "for")]
    for_: Option<String>,
}

/// `0.1`, or `10%`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Fraction {
    Number(f64),
    Text(String),
}

impl Fraction {
    fn value(&self) -> Result<f64, String> {
        let v = match self {
            Fraction::Number(n) => *n,
            Fraction::Text(t) => {
                let t = t.trim();
                match t.strip_suffix('%') {
                    Some(p) => p
                        .trim()
                        .parse::<f64>()
                        .map(|p| p / 100.0)
                        .map_err(|_| format!("{t:?} is not a percentage"))?,
                    None => t
                        .parse::<f64>()
                        .map_err(|_| format!("{t:?} is not a fraction or a percentage"))?,
                }
            }
        };
        if (0.0..=1.0).contains(&v) {
            Ok(v)
        } else {
            Err(format!("{v} is outside 0..1 (write 10% or 0.1)"))
        }
    }
}

/// Reads and validates a policy file.
pub fn load(path: &Path) -> Result<Policy, ActionError> {
    let text = std::fs::read_to_string(path).map_err(|e| ActionError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    parse(&path.display().to_string(), &text)
}

/// Parses policy text; `origin` names it in errors.
pub fn parse(origin: &str, text: &str) -> Result<Policy, ActionError> {
    let bad = |field: String, reason: String| ActionError::BadFile {
        origin: origin.to_owned(),
        field,
        reason,
    };
    let de = serde_norway::Deserializer::from_str(text);
    let raw: RawPolicy = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        bad(
            if path == "." { "(root)".into() } else { path },
            e.into_inner().to_string(),
        )
    })?;
    let _ = raw.metadata;
    if raw.api_version != API_VERSION {
        return Err(bad(
            "apiVersion".into(),
            format!("{:?}: this build reads {API_VERSION}", raw.api_version),
        ));
    }
    if raw.kind != "ErrorBudgetPolicy" {
        return Err(bad(
            "kind".into(),
            format!("{:?}: expected ErrorBudgetPolicy", raw.kind),
        ));
    }
    if raw.rules.is_empty() {
        return Err(bad(
            "rules".into(),
            "a policy needs at least one rule".into(),
        ));
    }
    let mut rules: Vec<Rule> = Vec::new();
    for (i, r) in raw.rules.into_iter().enumerate() {
        let at = |f: &str| format!("rules[{i}].{f}");
        if r.name.trim().is_empty() {
            return Err(bad(at("name"), "empty".into()));
        }
        if rules.iter().any(|o| o.name == r.name) {
            return Err(bad(at("name"), format!("{:?} is used twice", r.name)));
        }
        if r.then.is_empty() {
            return Err(bad(at("then"), "say what the rule does".into()));
        }
        let w = r.when;
        let when = Conditions {
            budget_remaining_below: w
                .budget_remaining_below
                .map(|f| f.value())
                .transpose()
                .map_err(|e| bad(at("when.budget_remaining_below"), e))?,
            budget_exhausted: w.budget_exhausted,
            alert_firing: w
                .alert_firing
                .map(|a| {
                    if let Some(s) = &a.severity
                        && s != "page"
                        && s != "ticket"
                    {
                        return Err(bad(
                            at("when.alert_firing.severity"),
                            format!("{s:?}: use page or ticket"),
                        ));
                    }
                    let for_ms = match &a.for_ {
                        None => 0,
                        Some(t) => sightline_core::duration::parse_ms(t, "for")
                            .map_err(|e| bad(at("when.alert_firing.for"), e.to_string()))?,
                    };
                    Ok(AlertCondition {
                        severity: a.severity,
                        for_ms,
                    })
                })
                .transpose()?,
            exhaustion_within_ms: w
                .exhaustion_within
                .map(|t| sightline_core::duration::parse_ms(&t, "exhaustion_within"))
                .transpose()
                .map_err(|e| bad(at("when.exhaustion_within"), e.to_string()))?,
        };
        if when == Conditions::default() {
            return Err(bad(
                at("when"),
                "no condition: use budget_remaining_below, budget_exhausted, alert_firing or \
                 exhaustion_within"
                    .into(),
            ));
        }
        let scope = match r.scope {
            None => Scope::Path,
            Some(RawScope::Word(w)) if w == "path" => Scope::Path,
            Some(RawScope::Word(w)) if w == "all" => Scope::All,
            Some(RawScope::Word(w)) => {
                return Err(bad(
                    at("scope"),
                    format!("{w:?}: use path, all, or {{services: [...]}}"),
                ));
            }
            Some(RawScope::Services { services }) => Scope::Services(services),
        };
        rules.push(Rule {
            name: r.name,
            when,
            then: r.then,
            except_fixes: r.except_fixes,
            scope,
            description: r.description,
        });
    }
    Ok(Policy {
        slos: raw.slos,
        rules,
    })
}

impl Policy {
    /// The policy used when a project has none: freeze under 10% budget
    /// (fixes pass), block while a page alert fires, and ask for an
    /// approval once the budget is spent.
    pub fn default_policy() -> Self {
        parse("the built-in default policy", DEFAULT_POLICY).unwrap_or(Policy {
            slos: Vec::new(),
            rules: Vec::new(),
        })
    }

    /// Whether the policy covers `slo`.
    pub fn covers(&self, slo: &str) -> bool {
        self.slos.is_empty() || self.slos.iter().any(|p| glob_match(p, slo))
    }
}

/// The built-in default, as a file would say it.
pub const DEFAULT_POLICY: &str = "\
apiVersion: sightline/v1
kind: ErrorBudgetPolicy
rules:
  - name: fast-burn
    description: a page-severity burn-rate alert fires
    when: { alert_firing: { severity: page } }
    then: [block, notify]
    except_fixes: true
  - name: low-budget
    description: less than 10% of the error budget is left
    when: { budget_remaining_below: 10% }
    then: [block]
    except_fixes: true
  - name: exhausted
    description: the error budget is spent
    when: { budget_exhausted: true }
    then: [require_approval, notify]
";

/// `*` matches any run of characters; everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(k) => rest = &rest[k + part.len()..],
                None => return false,
            }
        }
    }
    true
}
