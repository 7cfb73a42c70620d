//! The command line: `serve`, `migrate`, `demo seed`, `demo generate`, `send-sms`, ….
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
    /// USSD menu files.
    #[command(subcommand)]
    Menus(MenusCommand),
    /// Simulated peers for benchmarks.
    #[command(subcommand)]
    Sim(SimCommand),
    /// A phone in the terminal: dial a USSD code and walk the menus as a handset shows them.
    Dial {
        /// What to dial, e.g. '*4*6090#' (deep links like '*4*6090*1#' too).
        code: String,
        /// The calling number.
        #[arg(long, default_value = "09121234567")]
        msisdn: String,
        /// A running gateway's cumulative USSD route (e.g. http://127.0.0.1:8080/ussd/africastalking);
        /// without it the menus run in this process against the configured database.
        #[arg(long)]
        url: Option<String>,
    },
    /// Enqueue one SMS through the database (the dispatcher of a running gateway sends it).
    SendSms {
        /// The recipient (09…, 98…, +98…; Persian digits too).
        #[arg(long)]
        to: String,
        /// The text.
        #[arg(long)]
        text: String,
        /// 0 (first, one-time codes) to 9 (last).
        #[arg(long, default_value_t = 5)]
        priority: u8,
        /// Wait until the message is delivered or finally not, printing each state.
        #[arg(long)]
        wait: bool,
        /// How long --wait waits, in seconds.
        #[arg(long, default_value_t = 120)]
        wait_secs: u64,
    },
}

/// `dargah menus …`
#[derive(Debug, Subcommand)]
pub enum MenusCommand {
    /// Validate menu files (default: the whole `ussd.menus_dir`); prints every problem with file and line.
    Check {
        /// Files or folders to check.
        paths: Vec<PathBuf>,
    },
}

/// `dargah sim …`
#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// The fast SMSC sink on a fixed address; with --expect, times a drain and prints it as JSON.
    Sink {
        /// The SMPP address to listen on.
        #[arg(long, default_value = "127.0.0.1:2775")]
        listen: std::net::SocketAddr,
        /// Report every accepted message delivered (a DELIVRD receipt after each submit_sm_resp).
        #[arg(long)]
        receipts: bool,
        /// Exit once this many submit_sm (and receipts, and callbacks) were seen.
        #[arg(long)]
        expect: Option<u64>,
        /// Count delivery-report callbacks (e.g. Kannel's dlr-url) on this HTTP address.
        #[arg(long)]
        dlr_listen: Option<std::net::SocketAddr>,
        /// Give up (exit 1) after this many seconds.
        #[arg(long, default_value_t = 600)]
        timeout_secs: u64,
        /// With --expect: after printing the figures, keep serving until SIGINT/SIGTERM.
        #[arg(long)]
        stay: bool,
        /// deliver_sm (receipts, MO) unanswered per connection at most, as an SMSC windows them.
        #[arg(long, default_value_t = crate::sim::sink::DELIVER_WINDOW)]
        deliver_window: usize,
    },
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
    /// Bulk-enqueue short GSM-7 messages to 0912… numbers (dispatch benchmarks).
    Sms {
        /// How many messages.
        #[arg(long)]
        count: u64,
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
        Command::Menus(MenusCommand::Check { paths }) => menus_check(&settings, paths),
        Command::Sim(SimCommand::Sink {
            listen,
            receipts,
            expect,
            dlr_listen,
            timeout_secs,
            stay,
            deliver_window,
        }) => {
            let run = crate::sim::standalone::SinkRun {
                listen,
                receipts,
                expect,
                dlr_listen,
                timeout: std::time::Duration::from_secs(timeout_secs),
                stay,
                deliver_window,
            };
            crate::sim::standalone::run(run).await
        }
        Command::Demo(DemoCommand::Sms { count }) => {
            let took = crate::sms::send::enqueue_bulk(&settings, count).await?;
            println!("enqueued {count} messages in {took:.1?}");
            Ok(())
        }
        Command::Dial { code, msisdn, url } => dial(settings, &code, &msisdn, url).await,
        Command::SendSms {
            to,
            text,
            priority,
            wait,
            wait_secs,
        } => {
            let wait = wait.then(|| std::time::Duration::from_secs(wait_secs));
            let req = crate::sms::send::SendRequest {
                to,
                text,
                priority,
                wait,
            };
            crate::sms::send::send(&settings, req).await
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
    // Before binding: once the port answers, a SIGTERM must mean shutdown.
    let signal = shutdown::os_signal();
    let addr = settings.http.listen;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let app = Application::build(settings, listener).await?;
    let handle = app.shutdown_handle();
    tokio::spawn(async move {
        signal.await;
        handle.trigger();
    });
    Ok(app.run().await?)
}

fn menus_check(settings: &Settings, paths: Vec<PathBuf>) -> anyhow::Result<()> {
    let paths = if paths.is_empty() {
        vec![settings.ussd.menus_dir.clone()]
    } else {
        paths
    };
    let db = registry::connect_lazy(&settings.database)?;
    let notifier = crate::startup::ussd::notifier(settings, &db).unwrap_or_else(|_| {
        // Template problems are reported below; check the menus regardless.
        crate::sms::notifier::Notifier::new(db.outbox.clone(), Default::default())
    });
    let actions = crate::startup::ussd::actions(&db, &notifier, settings);
    let report = crate::menu::check(&paths, &settings.ussd, &actions);
    let sms = crate::startup::ussd::check_templates(settings, &paths);
    for p in &sms {
        println!("{p}");
    }
    print!("{report}");
    anyhow::ensure!(report.is_ok() && sms.is_empty(), "the menus have problems");
    println!("menus ok");
    Ok(())
}

async fn dial(
    settings: Settings,
    code: &str,
    msisdn: &str,
    url: Option<String>,
) -> anyhow::Result<()> {
    use crate::ussd::dial::{DialTarget, run_stdio};
    let dialled =
        crate::domain::ServiceCode::parse(code).with_context(|| format!("dialling {code}"))?;
    let msisdn =
        crate::domain::Msisdn::parse(msisdn).with_context(|| format!("calling from {msisdn}"))?;
    let limits = settings.ussd.page;
    let target = match url {
        Some(url) => DialTarget::Url(url),
        None => {
            let db = registry::connect_lazy(&settings.database)?;
            db.registry
                .migrate()
                .await
                .with_context(|| format!("migrating {}", settings.database.url))?;
            let notifier = crate::startup::ussd::notifier(&settings, &db)?;
            let actions = crate::startup::ussd::actions(&db, &notifier, &settings);
            let service = crate::ussd::UssdService::load(settings.ussd.clone(), actions)
                .map_err(|report| anyhow::anyhow!("invalid menus:\n{report}"))?;
            DialTarget::InProcess(service)
        }
    };
    Ok(run_stdio(target, dialled, msisdn, limits).await?)
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
