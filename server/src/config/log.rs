use super::{AppEnv, EnvSource};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line, for log shippers.
    Json,
    /// Human-readable lines, for a terminal.
    Pretty,
}

#[derive(Debug, Clone)]
pub struct LogConfig {
    /// A `tracing` filter such as `info` or `info,server=debug`.
    pub filter: String,
    pub format: LogFormat,
}

impl LogConfig {
    pub(super) fn read(env: &mut EnvSource, app_env: AppEnv) -> Self {
        let default_format = if app_env.is_production() { LogFormat::Json } else { LogFormat::Pretty };
        let format = env.choice_or("LOG_FORMAT", &[("json", LogFormat::Json), ("pretty", LogFormat::Pretty)], default_format);
        let filter = env.string_or("RUST_LOG", "info,sqlx=warn");
        if tracing_subscriber::EnvFilter::try_new(&filter).is_err() {
            env.issue("RUST_LOG", format!("'{filter}' is not a valid log filter (for example: info,server=debug)"));
        }
        Self { filter, format }
    }
}
