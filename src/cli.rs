//! The command line: `serve`, `migrate`, `demo seed`, `demo generate`.
//!
//! Errors end here: each is printed once, with its causes, and turned into an exit code.

use crate::config::Settings;
use crate::registry::{self, demo};
use crate::startup::Application;
use crate::{shutdown, telemetry};
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// dargah (درگاه): USSD/SMS gateway for citizen e-services.
#[derive(Debug, Parser)]
#[command(name = "dargah", version, about)]
pub struct Cli {
    /// A TOML configuration file (see dargah.example.toml); DARGAH__SECTION__KEY variables override it.
    #[arg(long, global = true, env = "DARGAH_CONFIG")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gateway: migrate the database, serve HTTP, until SIGINT/SIGTERM.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Demo and benchmark data.
    #[command(subcommand)]
    Demo(DemoCommand),
}

/// `dargah demo …`
#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Load the demo set: cities, offices with capacity for 14 days, citizens in every state.
    Seed,
    /// Bulk-load synthetic citizens and requests for benchmarks.
    Generate {
        /// How many citizens (each with one request).
        #[arg(long, default_value_t = 1_000_000)]
        citizens: u64,
        /// The random seed, so that runs are repeatable.
        #[arg(long, default_value_t = 6090)]
        seed: u64,
    },
}

/// Parses the command line, runs it, and reports an error once.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fail(anyhow::Error::new(e).context("starting the async runtime")),
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn fail(e: anyhow::Error) -> ExitCode {
    eprintln!("dargah: {e:#}");
    ExitCode::FAILURE
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(cli.config.as_deref())?;
    telemetry::init_logging(&settings.log);
    match cli.command {
        Command::Serve => serve(settings).await,
        Command::Migrate => with_registry(&settings, |_| async { Ok(()) }).await,
        Command::Demo(DemoCommand::Seed) => {
            with_registry(&settings, |r| async move {
                let summary = demo::seed(r.as_ref()).await?;
                println!("{summary}");
                Ok(())
            })
            .await
        }
        Command::Demo(DemoCommand::Generate { citizens, seed }) => {
            with_registry(&settings, |r| async move {
                let took = demo::generate(r.as_ref(), citizens, seed).await?;
                println!("generated {citizens} citizens with requests in {took:.1?}");
                Ok(())
            })
            .await
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let addr = settings.http.listen;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let app = Application::build(settings, listener).await?;
    let handle = app.shutdown_handle();
    tokio::spawn(async move {
        shutdown::os_signal().await;
        handle.trigger();
    });
    Ok(app.run().await?)
}

/// Connects, migrates (failing fast: a one-shot command should not wait for
/// a database that is down), runs `f`, and closes the pool.
async fn with_registry<F, Fut>(settings: &Settings, f: F) -> anyhow::Result<()>
where
    F: FnOnce(registry::SharedRegistry) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let registry = registry::connect_lazy(&settings.database)?.registry;
    registry
        .migrate()
        .await
        .with_context(|| format!("migrating {}", settings.database.url))?;
    tracing::info!(database = %settings.database.url, "migrations applied");
    let result = f(registry.clone()).await;
    registry.close().await;
    result
}
