//! Queuing notifications. [`enqueue`] is called inside the transaction
//! that records the alert transition, so either both are stored or neither.

use sightline_action::notice::Notice;
use sightline_action::route::NotifyConfig;
use sightline_store::queries::outbox::{self, NewNotification};
use sightline_store::rusqlite::Connection;

use crate::ApiError;

/// Queues `notice` for every target its routes name. Returns how many rows
/// were added (a repeat of the same transition adds none).
pub fn enqueue(
    conn: &Connection,
    config: &NotifyConfig,
    notice: &Notice,
    now_ms: i64,
) -> Result<usize, ApiError> {
    let json = serde_json::to_string(notice)
        .map_err(|e| ApiError::BadInput(format!("encoding the notice: {e}")))?;
    let wait = config.group_wait_ms().unwrap_or(0);
    let release_at = config.release_at(&notice.severity, now_ms + wait);
    let mut added = 0;
    for target in config.targets_for(notice) {
        let row = NewNotification {
            created_ms: now_ms,
            target: &target,
            notice_key: &notice.key,
            kind: notice.kind.as_str(),
            severity: &notice.severity,
            notice_json: &json,
            release_at_ms: release_at,
        };
        if outbox::enqueue(conn, &row)? {
            added += 1;
        }
    }
    Ok(added)
}
