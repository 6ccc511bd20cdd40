//! The `zt-ix` command line.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand};
use domain::types::Asn;

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
    /// Manage local accounts (the only way to create them).
    #[command(subcommand)]
    Users(UsersCommand),
    /// Check and maintain the ZeroTier network controller.
    #[command(subcommand)]
    Controller(ControllerCommand),
    /// Check the configuration and every outside part it names (database, controller,
    /// PeeringDB, route servers); exit code 0 only when all pass. Changes nothing.
    Doctor(DoctorArgs),
    /// Compare the controller and every route server with the database and repair what
    /// differs (members changed or deleted by hand, peer files missing, altered or stray).
    Reconcile(ReconcileArgs),
}

#[derive(Debug, Args, Default)]
pub struct ReconcileArgs {
    /// Print every difference and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args, Default)]
pub struct DoctorArgs {
    /// One JSON document instead of lines, for automation.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ControllerCommand {
    /// Check that the controller answers, accepts the token and has every network.
    Preflight,
    /// Create or correct the configured networks on the controller.
    Reconcile,
    /// Check the token in ZT_CONTROLLER_AUTH_TOKEN(_FILE); running servers re-read the file
    /// at their next preflight (within a minute) or at once on SIGHUP.
    TokenReload,
    /// Archive the controller state (ZT_CONTROLLER_STATE_DIR) into ZT_CONTROLLER_BACKUP_DIR.
    Backup,
    /// Put a backup in place of the controller state, then run preflight again.
    Restore {
        /// The backup's file name (default: the newest).
        #[arg(long)]
        backup: Option<String>,
        /// How long to wait for the controller to answer again after the restore.
        #[arg(long, default_value_t = 60)]
        wait_seconds: u64,
    },
}

#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    /// Run only the provisioning worker, without the web tier (for scale-out); it answers
    /// /healthz, /readyz and /metrics on LEPTOS_SITE_ADDR.
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

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a local account.
    Create(CreateUser),
    /// Change a local account; options not given stay as they are.
    Update(UpdateUser),
    /// Stop an account from logging in and end its sessions.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Let a disabled account log in again.
    Enable {
        #[arg(long)]
        username: String,
    },
    /// Print a set-password link for a local account (valid 72 hours, once); earlier
    /// links stop working.
    PasswordLink {
        #[arg(long)]
        username: String,
    },
    /// End every session of an account.
    EndSessions {
        #[arg(long)]
        username: String,
    },
    /// Turn off an account's two-factor login (a lost authenticator); its sessions end.
    ResetTwoFactor {
        #[arg(long)]
        username: String,
    },
    /// List accounts (local and PeeringDB).
    List {
        /// One JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// Where a new password comes from (never the command line, which other users can see).
#[derive(Debug, Args)]
pub struct PasswordSource {
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// Read the password from a file (its first line).
    #[arg(long, value_name = "FILE", conflicts_with = "password_stdin")]
    pub password_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("password").args(["password_stdin", "password_file", "password_link"]).required(true)))]
pub struct CreateUser {
    #[arg(long)]
    pub username: String,
    #[command(flatten)]
    pub password: PasswordSource,
    /// Set no password: print a set-password link for the user instead.
    #[arg(long)]
    pub password_link: bool,
    /// Make the account an exchange admin.
    #[arg(long)]
    pub admin: bool,
    /// An ASN the account may represent (repeat for several).
    #[arg(long = "asn", value_name = "ASN")]
    pub asns: Vec<Asn>,
    /// Restrict the account to this network: 16-hex id or configured 6-hex suffix (repeatable).
    #[arg(long = "network", value_name = "ID")]
    pub networks: Vec<String>,
    #[arg(long)]
    pub full_name: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
}

#[derive(Debug, Args)]
pub struct UpdateUser {
    #[arg(long)]
    pub username: String,
    #[command(flatten)]
    pub password: PasswordSource,
    /// Make the account an exchange admin.
    #[arg(long, conflicts_with = "no_admin")]
    pub admin: bool,
    /// Take admin rights away.
    #[arg(long)]
    pub no_admin: bool,
    /// Replace the account's local ASNs with these (repeatable).
    #[arg(long = "asn", value_name = "ASN", conflicts_with = "clear_asns")]
    pub asns: Vec<Asn>,
    /// Remove every local ASN.
    #[arg(long)]
    pub clear_asns: bool,
    /// Replace the account's network restrictions with these (repeatable).
    #[arg(long = "network", value_name = "ID", conflicts_with = "clear_networks")]
    pub networks: Vec<String>,
    /// Remove every network restriction (the account may request any network).
    #[arg(long)]
    pub clear_networks: bool,
    #[arg(long)]
    pub full_name: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
}
