//! The demo shop's errors.

/// Everything that can go wrong starting or scripting the shop.
#[derive(Debug, thiserror::Error)]
pub enum ShopError {
    /// A listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Address asked for.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
    /// A deploy or fault named a service or region the shop does not have.
    #[error("no service `{service}` in region `{region}`")]
    UnknownTarget {
        /// Service asked for.
        service: String,
        /// Region asked for (`*` for all).
        region: String,
    },
    /// A scenario file could not be read or parsed.
    #[error("scenario {path}: {message}")]
    Scenario {
        /// File.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// Writing scenario labels failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// File.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The configuration makes no sense (no regions, a zero clock factor, …).
    #[error("invalid configuration: {0}")]
    Config(String),
}

impl ShopError {
    /// A stable code for callers that must not match on message text.
    pub fn code(&self) -> &'static str {
        match self {
            ShopError::Bind { .. } => "shop.bind",
            ShopError::UnknownTarget { .. } => "shop.unknown_target",
            ShopError::Scenario { .. } => "shop.scenario",
            ShopError::Write { .. } => "shop.write",
            ShopError::Config(_) => "shop.config",
        }
    }
}
