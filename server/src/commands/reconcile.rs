//! `zt-ix reconcile [--dry-run]`: compares the controller and every route server with
//! the database and prints every difference; without `--dry-run` it repairs them (marks
//! the requests for convergence and converges them here, removes stray peer files) and
//! prints what it did. Exit code 0 when everything matches or was repaired.

use anyhow::bail;
use domain::provisioning::reconcile::{self, Report};
use domain::provisioning::worker::{Outcome, Worker};

use crate::cli::ReconcileArgs;
use crate::config::AppConfig;
use crate::startup;

fn print_report(report: &Report) {
    for (id, name) in &report.networks {
        println!("{:<18} {:<34} network {id} ({name}): its settings or flow rules differ", "network_changed", "controller");
    }
    for drift in &report.drift {
        println!("{:<18} {:<34} request {}  {}", drift.kind.as_str(), drift.place.to_string(), drift.request_id, drift.detail);
    }
    for (place, why) in &report.unreachable {
        println!("{:<18} {:<34} {why}", "unreachable", place.to_string());
    }
}

pub async fn run(config: &AppConfig, args: &ReconcileArgs) -> anyhow::Result<()> {
    let services = startup::prepare(config).await?;
    let report = reconcile::check(&services).await?;
    print_report(&report);
    println!("{} differences found", report.drift.len() + report.networks.len());
    if args.dry_run {
        if !report.unreachable.is_empty() {
            bail!("{} places could not be read", report.unreachable.len());
        }
        return Ok(());
    }
    let repaired = reconcile::repair(&services, &report).await?;
    for id in &repaired.networks {
        println!("network {id} set back to its configured settings and flow rules");
    }
    for (host, file) in &repaired.removed {
        println!("removed {file} from {host}");
    }
    let worker = Worker::new(services.clone(), "zt-ix-reconcile");
    let mut failed = repaired.failed.clone();
    for outcome in worker.converge_due().await? {
        match outcome {
            Outcome::Converged(id) => println!("converged request {id}"),
            Outcome::Removed(id) => println!("request {id} is removed"),
            Outcome::ConvergeFailed(id) => failed.push(format!("request {id} did not converge (see its last error)")),
            _ => {}
        }
    }
    for line in &failed {
        println!("FAIL {line}");
    }
    if !failed.is_empty() || !report.unreachable.is_empty() {
        bail!("{} repairs failed, {} places could not be read", failed.len(), report.unreachable.len());
    }
    Ok(())
}
