//! `zt-ix users create | update | disable | enable | list`

use std::io::BufRead;

use anyhow::{bail, Context};
use domain::identity::accounts::{self, AccountChanges, NewAccount};
use secrecy::SecretString;

use crate::cli::{PasswordSource, UsersCommand};
use crate::config::AppConfig;
use crate::startup;

/// The first line of stdin or of the file, without its line ending.
fn read_password(source: &PasswordSource) -> anyhow::Result<Option<SecretString>> {
    let line = if source.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
        line
    } else if let Some(path) = &source.password_file {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading the password file {}", path.display()))?;
        text.lines().next().unwrap_or_default().to_owned()
    } else {
        return Ok(None);
    };
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("the password is empty");
    }
    Ok(Some(SecretString::from(password)))
}

pub async fn run(config: &AppConfig, command: UsersCommand) -> anyhow::Result<()> {
    let services = startup::prepare(config).await?;
    let (db, auth) = (&services.db, &services.settings.auth);
    match command {
        UsersCommand::Create(args) => {
            let password = read_password(&args.password)?.context("give --password-stdin or --password-file")?;
            let user = accounts::create(
                db,
                auth,
                NewAccount {
                    username: args.username,
                    password,
                    is_admin: args.admin,
                    asns: args.asns,
                    networks: args.networks,
                    full_name: args.full_name,
                    email: args.email,
                },
            )
            .await?;
            let role = if user.is_admin { "admin" } else { "operator" };
            println!("created {role} account '{}'", user.username);
        }
        UsersCommand::Update(args) => {
            let changes = AccountChanges {
                password: read_password(&args.password)?,
                is_admin: match (args.admin, args.no_admin) {
                    (true, _) => Some(true),
                    (_, true) => Some(false),
                    _ => None,
                },
                asns: (args.clear_asns || !args.asns.is_empty()).then_some(args.asns),
                networks: (args.clear_networks || !args.networks.is_empty()).then_some(args.networks),
                full_name: args.full_name,
                email: args.email,
            };
            let user = accounts::update(db, auth, &args.username, changes).await?;
            println!("updated account '{}'", user.username);
        }
        UsersCommand::Disable { username } => {
            accounts::set_enabled(db, &username, false).await?;
            println!("disabled account '{username}' and ended its sessions");
        }
        UsersCommand::Enable { username } => {
            accounts::set_enabled(db, &username, true).await?;
            println!("enabled account '{username}'");
        }
        UsersCommand::List { json } => {
            let list = accounts::list(db).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                println!("{:<24} {:<8} {:<8} {:<24} NETWORKS", "USERNAME", "ROLE", "STATE", "ASNS");
                for a in list {
                    let asns = a.asns.iter().map(|n| format!("AS{n}")).collect::<Vec<_>>().join(",");
                    let networks = if a.networks.is_empty() { "any".to_owned() } else { a.networks.join(",") };
                    println!(
                        "{:<24} {:<8} {:<8} {:<24} {}",
                        a.username,
                        if a.is_admin { "admin" } else { "operator" },
                        if a.is_enabled { "enabled" } else { "disabled" },
                        if asns.is_empty() { "-".to_owned() } else { asns },
                        networks
                    );
                }
            }
        }
    }
    Ok(())
}
