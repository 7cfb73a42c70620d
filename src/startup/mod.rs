//! Building the application from settings and a listener it is given, and
//! running it until the shutdown signal (zero-to-production's `Application`).
//!
//! Tests bind port 0 and hand the listener in, so they run in parallel.

mod callbacks;
mod database;
mod events;
mod smpp;
pub mod ussd;

pub use database::DatabaseStatus;

use crate::config::Settings;
use crate::http::{self, AppState};
use crate::registry::{self, SharedRegistry};
use crate::shutdown::Shutdown;
use crate::sms::api::{ApiState, Clients, OtpState};
use crate::sms::notifier::Notifier;
use crate::sms::outbox::{CoalescingOutbox, SharedOutbox};
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// A built gateway, not yet serving.
pub struct Application {
    listener: TcpListener,
    settings: Settings,
    tls: Option<tokio_rustls::TlsAcceptor>,
    state: AppState,
    shutdown: Shutdown,
    notifier: Notifier,
}

/// Why the application could not be built or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartupError {
    /// The registry could not be configured (a malformed URL, an unwritable folder).
    #[error(transparent)]
    Registry(#[from] registry::RegistryError),
    /// A setting that only makes sense once combined with others (e.g. API keys).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The menus are invalid; the report lists every problem with file and line.
    #[error("invalid menus:\n{0}")]
    Menus(String),
    /// The listener failed.
    #[error("http server: {0}")]
    Io(#[from] std::io::Error),
    /// `[http.tls]` names files that do not make a certificate and key.
    #[error("[http.tls]: {0}")]
    Tls(#[from] http::tls::TlsError),
}

fn tls_acceptor(settings: &Settings) -> Result<Option<tokio_rustls::TlsAcceptor>, StartupError> {
    Ok(settings
        .http
        .tls
        .as_ref()
        .map(http::tls::acceptor)
        .transpose()?)
}

impl Application {
    /// Builds everything; starts connecting to the database in the background.
    pub async fn build(settings: Settings, listener: TcpListener) -> Result<Self, StartupError> {
        // The metrics recorder first: handles registered before it exist do nothing.
        crate::telemetry::metrics();
        let tls = tls_acceptor(&settings)?;
        let shutdown = Shutdown::new();
        let db = registry::connect_lazy(&settings.database)?;
        let status = DatabaseStatus::default();
        shutdown.spawn(database::migrate_with_retry(
            db.registry.clone(),
            status.clone(),
            settings.database.max_retry_backoff,
            shutdown.clone(),
        ));
        let clients = Clients::from_settings(&settings.api).map_err(StartupError::Config)?;
        let otp = OtpState::new(
            db.otp.clone(),
            settings.otp.clone(),
            settings.sms.otp_per_msisdn_per_hour,
        );
        // One API request is usually one message: group-commit them. SQLite
        // has one writer, so a second batch would only wait for the lock.
        let writers = match db.registry.backend() {
            crate::registry::Backend::Sqlite => 1,
            crate::registry::Backend::Postgres => 4,
        };
        let api = ApiState {
            outbox: CoalescingOutbox::start(db.outbox.clone(), writers),
            clients,
            max_parts: settings.sms.max_parts,
            otp: std::sync::Arc::new(otp),
        };
        let notifier = ussd::notifier(&settings, &db)?;
        events::start(
            &settings.notify,
            &db,
            notifier.templates(),
            &status,
            &shutdown,
        )?;
        callbacks::start(&settings, &db, &status, &shutdown)?;
        callbacks::start_mo_forward(&settings, &db, &status, &shutdown)?;
        let ussd = ussd::build(&settings, &db, &notifier, &shutdown)?;
        smpp::start(&settings, &db, ussd.clone(), &notifier, &shutdown);
        let state = AppState::new(db, status, api, ussd);
        Ok(Application {
            listener,
            settings,
            tls,
            state,
            shutdown,
            notifier,
        })
    }

    /// The address the HTTP server listens on (the real port when bound to 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The registry handle, for tests and in-process tools.
    pub fn registry(&self) -> SharedRegistry {
        self.state.registry.clone()
    }

    /// The SMS outbox handle, for tests and in-process tools.
    pub fn outbox(&self) -> SharedOutbox {
        self.state.api.outbox.clone()
    }

    /// The templated-SMS handle services send through.
    pub fn notifier(&self) -> Notifier {
        self.notifier.clone()
    }

    /// The shutdown handle: trigger it to stop the application.
    pub fn shutdown_handle(&self) -> Shutdown {
        self.shutdown.clone()
    }

    /// Serves until the shutdown handle is triggered, then drains: in-flight
    /// requests finish (up to `http.shutdown_grace`), background tasks stop,
    /// and the database pool closes.
    pub async fn run(self) -> Result<(), StartupError> {
        let Application {
            listener,
            settings,
            tls,
            state,
            shutdown,
            ..
        } = self;
        let grace = settings.http.shutdown_grace;
        let registry = state.registry.clone();
        tracing::info!(addr = %listener.local_addr()?, database = %settings.database.url, "dargah listening");
        let opts = http::serve::ServeOptions {
            header_read_timeout: settings.http.header_read_timeout,
            keep_alive_timeout: settings.http.keep_alive_timeout,
            tls,
        };
        let router = http::router(state, &settings.http);
        let server = shutdown.spawn(http::serve::serve(listener, router, opts, shutdown.clone()));
        shutdown.cancelled().await;
        if !shutdown.drain(grace).await {
            tracing::warn!(
                ?grace,
                "some tasks did not finish within the shutdown grace period"
            );
        }
        registry.close().await;
        if !server.is_finished() {
            server.abort();
        }
        tracing::info!("shutdown complete");
        Ok(())
    }
}
