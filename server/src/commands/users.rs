//! `zt-ix users create | update | disable | enable | password-link | end-sessions |
//! reset-two-factor | list`: the same account code as the admins' screens, audited as the CLI.

use std::io::BufRead;

use anyhow::{bail, Context};
use domain::identity::accounts::{self, cli, AccountChanges, NewAccount, PasswordLink, Who};
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

fn print_link(config: &AppConfig, username: &str, link: &PasswordLink) {
    let view = link.view(&config.http.public_base_url);
    println!(
        "set-password link for '{username}' (valid until {}, once):",
        view.expires_at
    );
    println!("{}", view.url);
}

pub async fn run(config: &AppConfig, command: UsersCommand) -> anyhow::Result<()> {
    let services = startup::prepare(config).await?;
    let (db, auth) = (&services.db, &services.settings.auth);
    match command {
        UsersCommand::Create(args) => {
            let password = read_password(&args.password)?;
            if password.is_none() && !args.password_link {
                bail!("give --password-stdin, --password-file or --password-link");
            }
            let (user, link) = accounts::create(
                db,
                auth,
                cli(),
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
            if let Some(link) = link {
                print_link(config, &user.username, &link);
            }
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
            let user =
                accounts::update(db, auth, cli(), Who::from(args.username.as_str()), changes)
                    .await?;
            println!("updated account '{}'", user.username);
        }
        UsersCommand::Disable { username } => {
            accounts::set_enabled(db, cli(), Who::from(username.as_str()), false).await?;
            println!("disabled account '{username}' and ended its sessions");
        }
        UsersCommand::Enable { username } => {
            accounts::set_enabled(db, cli(), Who::from(username.as_str()), true).await?;
            println!("enabled account '{username}'");
        }
        UsersCommand::PasswordLink { username } => {
            let link =
                accounts::issue_password_link(db, cli(), Who::from(username.as_str())).await?;
            print_link(config, &username, &link);
        }
        UsersCommand::EndSessions { username } => {
            let ended = accounts::end_sessions(db, cli(), Who::from(username.as_str())).await?;
            println!("ended {ended} session(s) of '{username}'");
        }
        UsersCommand::ResetTwoFactor { username } => {
            let txn = domain::db::begin_write(db).await?;
            let (user, _) = accounts::user_of(&txn, Who::from(username.as_str())).await?;
            domain::identity::second_factor::reset(&txn, cli(), user.id).await?;
            txn.commit().await?;
            println!("turned off two-factor login of '{username}' and ended its sessions");
        }
        UsersCommand::List { json } => {
            let list = accounts::list(db, None).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                println!(
                    "{:<24} {:<9} {:<8} {:<8} {:<24} NETWORKS",
                    "USERNAME", "KIND", "ROLE", "STATE", "ASNS"
                );
                for a in list {
                    let asns = a.asns.iter().map(|n| format!("AS{n}")).collect::<Vec<_>>().join(",");
                    let networks = if a.networks.is_empty() { "any".to_owned() } else { a.networks.join(",") };
                    println!(
                        "{:<24} {:<9} {:<8} {:<8} {:<24} {}",
                        a.username,
                        a.kind,
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
