//! The national smart ID card service on `*4*6090#` (seed 002): the actions
//! `menus/national-card.toml` calls, over the registry and the SMS notifier.
//!
//! Business rules live in pure functions ([`guidance`], the `may_*` permission
//! helpers on `CardRequest`, [`access`]); the actions only read, check and
//! write. National IDs and serials are logged masked, never in clear.

pub mod access;
mod appointment;
mod delivery;
pub mod guidance;
mod identify;
pub mod limits;
mod mobile;
pub mod settings;
mod status;

pub use guidance::{Context, guidance, stage};
pub use limits::Limits;
pub use settings::NationalCardSettings;

use crate::registry::{Database, RegistryError};
use crate::sms::notifier::{Notifier, NotifyError};
use crate::ussd::{ActionError, ActionRegistry};

/// The SMS templates this service sends; they must exist at start.
pub const TEMPLATES: &[&str] = &[
    "appointment_moved",
    "mobile_changed_new",
    "mobile_changed_old",
    "delivery_office_changed",
    "receipt",
    "status_details",
];

/// What every action is given: a cheap Clone handle.
#[derive(Clone)]
pub struct Service {
    /// Registry and outbox.
    pub db: Database,
    /// Templated SMS.
    pub notifier: Notifier,
    /// Rate limits shared by every session.
    pub limits: Limits,
    /// `[national_card]`.
    pub settings: NationalCardSettings,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Service {
    /// The service over `db` and `notifier` with `settings`.
    pub fn new(db: Database, notifier: Notifier, settings: NationalCardSettings) -> Self {
        Service {
            db,
            notifier,
            limits: Limits::new(&settings),
            settings,
        }
    }
}

/// Registers every action of the service.
pub fn register(actions: &mut ActionRegistry, service: &Service) {
    identify::register(actions, service);
    status::register(actions, service);
    appointment::register(actions, service);
    mobile::register(actions, service);
    delivery::register(actions, service);
}

/// A database failure, logged once here and routed as the `error` outcome.
pub(crate) fn db_error(e: RegistryError) -> ActionError {
    tracing::error!(error = %e, "national card: registry failed");
    ActionError(e.to_string())
}

/// An SMS that could not be enqueued; logged once, routed as `error`.
pub(crate) fn sms_error(e: NotifyError) -> ActionError {
    tracing::error!(error = %e, "national card: SMS not enqueued");
    ActionError(e.to_string())
}
