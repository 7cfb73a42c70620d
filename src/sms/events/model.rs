//! Event values: a recorded change with the request context the texts need,
//! and a message planned from it.

use crate::domain::Msisdn;
use std::collections::BTreeMap;

/// What changed on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum EventKind {
    /// `state` (the lifecycle step).
    State,
    /// `payment_state`.
    Payment,
    /// The appointment was booked (no earlier one) or moved.
    Appointment,
    /// The delivery office was chosen or changed.
    DeliveryOffice,
    /// The notification mobile changed; old and new values are the numbers.
    Mobile,
}

/// An unprocessed event joined with the request as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEvent {
    /// Event key.
    pub id: i64,
    /// The request it belongs to.
    pub request_id: i64,
    /// What changed.
    pub kind: EventKind,
    /// The value before (state name, payment state, `day shift office`, mobile).
    pub old_value: Option<String>,
    /// The value after.
    pub new_value: Option<String>,
    /// The request's notification mobile right after the change (as stored).
    pub mobile: String,
    /// Request context, when the request still exists.
    pub context: RequestContext,
}

/// What the texts may mention about the request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// شماره پیگیری.
    pub tracking_code: Option<String>,
    /// The citizen's national ID (sent masked).
    pub national_id: Option<String>,
    /// The citizen's first name.
    pub first_name: Option<String>,
    /// Appointment day, `YYYY-MM-DD`.
    pub appointment_day: Option<String>,
    /// `morning` or `evening`.
    pub appointment_shift: Option<String>,
    /// Enrollment office name.
    pub office_name: Option<String>,
    /// Enrollment office address.
    pub office_address: Option<String>,
    /// Delivery office name.
    pub delivery_name: Option<String>,
    /// Delivery office address.
    pub delivery_address: Option<String>,
}

/// A request with an appointment tomorrow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// The request.
    pub request_id: i64,
    /// Its notification mobile (as stored).
    pub mobile: String,
    /// The request context (appointment fields set).
    pub context: RequestContext,
}

/// One message to send: template, variables, recipient and its once-key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// Recipient.
    pub to: Msisdn,
    /// Template name (`menus/sms/*.toml`).
    pub template: &'static str,
    /// Its variables.
    pub vars: BTreeMap<String, String>,
    /// The outbox idempotency key: the same event or reminder never enqueues twice.
    pub once: String,
}
