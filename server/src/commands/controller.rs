//! `zt-ix controller preflight | reconcile | token-reload | backup | restore`

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use domain::audit::{self, Actor, AuditAction, AuditEntry, SystemActor};
use domain::provisioning::backup::{self, BackupSettings};
use domain::provisioning::lifecycle;
use domain::provisioning::preflight::resolve_networks;
use domain::Services;

use crate::cli::ControllerCommand;
use crate::config::AppConfig;
use crate::startup;

async fn record(services: &Services, action: AuditAction, target: &str, details: serde_json::Value) {
    let mut entry = AuditEntry::new(Actor::System(SystemActor::Cli), action, "controller", target);
    if let serde_json::Value::Object(map) = details {
        entry.metadata = map;
    }
    if let Err(e) = audit::record(&services.db, entry).await {
        tracing::error!(error = %e, "could not audit a controller command");
    }
}

fn backup_settings(config: &AppConfig) -> anyhow::Result<BackupSettings> {
    let zt = &config.zerotier;
    Ok(BackupSettings {
        state_dir: zt.state_dir.clone().context("set ZT_CONTROLLER_STATE_DIR to the controller's state (e.g. /var/lib/zerotier-one/controller.d)")?,
        backup_dir: zt.backup_dir.clone().context("set ZT_CONTROLLER_BACKUP_DIR to where backups are kept")?,
        retention: zt.backup_retention_count,
    })
}

/// Preflight plus a check that every configured network exists.
async fn preflight(services: &Services) -> anyhow::Result<String> {
    let controller = services.provisioning.preflight().await?;
    let networks = resolve_networks(&services.settings.networks, controller.as_ref()).map_err(|e| anyhow::anyhow!(e.0))?;
    let provider = services.provisioning.provider()?;
    let mut lines = vec![match &controller {
        Some(address) => format!("controller {address} answers and accepts the token"),
        None => "ZeroTier Central answers and accepts the token".to_owned(),
    }];
    let mut missing = Vec::new();
    for network in &networks {
        match provider.validate_network(&network.id).await {
            Ok(()) => lines.push(format!("network {} ({}) ok", network.id, network.name)),
            Err(e) => {
                lines.push(format!("network {} ({}): {e}", network.id, network.name));
                missing.push(network.id.to_string());
            }
        }
    }
    if !missing.is_empty() {
        bail!("{}\nmissing networks: {} — run `zt-ix controller reconcile`", lines.join("\n"), missing.join(", "));
    }
    Ok(lines.join("\n"))
}

pub async fn run(config: &AppConfig, command: ControllerCommand) -> anyhow::Result<()> {
    let services = startup::prepare(config).await?;
    match command {
        ControllerCommand::Preflight => {
            let result = preflight(&services).await;
            let outcome = match &result {
                Ok(_) => serde_json::json!({"outcome": "passed"}),
                Err(e) => serde_json::json!({"outcome": "failed", "reason": format!("{e:#}")}),
            };
            record(&services, AuditAction::ControllerPreflight, "preflight", outcome).await;
            println!("{}", result?);
        }
        ControllerCommand::Reconcile => {
            let report = lifecycle::bring_up(&services).await;
            let details = match &report {
                Ok(r) => serde_json::json!({"outcome": "passed", "changed": r.reconciled.iter().filter(|(_, c)| *c).map(|(id, _)| id).collect::<Vec<_>>()}),
                Err(e) => serde_json::json!({"outcome": "failed", "reason": e.to_string()}),
            };
            record(&services, AuditAction::ControllerReconciled, "networks", details).await;
            for (id, changed) in report?.reconciled {
                println!("network {id}: {}", if changed { "created or corrected" } else { "already as configured" });
            }
        }
        ControllerCommand::TokenReload => {
            let result = services.provisioning.preflight().await;
            let details = match &result {
                Ok(_) => serde_json::json!({"outcome": "accepted"}),
                Err(e) => serde_json::json!({"outcome": "refused", "reason": e.to_string()}),
            };
            record(&services, AuditAction::ControllerTokenReloaded, "token", details).await;
            result?;
            println!("the controller accepts the token; running servers use it from their next preflight (within a minute), or at once after SIGHUP");
        }
        ControllerCommand::Backup => {
            let settings = backup_settings(config)?;
            let report = tokio::task::spawn_blocking(move || backup::backup(&settings)).await??;
            record(
                &services,
                AuditAction::ControllerBackupCreated,
                "state",
                serde_json::json!({"file": report.created.display().to_string(), "removed": report.removed.iter().map(|p| p.display().to_string()).collect::<Vec<_>>()}),
            )
            .await;
            println!("backup written to {}", report.created.display());
            for old in report.removed {
                println!("removed old backup {}", old.display());
            }
        }
        ControllerCommand::Restore { backup: name, wait_seconds } => {
            let settings = backup_settings(config)?;
            let restored = tokio::task::spawn_blocking(move || backup::restore(&settings, name.as_deref())).await??;
            record(&services, AuditAction::ControllerRestored, "state", serde_json::json!({"file": restored.display().to_string()})).await;
            println!("restored {}; checking the controller (restart zerotier-one now if it is stopped)", restored.display());
            // The drill: provisioning resumes only once preflight passes on the restored state.
            let deadline = Instant::now() + Duration::from_secs(wait_seconds);
            loop {
                match lifecycle::bring_up(&services).await {
                    Ok(report) => {
                        record(&services, AuditAction::ControllerPreflight, "preflight", serde_json::json!({"outcome": "passed", "after": "restore"})).await;
                        println!("preflight passed after the restore ({} networks checked); provisioning can resume", report.reconciled.len());
                        break;
                    }
                    Err(e) if Instant::now() < deadline => {
                        tracing::info!(error = %e, "waiting for the controller after the restore");
                        tokio::time::sleep(Duration::from_secs(2)).await;
                    }
                    Err(e) => {
                        record(&services, AuditAction::ControllerPreflight, "preflight", serde_json::json!({"outcome": "failed", "after": "restore", "reason": e.to_string()})).await;
                        bail!("the restore is in place but preflight still fails, so provisioning stays blocked: {e}");
                    }
                }
            }
        }
    }
    Ok(())
}
