//! Time-sortable identifiers.
//!
//! Ids are UUIDv7: the first 48 bits are the Unix time in milliseconds, so ids
//! sort by creation time and B-tree inserts append at the end. The time is
//! passed in, never read from the clock, and the random bits come from a caller
//! supplied generator so tests can make ids reproducible.

use std::fmt;
use std::str::FromStr;

use rand::RngCore;
use serde::{Deserialize, Serialize};
use uuid::{Builder, Uuid};

use crate::CoreError;

macro_rules! time_sorted_id {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new id for something created at `at_ms` (Unix milliseconds, UTC).
            pub fn new(at_ms: i64, rng: &mut impl RngCore) -> Self {
                let mut random = [0u8; 10];
                rng.fill_bytes(&mut random);
                // Negative times cannot be encoded in UUIDv7; clamp to the epoch.
                let ms = u64::try_from(at_ms).unwrap_or(0);
                Self(Builder::from_unix_timestamp_millis(ms, &random).into_uuid())
            }

            /// Wraps raw bytes as stored in the database.
            pub fn from_bytes(bytes: [u8; 16]) -> Self {
                Self(Uuid::from_bytes(bytes))
            }

            /// The 16 raw bytes, the compact form the store keeps.
            pub fn as_bytes(&self) -> &[u8; 16] {
                self.0.as_bytes()
            }

            /// The creation time encoded in the id, in Unix milliseconds.
            pub fn timestamp_ms(&self) -> i64 {
                let b = self.0.as_bytes();
                let mut ms = 0i64;
                for byte in &b[..6] {
                    ms = (ms << 8) | i64::from(*byte);
                }
                ms
            }

            /// Parses the hyphenated text form, naming the field on error.
            pub fn parse(text: &str) -> Result<Self, CoreError> {
                Uuid::parse_str(text).map(Self).map_err(|e| CoreError::InvalidId {
                    field: $field,
                    value: text.to_owned(),
                    reason: e.to_string(),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = CoreError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

time_sorted_id!(
    /// Identifies one run (one attempt) of a journey. Idempotent across pushes:
    /// a runner that re-sends a run sends the same id.
    RunId,
    "run_id"
);
time_sorted_id!(
    /// Identifies a stored event (deploy, Kubernetes event, incident change).
    EventId,
    "event_id"
);

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn ids_sort_by_time_and_round_trip() {
        let mut rng = StdRng::seed_from_u64(7);
        let a = RunId::new(1_700_000_000_000, &mut rng);
        let b = RunId::new(1_700_000_000_001, &mut rng);
        assert!(a < b, "a later id must sort after an earlier one");
        assert_eq!(a.timestamp_ms(), 1_700_000_000_000);
        assert_eq!(RunId::parse(&a.to_string()).unwrap(), a);
        assert_eq!(RunId::from_bytes(*a.as_bytes()), a);
    }

    #[test]
    fn bad_id_names_the_field() {
        let err = RunId::parse("not-a-uuid").unwrap_err();
        assert_eq!(err.code(), "core.invalid_id");
        assert!(err.to_string().starts_with("run_id:"), "{err}");
    }
}
