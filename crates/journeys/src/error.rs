//! Errors and warnings, each with a stable `code()` so callers (the CLI, the
//! app) never match on message text.

use std::fmt;

use thiserror::Error;

/// Where a problem is: the file and the field path inside it, such as
/// `journeys/login.yaml` and `steps[3].selectors`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as the user named it (or a label such as `<stdin>`).
    pub file: String,
    /// Dotted path to the field; empty for the file as a whole.
    pub field: String,
}

impl Location {
    /// A location in `file` at `field`.
    pub fn new(file: impl Into<String>, field: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            field: field.into(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}: {}", self.file, self.field)
        }
    }
}

/// A journey that parses but breaks a rule of the format.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValidationError {
    /// A required list or text is empty.
    #[error("{at}: must not be empty")]
    Empty {
        /// Where.
        at: Location,
    },
    /// A step refers to `{{secret.NAME}}` (or a TOTP seed) that `secrets` does not declare.
    #[error("{at}: secret `{name}` is not declared in `secrets`")]
    UndeclaredSecret {
        /// Where.
        at: Location,
        /// The secret's name.
        name: String,
    },
    /// A step uses `{{var.NAME}}` before anything sets it.
    #[error(
        "{at}: variable `{name}` is not set before this step (declare it in `variables` or set it in an earlier step)"
    )]
    UnsetVariable {
        /// Where.
        at: Location,
        /// The variable's name.
        name: String,
    },
    /// A `{{…}}` reference Sightline cannot resolve.
    #[error("{at}: bad reference `{text}`: {reason}")]
    BadReference {
        /// Where.
        at: Location,
        /// The reference as written.
        text: String,
        /// Why it is wrong.
        reason: String,
    },
    /// A password, token or cookie written in clear instead of a secret reference.
    #[error(
        "{at}: looks like a credential written in clear; use `{{{{secret.NAME}}}}` and declare NAME in `secrets`"
    )]
    LiteralSecret {
        /// Where.
        at: Location,
    },
    /// A name declared twice.
    #[error("{at}: `{name}` is declared twice")]
    Duplicate {
        /// Where.
        at: Location,
        /// The repeated name.
        name: String,
    },
    /// A number outside its allowed range.
    #[error("{at}: {reason}")]
    OutOfRange {
        /// Where.
        at: Location,
        /// The allowed range, in words.
        reason: String,
    },
    /// A value of the wrong form (a URL, a name, a JSON Pointer…).
    #[error("{at}: {reason}")]
    Malformed {
        /// Where.
        at: Location,
        /// What the form should be.
        reason: String,
    },
    /// Fields of which exactly one must be given.
    #[error("{at}: give exactly one of {options}")]
    ExactlyOne {
        /// Where.
        at: Location,
        /// The choices, e.g. "`pointer` or `path`".
        options: String,
    },
}

impl ValidationError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ValidationError::Empty { .. } => "journey.empty",
            ValidationError::UndeclaredSecret { .. } => "journey.undeclared_secret",
            ValidationError::UnsetVariable { .. } => "journey.unset_variable",
            ValidationError::BadReference { .. } => "journey.bad_reference",
            ValidationError::LiteralSecret { .. } => "journey.literal_secret",
            ValidationError::Duplicate { .. } => "journey.duplicate",
            ValidationError::OutOfRange { .. } => "journey.out_of_range",
            ValidationError::Malformed { .. } => "journey.malformed",
            ValidationError::ExactlyOne { .. } => "journey.exactly_one",
        }
    }

    /// Where the problem is.
    pub fn location(&self) -> &Location {
        match self {
            ValidationError::Empty { at }
            | ValidationError::UndeclaredSecret { at, .. }
            | ValidationError::UnsetVariable { at, .. }
            | ValidationError::BadReference { at, .. }
            | ValidationError::LiteralSecret { at }
            | ValidationError::Duplicate { at, .. }
            | ValidationError::OutOfRange { at, .. }
            | ValidationError::Malformed { at, .. }
            | ValidationError::ExactlyOne { at, .. } => at,
        }
    }
}

/// Anything that stops a journey from being read, written or converted.
#[derive(Debug, Error)]
pub enum JourneyError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        /// The file.
        file: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file could not be written.
    #[error("{file}: cannot write: {source}")]
    Write {
        /// The file.
        file: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid YAML/JSON, or does not have a journey's shape.
    #[error("{at}: {message}")]
    Syntax {
        /// Where (the field path is as deep as the parser could tell).
        at: Location,
        /// The parser's message, with line and column when known.
        message: String,
    },
    /// The JSON is not a Chrome Recorder recording Sightline can import.
    #[error("{at}: {message}")]
    Recorder {
        /// Where.
        at: Location,
        /// What is wrong.
        message: String,
    },
    /// The journey parses but breaks rules of the format; every broken rule is listed.
    #[error("{}", render(errors))]
    Invalid {
        /// The broken rules, in file order.
        errors: Vec<ValidationError>,
    },
}

fn render(errors: &[ValidationError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl JourneyError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            JourneyError::Read { .. } => "journey.read",
            JourneyError::Write { .. } => "journey.write",
            JourneyError::Syntax { .. } => "journey.syntax",
            JourneyError::Recorder { .. } => "journey.recorder",
            JourneyError::Invalid { .. } => "journey.invalid",
        }
    }
}

/// Something the user should know that does not stop the operation: an
/// unknown field kept as is, a step the Recorder cannot carry…
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Stable machine-readable code.
    pub code: &'static str,
    /// Field path, e.g. `steps[4]` or `tags`.
    pub field: String,
    /// What happened, naming the step where there is one.
    pub message: String,
}

impl Warning {
    pub(crate) fn new(code: &'static str, field: impl Into<String>, message: String) -> Self {
        Warning {
            code,
            field: field.into(),
            message,
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}
