//! `zt-ix doctor [--json]`: checks a deployment as the server would see it, one line per
//! check with what to fix. Changes nothing: no migration, no controller write, and the
//! route-server write probe is removed again.

use std::time::Duration;

use domain::db::{self, PoolSettings};
use domain::identity::peeringdb::PeeringDb;
use domain::provisioning::preflight::resolve_networks;
use domain::provisioning::ControllerNetworkSpec;
use domain::routeservers::{self, ProbeOutcome};
use migration::{Migrator, MigratorTrait};
use secrecy::ExposeSecret;
use serde::Serialize;

use crate::cli::DoctorArgs;
use crate::config::{AppConfig, ConfigError};
use crate::startup;

/// How long the database may take to give a connection, and to answer at all.
const DATABASE_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DATABASE_TIMEOUT: Duration = Duration::from_secs(10);

/// The outcome of one check.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Check {
    /// What was checked, e.g. `database`, `controller`, `route server 192.0.2.10`.
    pub name: String,
    pub ok: bool,
    /// What was found.
    pub detail: String,
    /// What to do about a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    fn pass(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { name: name.into(), ok: true, detail: detail.into(), fix: None }
    }

    fn fail(name: impl Into<String>, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self { name: name.into(), ok: false, detail: detail.into(), fix: Some(fix.into()) }
    }
}

#[derive(Serialize)]
struct Report<'a> {
    ok: bool,
    checks: &'a [Check],
}

/// Prints the checks (text or JSON); true when every one passed.
pub fn print(checks: &[Check], json: bool) -> bool {
    let ok = checks.iter().all(|c| c.ok);
    if json {
        println!("{}", serde_json::to_string_pretty(&Report { ok, checks }).unwrap_or_default());
    } else {
        for check in checks {
            let mark = if check.ok { "ok  " } else { "FAIL" };
            match &check.fix {
                Some(fix) => println!("{mark} {}: {} — {fix}", check.name, check.detail),
                None => println!("{mark} {}: {}", check.name, check.detail),
            }
        }
        let failed = checks.iter().filter(|c| !c.ok).count();
        println!("{}", if failed == 0 { "all checks passed".to_owned() } else { format!("{failed} of {} checks failed", checks.len()) });
    }
    ok
}

/// The configuration could not be read: one failed check per variable.
pub fn config_checks(error: &ConfigError) -> Vec<Check> {
    error.0.iter().map(|issue| Check::fail(format!("config {}", issue.variable), issue.message.clone(), "fix the variable in the environment or .env")).collect()
}

/// Runs and prints every check; an error (exit code 1) when one failed.
pub async fn run(config: &AppConfig, args: &DoctorArgs) -> anyhow::Result<()> {
    let checks = checks(config).await;
    if print(&checks, args.json) {
        Ok(())
    } else {
        anyhow::bail!("{} of {} checks failed", checks.iter().filter(|c| !c.ok).count(), checks.len())
    }
}

/// Every check, in the order the server depends on them.
pub async fn checks(config: &AppConfig) -> Vec<Check> {
    let mut checks = vec![Check::pass("config", "environment read")];
    let settings = match startup::load_settings(config) {
        Ok(settings) => {
            checks.push(Check::pass("runtime config", format!("{} read", config.runtime_config_path.display())));
            settings
        }
        Err(e) => {
            checks.push(Check::fail("runtime config", format!("{e:#}"), "fix the file named by ZTIX_RUNTIME_CONFIG_PATH"));
            return checks;
        }
    };
    checks.push(database(config).await);
    checks.extend(controller(config, &settings).await);
    if let Some(peeringdb) = &config.auth.peeringdb {
        checks.push(match PeeringDb::new(peeringdb.clone()) {
            Err(e) => Check::fail("peeringdb", e.to_string(), "check the PEERINGDB_* URLs"),
            Ok(client) => match client.check_endpoints().await {
                Ok(keys) => Check::pass("peeringdb", format!("login endpoints resolve; {keys} signing key(s) at {}", peeringdb.jwks_url)),
                Err(e) => Check::fail("peeringdb", e, "check the PEERINGDB_* URLs and that this host can reach PeeringDB"),
            },
        });
    }
    if settings.irr.host.is_some() {
        checks.push(match domain::policy::irr::check(&settings.irr).await {
            Ok(detail) => Check::pass("irr", detail),
            Err(e) => Check::fail("irr", e, "install bgpq4 (apt install bgpq4) and check irr.host, irr.sources and that this host can reach the IRR server"),
        });
    }
    if config.mail.is_some() {
        checks.push(mail(config, &settings).await);
    }
    if let Some(route_servers) = startup::route_servers(config, &settings) {
        let probes = route_servers.hosts.iter().map(|host| routeservers::probe(&route_servers, host));
        for (host, outcome) in route_servers.hosts.iter().zip(futures::future::join_all(probes).await) {
            let name = format!("route server {}", host.label);
            checks.push(match outcome {
                ProbeOutcome::Ready => Check::pass(name, format!("SSH as {} works, birdc answers, {} is writable", route_servers.user, route_servers.remote_dir)),
                ProbeOutcome::Failed { step, detail } => {
                    let fix = match step {
                        "birdc" => "install BIRD 2 there and let the SSH user run birdc (the bird group)".to_owned(),
                        "remote directory" => format!("create {} and make it writable by {}", route_servers.remote_dir, route_servers.user),
                        _ => format!(
                            "check that the host answers on port {}, that ROUTE_SERVER_SSH_KNOWN_HOSTS_FILE has its host key and that the key in ROUTE_SERVER_SSH_PRIVATE_KEY_PATH is authorized for {}",
                            host.port, route_servers.user
                        ),
                    };
                    Check::fail(name, format!("{step}: {detail}"), fix)
                }
            });
        }
    }
    checks
}

/// Connects to the mail server, greets it and logs in, as the sender will.
async fn mail(config: &AppConfig, settings: &domain::RuntimeSettings) -> Check {
    let fix = "check SMTP_URL (host, port, TLS mode, user and password) and that this host can reach the mail server";
    let mailer = match startup::notifications(config, settings) {
        Ok(notify) => notify.mailer,
        Err(e) => return Check::fail("mail", format!("{e:#}"), fix),
    };
    let Some(mailer) = mailer else { return Check::fail("mail", "e-mail is not configured", fix) };
    match mailer.check().await {
        Ok(()) => Check::pass("mail", format!("the mail server at {} accepts the portal", config.mail.as_ref().map(|m| m.url.host.as_str()).unwrap_or(""))),
        Err(e) => Check::fail("mail", e, fix),
    }
}

async fn database(config: &AppConfig) -> Check {
    let pool = PoolSettings { max_connections: 1, acquire_timeout: DATABASE_CONNECT_TIMEOUT };
    let attempt = async {
        let db = db::connect(config.database.url.expose_secret(), &pool).await.map_err(|e| format!("cannot connect: {e}"))?;
        let pending = Migrator::get_pending_migrations(&db).await.map_err(|e| format!("cannot read the schema version: {e}"))?.len();
        let applied = Migrator::get_applied_migrations(&db).await.map_err(|e| format!("cannot read the schema version: {e}"))?.len();
        let _ = db.close().await;
        Ok::<_, String>((applied, pending))
    };
    match tokio::time::timeout(DATABASE_TIMEOUT, attempt).await {
        Err(_) => Check::fail("database", format!("cannot connect: no answer within {DATABASE_TIMEOUT:?}"), "check DATABASE_URL and that the database runs"),
        Ok(Err(e)) => Check::fail("database", e, "check DATABASE_URL and that the database runs and accepts this user"),
        Ok(Ok((applied, 0))) => Check::pass("database", format!("reachable; schema up to date ({applied} migrations)")),
        Ok(Ok((_, pending))) => Check::fail(
            "database",
            format!("reachable; {pending} migration(s) not applied yet"),
            "run `zt-ix migrate up` (`zt-ix serve` also applies them when it starts)",
        ),
    }
}

async fn controller(config: &AppConfig, settings: &domain::RuntimeSettings) -> Vec<Check> {
    let provisioning = match startup::provisioning(config, settings).await {
        Ok(provisioning) => provisioning,
        Err(e) => return vec![Check::fail("controller", format!("{e:#}"), "fix the ZT_* settings")],
    };
    let address = match provisioning.preflight().await {
        Ok(address) => address,
        Err(e) => {
            let fix = match e.kind {
                domain::provisioning::ProviderErrorKind::Auth => "set the token the controller accepts (ZT_CONTROLLER_AUTH_TOKEN or _FILE, or ZT_CENTRAL_API_TOKEN)",
                domain::provisioning::ProviderErrorKind::Configuration => "set ZT_CONTROLLER_AUTH_TOKEN (or _FILE), or ZT_CENTRAL_API_TOKEN for Central",
                _ => "check that the controller runs and that ZT_CONTROLLER_BASE_URL (or ZT_CENTRAL_BASE_URL) reaches it",
            };
            return vec![Check::fail("controller", e.to_string(), fix)];
        }
    };
    let mut checks = vec![Check::pass(
        "controller",
        match &address {
            Some(address) => format!("controller {address} answers and accepts the token"),
            None => "ZeroTier Central answers and accepts the token".to_owned(),
        },
    )];
    let networks = match resolve_networks(&settings.networks, address.as_ref()) {
        Ok(networks) => networks,
        Err(e) => {
            checks.push(Check::fail("networks", e.0, "fix the networks of the runtime config"));
            return checks;
        }
    };
    let Ok(provider) = provisioning.provider() else { return checks };
    for network in networks {
        let name = format!("network {}", network.id);
        let spec = ControllerNetworkSpec { id: network.id.clone(), name: network.name.clone(), ipv6_prefix: network.ipv6_prefix };
        let fix = "run `zt-ix controller reconcile` (`zt-ix serve` does it when it starts)";
        checks.push(match provider.network_as_configured(&spec).await {
            Ok(true) => Check::pass(name, format!("{} exists as configured", network.name)),
            Ok(false) => Check::fail(name, format!("{} exists but differs from the runtime config (name, privacy, address assignment or the route of {})", network.name, network.ipv6_prefix), fix),
            Err(e) => Check::fail(name, e.to_string(), fix),
        });
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_check_says_what_to_do_and_the_report_fails() {
        let checks = [Check::pass("config", "environment read"), Check::fail("database", "cannot connect", "start it")];
        assert!(!checks.iter().all(|c| c.ok));
        let json = serde_json::to_value(Report { ok: false, checks: &checks }).unwrap();
        assert_eq!(json["checks"][1]["fix"], "start it");
        assert!(json["checks"][0].get("fix").is_none());
    }
}
