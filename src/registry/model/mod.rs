//! The registration data as the gateway sees it: typed values built from rows,
//! so a bad value written by anyone becomes an error here, not a wrong screen.

mod citizen;
mod office;
mod request;

pub use citizen::{Citizen, Gender, IdentityCheck};
pub use office::{
    DeliveryOffice, EnrollmentOffice, Facilities, FreeDay, OfficeQuery, OfficeSlot,
    RequestWithOffices, Shift, Slot,
};
pub use request::{CardRequest, NewRequest, PaymentState, RequestState, SpecialNeeds};

use serde::Serialize;

/// The channel a change came through, recorded in the audit table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A USSD session.
    Ussd,
    /// An SMS from the citizen.
    Sms,
    /// The registration web portal or its back office.
    Web,
    /// The gateway itself (demo data, scheduled jobs).
    System,
}

/// Who made a change: the channel and an identifier (an MSISDN, a user name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Where the change came from.
    pub channel: Channel,
    /// The MSISDN for USSD and SMS, the user for the web side.
    pub who: String,
}

impl Actor {
    /// A citizen acting from a phone over USSD.
    pub fn ussd(msisdn: &crate::domain::Msisdn) -> Self {
        Actor {
            channel: Channel::Ussd,
            who: msisdn.as_str().to_owned(),
        }
    }

    /// The gateway itself.
    pub fn system() -> Self {
        Actor {
            channel: Channel::System,
            who: "dargah".into(),
        }
    }
}

/// One row of the audit table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Who did it.
    pub actor: Actor,
    /// Which kind of record changed (`card_request`).
    pub entity: String,
    /// The changed record's key.
    pub entity_id: String,
    /// What was done (`move_appointment`, `change_mobile`, …).
    pub action: String,
    /// The values before, as JSON.
    pub before: Option<String>,
    /// The values after, as JSON.
    pub after: Option<String>,
}

/// What happened to a change a citizen asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeOutcome {
    /// Written, with its audit row.
    Changed,
    /// Nothing to change: the value was already this.
    Unchanged,
    /// The request's state does not allow this change (seed table 2.7).
    NotAllowed(RequestState),
    /// No such request (or office).
    NotFound,
    /// The slot has no free place left.
    Full,
    /// The office cannot serve this citizen's special needs.
    Unsuitable,
}
