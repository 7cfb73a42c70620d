//! Starting the registry notifier (`crate::sms::events`): once the database
//! is migrated, it turns registry events into SMS until shutdown.

use super::{DatabaseStatus, StartupError};
use crate::registry::Database;
use crate::shutdown::Shutdown;
use crate::sms::events::{EventNotifier, NotifySettings, compose};
use crate::sms::template::TemplateSet;
use std::sync::Arc;

/// Starts the notifier when enabled. Without any SMS templates (no menus
/// folder) it stays off with a warning and events wait in their table; a
/// template set that lacks one the notifier uses stops the start.
pub fn start(
    settings: &NotifySettings,
    db: &Database,
    templates: &TemplateSet,
    status: &DatabaseStatus,
    shutdown: &Shutdown,
) -> Result<(), StartupError> {
    if !settings.enabled {
        tracing::info!("notify.enabled is false: registry events are left to other gateways");
        return Ok(());
    }
    if templates.is_empty() {
        tracing::warn!(
            "no SMS templates: registry notifications are off; events wait in request_events"
        );
        return Ok(());
    }
    let missing = templates.missing(compose::TEMPLATES);
    if !missing.is_empty() {
        return Err(StartupError::Config(format!(
            "registry notifications need SMS templates {} (menus/sms/*.toml), or notify.enabled = false",
            missing.join(", ")
        )));
    }
    let notifier = EventNotifier::new(
        db.events.clone(),
        Arc::new(templates.clone()),
        settings.clone(),
    );
    let (status, token, poll) = (status.clone(), shutdown.token(), settings.poll_interval);
    shutdown.spawn(async move {
        if status.wait_migrated(poll, &token).await {
            notifier.run(token).await;
        }
    });
    Ok(())
}
