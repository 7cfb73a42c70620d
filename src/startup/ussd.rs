//! Bringing up the USSD engine: the menus in `ussd.menus_dir` with the actions
//! the services register, and the hot-reload watcher.

use super::StartupError;
use crate::config::Settings;
use crate::registry::Database;
use crate::shutdown::Shutdown;
use crate::ussd::{ActionRegistry, UssdService};

/// The actions menus may call. Services register theirs here as they arrive;
/// `dargah menus check` validates against the same set.
pub fn actions(_db: &Database) -> ActionRegistry {
    ActionRegistry::new()
}

/// The USSD service, or `None` (with a warning) when there is no menus folder:
/// a gateway used only for SMS needs none. An invalid menu set stops the start.
pub fn build(
    settings: &Settings,
    db: &Database,
    shutdown: &Shutdown,
) -> Result<Option<UssdService>, StartupError> {
    let dir = &settings.ussd.menus_dir;
    if !dir.is_dir() {
        tracing::warn!(menus_dir = %dir.display(), "no menus folder: USSD is off");
        return Ok(None);
    }
    let service = UssdService::load(settings.ussd.clone(), actions(db))
        .map_err(|report| StartupError::Menus(report.to_string()))?;
    if let Some(watcher) = crate::ussd::reload::spawn(service.clone(), shutdown.token()) {
        shutdown.spawn(async move {
            let _ = watcher.await;
        });
    }
    tracing::info!(menus_dir = %dir.display(), "USSD menus loaded");
    Ok(Some(service))
}
