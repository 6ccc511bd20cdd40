//! `zt-ix serve`: migrate, sync networks, then serve until SIGTERM.

use tokio_util::sync::CancellationToken;

use crate::cli::ServeArgs;
use crate::config::AppConfig;
use crate::startup::{self, Application};

pub async fn run(config: AppConfig, args: ServeArgs) -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    startup::cancel_on_signal(shutdown.clone());

    if args.worker_only {
        let settings = startup::load_settings(&config)?;
        let db = startup::open_database(&config).await?;
        let services = domain::Services::new(db, settings);
        startup::sync_networks(&services).await?;
        tracing::info!("worker-only mode: no web tier");
        shutdown.cancelled().await;
        return Ok(());
    }

    let app = Application::build(config).await?;
    let origin = app.state().config.http.public_origin.clone();
    tracing::info!(address = %app.local_addr(), %origin, "ZT-IX is listening");
    println!("ZT-IX is running at {origin}  (listening on {})", app.local_addr());
    app.run(shutdown).await?;
    tracing::info!("stopped");
    Ok(())
}
