use std::process::ExitCode;

use clap::Parser;
use server::cli::{Cli, Command, ServeArgs};
use server::config::AppConfig;
use server::{commands, telemetry};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A missing .env is normal; a broken one is not.
    if let Err(e) = dotenvy::dotenv() {
        if !e.not_found() {
            eprintln!("zt-ix: cannot read .env: {e}");
            return ExitCode::from(2);
        }
    }
    let config = match AppConfig::from_process_env() {
        Ok(config) => config,
        Err(e) if matches!(cli.command, Some(Command::Doctor(_))) => {
            let json = matches!(&cli.command, Some(Command::Doctor(args)) if args.json);
            commands::doctor::print(&commands::doctor::config_checks(&e), json);
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("zt-ix: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config.log);

    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("zt-ix: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
            Command::Serve(args) => commands::serve::run(config, args).await,
            Command::Migrate(command) => commands::migrate::run(&config, command).await,
            Command::Users(command) => commands::users::run(&config, command).await,
            Command::Controller(command) => commands::controller::run(&config, command).await,
            Command::Doctor(args) => commands::doctor::run(&config, &args).await,
            Command::Reconcile(args) => commands::reconcile::run(&config, &args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "zt-ix stopped with an error");
            eprintln!("zt-ix: {e:#}");
            ExitCode::FAILURE
        }
    }
}
