//! `zt-ix serve`: migrate, sync networks, then serve the portal and run the provisioning
//! worker until SIGTERM. `--worker-only` runs the worker without the web tier (it still answers
//! `/healthz`, `/readyz` and `/metrics` on `LEPTOS_SITE_ADDR`).

use std::io::Write;

use domain::Services;
use tokio_util::sync::CancellationToken;

use crate::cli::ServeArgs;
use crate::config::AppConfig;
use crate::startup::{self, Application};

/// The background parts every serving process runs, with SIGHUP for the token.
fn spawn_background(app: &Application, shutdown: &CancellationToken) -> tokio::task::JoinHandle<()> {
    let state = app.state();
    reload_token_on_sighup(state.services.clone());
    startup::spawn_background(&state.services, shutdown, &state.config.worker_name)
}

/// SIGHUP re-reads the controller token file (as `zt-ix controller token-reload` asks).
fn reload_token_on_sighup(services: Services) {
    #[cfg(unix)]
    tokio::spawn(async move {
        let Ok(mut hangups) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else { return };
        while hangups.recv().await.is_some() {
            match services.provisioning.reload_token().await {
                Ok(()) => tracing::info!("controller token reloaded"),
                Err(error) => tracing::warn!(%error, "controller token reload failed"),
            }
        }
    });
}

pub async fn run(config: AppConfig, args: ServeArgs) -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    startup::cancel_on_signal(shutdown.clone());
    tokio::task::spawn_blocking(domain::identity::password::warm_up);

    if args.worker_only {
        let app = Application::build(config).await?;
        let worker = spawn_background(&app, &shutdown);
        tracing::info!(address = %app.local_addr(), "worker-only mode: serving /healthz, /readyz and /metrics only");
        app.run_operational(shutdown).await?;
        let _ = worker.await;
        tracing::info!("stopped");
        return Ok(());
    }

    let app = Application::build(config).await?;
    let worker = spawn_background(&app, &shutdown);
    let origin = app.state().config.http.public_origin.clone();
    tracing::info!(address = %app.local_addr(), %origin, "ZT-IX is listening");
    // A closed stdout (a supervisor that stopped reading) must not stop the portal.
    let _ = writeln!(std::io::stdout(), "ZT-IX is running at {origin}  (listening on {})", app.local_addr());
    app.run(shutdown).await?;
    let _ = worker.await;
    tracing::info!("stopped");
    Ok(())
}
