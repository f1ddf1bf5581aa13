//! From OTLP messages to Sightline's domain types, with per-item validation.
//!
//! A request that decodes is never refused whole for one bad item: each span,
//! log record or data point is checked on its own, and the ones that fail are
//! counted and the first failure is named with its path, for OTLP's partial
//! success response (`rejected_spans` + `error_message`).

pub mod attrs;
pub mod logs;
pub mod metrics;
pub mod traces;

/// Items that passed validation, and what was rejected.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted<T> {
    /// Items to store.
    pub items: Vec<T>,
    /// How many items were rejected.
    pub rejected: i64,
    /// The first rejection, with its path, e.g.
    /// `resourceSpans[0].scopeSpans[0].spans[3].traceId: must be 16 bytes, found 0`.
    pub first_error: Option<String>,
}

impl<T> Default for Converted<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            rejected: 0,
            first_error: None,
        }
    }
}

impl<T> Converted<T> {
    pub(crate) fn reject(&mut self, path: impl FnOnce() -> String, why: &str) {
        self.rejected += 1;
        if self.first_error.is_none() {
            self.first_error = Some(format!("{}: {why}", path()));
        }
    }

    /// The error message for a partial-success response, naming how many
    /// more problems there were beyond the first.
    pub fn message(&self) -> String {
        match &self.first_error {
            None => String::new(),
            Some(first) if self.rejected > 1 => {
                format!("{first} (and {} more rejected)", self.rejected - 1)
            }
            Some(first) => first.clone(),
        }
    }
}

/// A Unix-nanosecond time from OTLP's `fixed64`, which must fit `i64` (until
/// the year 2262).
pub(crate) fn nanos(v: u64) -> Option<i64> {
    i64::try_from(v).ok()
}

/// Lowercase hex of an id that must be `len` bytes and not all zero. `None`
/// with the reason otherwise.
pub(crate) fn id_hex(bytes: &[u8], len: usize) -> Result<String, String> {
    if bytes.len() != len {
        return Err(format!("must be {len} bytes, found {}", bytes.len()));
    }
    if bytes.iter().all(|b| *b == 0) {
        return Err("must not be all zeroes".into());
    }
    Ok(hex::encode(bytes))
}

/// An optional id: empty means absent; otherwise as [`id_hex`].
pub(crate) fn optional_id_hex(bytes: &[u8], len: usize) -> Result<Option<String>, String> {
    if bytes.is_empty() {
        Ok(None)
    } else {
        id_hex(bytes, len).map(Some)
    }
}
