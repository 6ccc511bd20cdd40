//! The `zt-ix` command line.

use clap::{Args, Parser, Subcommand};

/// ZT-IX: the self-service portal of a ZeroTier-based Internet Exchange.
#[derive(Debug, Parser)]
#[command(name = "zt-ix", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web portal, the JSON API and the provisioning worker (the default).
    Serve(ServeArgs),
    /// Apply, roll back or list database migrations.
    #[command(subcommand)]
    Migrate(MigrateCommand),
}

#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    /// Run only the provisioning worker, without the web tier (for scale-out).
    #[arg(long)]
    pub worker_only: bool,
}

#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// Apply every pending migration.
    Up,
    /// Roll back the latest migration (or more).
    Down {
        /// How many migrations to roll back.
        #[arg(long, default_value_t = 1, conflicts_with = "all")]
        steps: u32,
        /// Roll back every migration (drops all tables).
        #[arg(long)]
        all: bool,
    },
    /// List migrations and whether each is applied.
    Status,
}
