//! The log checkpointer: a second connection that copies the WAL into the
//! main file in the background, so the ingest writer never waits for it.
//!
//! Left to itself, SQLite checkpoints inside the commit that takes the log
//! past 1,000 pages, and under sustained ingest that is almost every group
//! commit: the writer then copies megabytes and waits for two more fsyncs
//! while every client in the next group waits for it. Here the writer turns
//! that off and, after each commit, wakes this thread, which runs a passive
//! checkpoint (it never blocks the writer or readers).
//!
//! A passive checkpoint cannot start the log again from its beginning: that
//! happens only when a write transaction begins with every frame already
//! copied, and the writer begins its next transaction right after each
//! commit. So once the log passes `wal_reset_pages`, the writer checkpoints
//! itself between two groups. By then this thread has copied nearly all of
//! it, so the writer copies only the last group or so, and the log stays
//! bounded.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use sightline_store::Store;

/// Attempts, 2 ms apart, the writer makes while this thread holds the
/// checkpoint lock, before it leaves the reset to a later commit.
const RESET_ATTEMPTS: u32 = 50;

pub(super) struct Checkpointer {
    wake: Option<mpsc::SyncSender<()>>,
    wal_frames: Arc<AtomicI64>,
    reset_frames: i64,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Opens a connection of its own on `path` and starts the thread. `None`
    /// when either fails; the writer then keeps SQLite's own checkpoints.
    pub(super) fn start(path: &Path, reset_pages: u32) -> Option<Checkpointer> {
        let store = match Store::open(path) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "no background checkpointer; the ingest writer checkpoints itself");
                return None;
            }
        };
        let (wake, rx) = mpsc::sync_channel::<()>(1);
        let wal_frames = Arc::new(AtomicI64::new(0));
        let frames = wal_frames.clone();
        let thread = std::thread::Builder::new()
            .name("sightline-checkpoint".into())
            .spawn(move || {
                while rx.recv().is_ok() {
                    match store.checkpoint_passive() {
                        Ok(s) => frames.store(s.wal_frames, Ordering::Relaxed),
                        Err(e) => tracing::warn!(error = %e, "background checkpoint failed"),
                    }
                }
            })
            .map_err(|e| tracing::warn!(error = %e, "could not start the checkpointer thread"))
            .ok()?;
        Some(Checkpointer {
            wake: Some(wake),
            wal_frames,
            reset_frames: i64::from(reset_pages.max(1)),
            thread: Some(thread),
        })
    }

    /// Called by the writer after each commit: wakes the thread (a wake-up
    /// already pending covers this one too) and, once the log is long,
    /// checkpoints on `writer` so the next transaction restarts the log.
    /// Returns whether it did.
    pub(super) fn committed(&self, writer: &Store) -> bool {
        if let Some(w) = &self.wake {
            let _ = w.try_send(());
        }
        if self.wal_frames.load(Ordering::Relaxed) < self.reset_frames {
            return false;
        }
        for _ in 0..RESET_ATTEMPTS {
            match writer.checkpoint_passive() {
                Ok(s) if s.complete() => {
                    self.wal_frames.store(0, Ordering::Relaxed);
                    return true;
                }
                // A reader still needs part of the log: waiting here would
                // not help; a later commit tries again.
                Ok(s) if !s.busy => return false,
                // The background checkpoint holds the lock: it ends soon.
                Ok(_) => std::thread::sleep(Duration::from_millis(2)),
                Err(e) => {
                    tracing::warn!(error = %e, "writer checkpoint failed");
                    return false;
                }
            }
        }
        false
    }

    /// Stops the thread after its current checkpoint.
    pub(super) fn stop(&mut self) {
        self.wake.take();
        if let Some(t) = self.thread.take()
            && t.join().is_err()
        {
            tracing::error!("the checkpointer thread panicked");
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop();
    }
}
