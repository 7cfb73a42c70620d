//! Starting the HTTP delivery workers once the database is migrated: the
//! SMS callback worker (`crate::sms::callbacks`) and the MO forward worker
//! (`crate::sms::mo_forward`). Both run until shutdown and let the calls in
//! flight finish.

use super::{DatabaseStatus, StartupError};
use crate::registry::Database;
use crate::shutdown::Shutdown;
use crate::sms::callbacks::{CallbackSettings, CallbackWorker};
use crate::sms::mo_forward::{MoForwardError, MoForwarder};
use std::future::Future;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Starts the callback worker when enabled.
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
    after_migration(status, shutdown, settings.poll_interval, |t| worker.run(t));
    Ok(())
}

/// Starts the MO forward worker when `[sms.mo_forward] url` is set.
pub fn start_mo_forward(
    settings: &crate::config::SmsSettings,
    db: &Database,
    status: &DatabaseStatus,
    shutdown: &Shutdown,
) -> Result<(), StartupError> {
    let s = &settings.mo_forward;
    let worker = match MoForwarder::new(
        db.mo_forwards.clone(),
        db.outbox.clone(),
        s.clone(),
        settings.max_parts,
    ) {
        Ok(w) => w,
        Err(MoForwardError::Disabled) => return Ok(()),
        Err(e) => return Err(StartupError::Config(format!("sms.mo_forward: {e}"))),
    };
    after_migration(status, shutdown, s.poll_interval, |t| worker.run(t));
    Ok(())
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
        while !status.migrated() {
            tokio::select! {
                () = token.cancelled() => return,
                () = tokio::time::sleep(poll) => {}
            }
        }
        run(token).await;
    });
}
