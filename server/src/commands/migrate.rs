//! `zt-ix migrate up | down | status`.

use anyhow::Context;
use domain::db::{self, PoolSettings};
use migration::{MigrationStatus, Migrator, MigratorTrait};
use secrecy::ExposeSecret;

use crate::cli::MigrateCommand;
use crate::config::AppConfig;

pub async fn run(config: &AppConfig, command: MigrateCommand) -> anyhow::Result<()> {
    let db = db::connect(config.database.url.expose_secret(), &PoolSettings { max_connections: 2, ..Default::default() })
        .await
        .context("DATABASE_URL")?;
    match command {
        MigrateCommand::Up => {
            let pending = Migrator::get_pending_migrations(&db).await?.len();
            db::migrate(&db).await?;
            println!("applied {pending} migration(s); the schema is up to date");
        }
        MigrateCommand::Down { steps, all } => {
            let applied = Migrator::get_applied_migrations(&db).await?.len() as u32;
            let steps = if all { applied } else { steps.min(applied) };
            Migrator::down(&db, Some(steps)).await?;
            println!("rolled back {steps} migration(s)");
        }
        MigrateCommand::Status => {
            for migration in Migrator::get_migration_with_status(&db).await? {
                let state = match migration.status() {
                    MigrationStatus::Applied => "applied",
                    MigrationStatus::Pending => "pending",
                };
                println!("{state:<8} {}", migration.name());
            }
        }
    }
    Ok(())
}
