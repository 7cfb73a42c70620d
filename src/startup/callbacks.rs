//! Starting the SMS callback worker (`crate::sms::callbacks`): once the
//! database is migrated, it calls clients' URLs until shutdown.

use super::{DatabaseStatus, StartupError};
use crate::registry::Database;
use crate::shutdown::Shutdown;
use crate::sms::callbacks::{CallbackSettings, CallbackWorker};

/// Starts the worker when enabled.
pub fn start(
    settings: &CallbackSettings,
    db: &Database,
    status: &DatabaseStatus,
    shutdown: &Shutdown,
) -> Result<(), StartupError> {
    if !settings.enabled {
        tracing::info!("sms.callbacks.enabled is false: callbacks are left to other gateways");
        return Ok(());
    }
    let worker = CallbackWorker::new(db.callbacks.clone(), settings.clone())
        .map_err(|e| StartupError::Config(format!("sms.callbacks: {e}")))?;
    let (status, token, poll) = (status.clone(), shutdown.token(), settings.poll_interval);
    shutdown.spawn(async move {
        // Before the migrations the callbacks table may not exist yet.
        while !status.migrated() {
            tokio::select! {
                () = token.cancelled() => return,
                () = tokio::time::sleep(poll) => {}
            }
        }
        worker.run(token).await;
    });
    Ok(())
}
