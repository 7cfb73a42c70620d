//! Starting the SMS callback worker (`crate::sms::callbacks`): once the
//! database is migrated, it calls clients' URLs until shutdown.

use super::{DatabaseStatus, StartupError};
use crate::config::Settings;
use crate::http::outbound;
use crate::registry::Database;
use crate::shutdown::Shutdown;
use crate::sms::callbacks::CallbackWorker;

/// Starts the worker when enabled.
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
    let http = outbound::client(&all.http.outbound, settings.timeout)
        .map_err(|e| StartupError::Config(e.to_string()))?;
    let worker = CallbackWorker::new(db.callbacks.clone(), settings.clone(), http);
    let (status, token, poll) = (status.clone(), shutdown.token(), settings.poll_interval);
    shutdown.spawn(async move {
        if status.wait_migrated(poll, &token).await {
            worker.run(token).await;
        }
    });
    Ok(())
}
