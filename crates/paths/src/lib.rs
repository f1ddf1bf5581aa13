//! SLI discovery: which user journeys deserve an SLO, proposed from real traffic.
//!
//! Sightline measures reliability where users feel it, but someone has to
//! say which journeys matter. This crate proposes them from what users
//! actually did: requests from access logs (Common/Combined, nginx JSON, AWS
//! ALB), HAR files or server spans go in; ranked candidate journeys come
//! out, each with its evidence, a proposed SLI and target, and a journey
//! skeleton to record. The machine proposes; people accept or reject.
//!
//! The pipeline:
//!
//! 1. [`parse`]: streaming readers over `impl BufRead` (gzip detected by its
//!    magic bytes); a bad line is counted and reported with its number,
//!    never fatal;
//! 2. [`normalise`]: paths become route templates (`/users/{user}/orders`),
//!    assets and health checks are set aside, each template keeps examples;
//! 3. [`sessions`]: requests grouped by session id or client with an
//!    inactivity gap; bots and crawlers dropped, by user agent and behaviour;
//! 4. [`cluster`]: sessions as (method, route) sequences, clustered by edit
//!    distance with density clustering (noise stays noise);
//! 5. [`candidates`]: each cluster's representative path, funnel, traffic,
//!    failure and latency scores, and the proposal ([`proposal`],
//!    [`skeleton`]).
//!
//! It does no I/O beyond the readers it is handed and reads no clock: the
//! CLI opens files and passes everything in. [`eval`] scores the clustering
//! against truth (adjusted Rand index, purity); [`simulate`] makes
//! labelled traffic with a seed, and [`shop_traffic`] plans labelled
//! sessions of the demo shop for a driver to play against it.

pub mod candidates;
pub mod cluster;
pub mod error;
pub mod eval;
pub mod normalise;
pub mod parse;
pub mod proposal;
pub mod request;
pub mod sessions;
pub mod shop_traffic;
pub mod simulate;
pub mod skeleton;

pub use candidates::{Candidate, Discovery, Options, discover};
pub use error::PathsError;
pub use parse::{BadLine, Format, ParseReport};
pub use request::Request;
