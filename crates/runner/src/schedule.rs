//! When each journey runs: slots on a fixed interval, spread by jitter, and
//! never piled up.
//!
//! A *stream* is one journey from one region. Its slot `k` is due at
//! `start + k * every + jitter_k`, with `jitter_k` drawn in `[0, jitter)` from
//! a seeded generator, so the runners of a fleet do not all hit a site in the
//! same second. When a slot comes due while the stream's previous run (with
//! its retries) is still going, the slot is *missed*: counted, not queued,
//! because a queue of stale runs would measure the runner, not the site.
//! Slots that went by unseen (the machine slept) are missed too.
//!
//! This is plain data with time passed in; the async loop lives in
//! [`crate::pool`].

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Index of a stream in the order it was added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamId(pub usize);

#[derive(Debug)]
struct Stream {
    every_ms: i64,
    jitter_ms: i64,
    start_ms: i64,
    /// The next slot's number.
    next_slot: i64,
    busy: bool,
    missed: u64,
    started: u64,
}

/// What to do with a slot that came due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fire {
    /// Start a run for the slot that was due at `due_ms`.
    Start {
        /// When the slot was due.
        due_ms: i64,
    },
    /// The previous run is still going: the slot is missed.
    Missed,
}

/// The slot clock of every stream.
#[derive(Debug)]
pub struct SlotClock {
    streams: Vec<Stream>,
    /// (due time, stream) of every stream's next slot.
    heap: BinaryHeap<Reverse<(i64, usize)>>,
    rng: StdRng,
}

impl SlotClock {
    /// An empty clock; `seed` makes the jitter reproducible.
    pub fn new(seed: u64) -> Self {
        Self {
            streams: Vec::new(),
            heap: BinaryHeap::new(),
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// Adds a stream whose slot 0 is due at `start_ms` plus jitter.
    pub fn add(&mut self, every_ms: i64, jitter_ms: i64, start_ms: i64) -> StreamId {
        let id = self.streams.len();
        self.streams.push(Stream {
            every_ms: every_ms.max(1),
            jitter_ms: jitter_ms.clamp(0, every_ms.max(1) - 1),
            start_ms,
            next_slot: 0,
            busy: false,
            missed: 0,
            started: 0,
        });
        let due = self.due_of(id, 0);
        self.heap.push(Reverse((due, id)));
        StreamId(id)
    }

    fn due_of(&mut self, id: usize, slot: i64) -> i64 {
        let s = &self.streams[id];
        let (base, jitter) = (s.start_ms + slot * s.every_ms, s.jitter_ms);
        base + if jitter > 0 {
            self.rng.random_range(0..jitter)
        } else {
            0
        }
    }

    /// The earliest due slot: when, and whose.
    pub fn next_due(&self) -> Option<(i64, StreamId)> {
        self.heap.peek().map(|Reverse((t, id))| (*t, StreamId(*id)))
    }

    /// Takes the earliest slot if it is due at `now_ms`, and says what to do
    /// with it. Slots that fell more than a whole interval behind `now_ms`
    /// are counted as missed first.
    pub fn fire(&mut self, now_ms: i64) -> Option<(StreamId, Fire)> {
        let &Reverse((due, id)) = self.heap.peek()?;
        if due > now_ms {
            return None;
        }
        self.heap.pop();
        let s = &mut self.streams[id];
        let slot = s.next_slot;
        // Slots wholly in the past (the process was paused) were not run.
        let behind = (now_ms - (s.start_ms + slot * s.every_ms)) / s.every_ms;
        let skipped = behind.max(0);
        s.missed += u64::try_from(skipped).unwrap_or(0);
        let fire = if s.busy {
            s.missed += 1;
            Fire::Missed
        } else {
            s.busy = true;
            s.started += 1;
            Fire::Start { due_ms: due }
        };
        s.next_slot = slot + skipped + 1;
        let next = s.next_slot;
        let next_due = self.due_of(id, next);
        self.heap.push(Reverse((next_due, id)));
        Some((StreamId(id), fire))
    }

    /// Marks the stream's run (and its retries) finished.
    pub fn done(&mut self, id: StreamId) {
        if let Some(s) = self.streams.get_mut(id.0) {
            s.busy = false;
        }
    }

    /// Slots missed by the stream so far.
    pub fn missed(&self, id: StreamId) -> u64 {
        self.streams.get(id.0).map_or(0, |s| s.missed)
    }

    /// Runs started by the stream so far.
    pub fn started(&self, id: StreamId) -> u64 {
        self.streams.get(id.0).map_or(0, |s| s.started)
    }

    /// Whether the stream has a run going.
    pub fn is_busy(&self, id: StreamId) -> bool {
        self.streams.get(id.0).is_some_and(|s| s.busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_interval_within_the_jitter() {
        let mut c = SlotClock::new(7);
        let s = c.add(60_000, 5_000, 1_000_000);
        for k in 0..50 {
            let (due, id) = c.next_due().unwrap();
            assert_eq!(id, s);
            let base = 1_000_000 + k * 60_000;
            assert!((base..base + 5_000).contains(&due), "slot {k}: {due}");
            assert_eq!(c.fire(due), Some((s, Fire::Start { due_ms: due })));
            c.done(s);
        }
        assert_eq!(c.missed(s), 0);
        assert_eq!(c.started(s), 50);
    }

    #[test]
    fn a_slot_due_while_busy_is_missed_not_queued() {
        let mut c = SlotClock::new(1);
        let s = c.add(10_000, 0, 0);
        assert_eq!(c.fire(0), Some((s, Fire::Start { due_ms: 0 })));
        // The run takes 25 s: slots at 10 s and 20 s come due while busy.
        assert_eq!(c.fire(10_000), Some((s, Fire::Missed)));
        assert_eq!(c.fire(20_000), Some((s, Fire::Missed)));
        c.done(s);
        assert_eq!(c.fire(30_000), Some((s, Fire::Start { due_ms: 30_000 })));
        assert_eq!(c.missed(s), 2);
        assert_eq!(c.started(s), 2);
    }

    #[test]
    fn slots_that_went_by_unseen_are_missed() {
        let mut c = SlotClock::new(1);
        let s = c.add(1_000, 0, 0);
        assert!(matches!(c.fire(0), Some((_, Fire::Start { .. }))));
        c.done(s);
        // Paused for 5.5 s: slots 1..=4 went by; slot 5 runs now.
        assert!(matches!(c.fire(5_500), Some((_, Fire::Start { .. }))));
        assert_eq!(c.missed(s), 4);
        assert_eq!(c.next_due(), Some((6_000, s)));
    }

    #[test]
    fn nothing_fires_early() {
        let mut c = SlotClock::new(1);
        c.add(1_000, 0, 500);
        assert_eq!(c.fire(499), None);
        assert!(c.fire(500).is_some());
    }

    #[test]
    fn jitter_spreads_streams_that_share_an_interval() {
        let mut c = SlotClock::new(3);
        for _ in 0..20 {
            c.add(60_000, 30_000, 0);
        }
        let mut dues = Vec::new();
        while let Some((t, _)) = c.next_due().filter(|(t, _)| *t < 60_000) {
            dues.push(t);
            c.fire(t);
        }
        dues.dedup();
        assert!(dues.len() >= 15, "starts should be spread: {dues:?}");
    }
}
