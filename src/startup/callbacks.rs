//! Starting the HTTP delivery workers once the database is migrated: the
//! SMS callback worker (`crate::sms::callbacks`) and the MO forward worker
//! (`crate::sms::mo_forward`). Both call out with the client of
//! `[http.outbound]` (HTTPS trusting the system roots and `ca_file`), run
//! until shutdown and let the calls in flight finish.

use super::{DatabaseStatus, StartupError};
use crate::config::Settings;
use crate::http::outbound;
use crate::registry::Database;
use crate::shutdown::Shutdown;
use crate::sms::callbacks::CallbackWorker;
use crate::sms::mo_forward::{MoForwardError, MoForwarder};
use std::future::Future;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Starts the callback worker when enabled.
pub fn start(
    all: &Settings,
    db: &Database,
    status: &DatabaseStatus,
    shutdown: &Shutdown,
) -> Result<(), StartupError> {
    let settings = &all.sms.callbacks;
    if !settings.enabled {
        tracing::info!("sms.callbacks.enabled is false: callbacks are left to other gateways");
        return Ok(());
    }
    let http = client(all, settings.timeout)?;
    let worker = CallbackWorker::new(db.callbacks.clone(), settings.clone(), http);
    after_migration(status, shutdown, settings.poll_interval, |t| worker.run(t));
    Ok(())
}

/// Starts the MO forward worker when `[sms.mo_forward] url` is set.
pub fn start_mo_forward(
    all: &Settings,
    db: &Database,
    status: &DatabaseStatus,
    shutdown: &Shutdown,
) -> Result<(), StartupError> {
    let s = &all.sms.mo_forward;
    let http = client(all, s.timeout)?;
    let worker = match MoForwarder::new(
        db.mo_forwards.clone(),
        db.outbox.clone(),
        s.clone(),
        all.sms.max_parts,
        http,
    ) {
        Ok(w) => w,
        Err(MoForwardError::Disabled) => return Ok(()),
        Err(e) => return Err(StartupError::Config(format!("sms.mo_forward: {e}"))),
    };
    after_migration(status, shutdown, s.poll_interval, |t| worker.run(t));
    Ok(())
}

fn client(all: &Settings, timeout: Duration) -> Result<reqwest::Client, StartupError> {
    outbound::client(&all.http.outbound, timeout).map_err(|e| StartupError::Config(e.to_string()))
}

/// Spawns `run` once the migrations are done (before them its tables may
/// not exist yet), unless shutdown comes first.
fn after_migration<F, Fut>(status: &DatabaseStatus, shutdown: &Shutdown, poll: Duration, run: F)
where
    F: FnOnce(CancellationToken) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (status, token) = (status.clone(), shutdown.token());
    shutdown.spawn(async move {
        if status.wait_migrated(poll, &token).await {
            run(token).await;
        }
    });
}
