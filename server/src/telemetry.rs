//! Logging: `tracing` to stderr (stdout stays clean for command output), JSON or human-readable, filtered by `RUST_LOG`.
//!
//! Every line written while a request is handled carries that request's id, because the
//! HTTP layer opens a span holding it (see `http::request_id`).

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Registry};

use crate::config::{LogConfig, LogFormat};

/// Installs the global subscriber. Later calls (for example in tests) are ignored.
pub fn init(config: &LogConfig) {
    let filter = EnvFilter::try_new(&config.filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = Registry::default().with(filter);
    let result = match config.format {
        LogFormat::Json => registry
            .with(fmt::layer().json().with_writer(std::io::stderr).with_current_span(true).with_span_list(false).flatten_event(true))
            .try_init(),
        LogFormat::Pretty => registry.with(fmt::layer().compact().with_writer(std::io::stderr)).try_init(),
    };
    // Already installed: keep the first one.
    let _ = result;
}
