//! `zt-ix serve`: migrate, sync networks, then serve until SIGTERM.

use tokio_util::sync::CancellationToken;

use crate::cli::ServeArgs;
use crate::config::AppConfig;
use crate::startup::{self, Application};

pub async fn run(config: AppConfig, args: ServeArgs) -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    startup::cancel_on_signal(shutdown.clone());

    tokio::task::spawn_blocking(domain::identity::password::warm_up);
    if args.worker_only {
        let services = startup::prepare(&config).await?;
        startup::spawn_housekeeping(services, shutdown.clone());
        tracing::info!("worker-only mode: no web tier");
        shutdown.cancelled().await;
        return Ok(());
    }

    let app = Application::build(config).await?;
    startup::spawn_housekeeping(app.state().services.clone(), shutdown.clone());
    let origin = app.state().config.http.public_origin.clone();
    tracing::info!(address = %app.local_addr(), %origin, "ZT-IX is listening");
    println!("ZT-IX is running at {origin}  (listening on {})", app.local_addr());
    app.run(shutdown).await?;
    tracing::info!("stopped");
    Ok(())
}
