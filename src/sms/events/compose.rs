//! Which change tells whom what: pure functions from an event (or an
//! appointment tomorrow) to planned messages. Texts live in the templates
//! (`menus/sms/*.toml`); this only picks the template and its variables.

use super::model::{EventKind, PendingEvent, Planned, Reminder, RequestContext};
use crate::domain::{Msisdn, NationalId};
use std::collections::BTreeMap;

/// Every template the notifier may use; the gateway refuses to start when
/// one is missing, so an event never fails on a missing template.
pub const TEMPLATES: &[&str] = &[
    "state_first_page_submitted",
    "state_personal_data_entered",
    "state_appointment_chosen",
    "state_enrollment_started",
    "state_enrollment_completed",
    "state_production_started",
    "state_card_produced",
    "state_card_at_delivery_office",
    "state_card_delivered",
    "payment_succeeded",
    "payment_failed",
    "payment_failed_money_taken",
    "payment_timed_out",
    "appointment_booked",
    "appointment_moved",
    "delivery_office_changed",
    "mobile_changed_old",
    "mobile_changed_new",
    "appointment_reminder",
];

/// The messages an event sends: none for changes nobody needs to hear about
/// (a payment becoming `pending` or `not_started`).
pub fn event(e: &PendingEvent) -> Result<Vec<Planned>, String> {
    let vars = variables(&e.context);
    let once = |to: &Msisdn| format!("event:{}:{}", e.id, to.as_str());
    let plan = |to: Msisdn, template: &'static str, vars: BTreeMap<String, String>| Planned {
        once: once(&to),
        to,
        template,
        vars,
    };
    let Some(template) = template(e) else {
        return Ok(Vec::new());
    };
    if e.kind != EventKind::Mobile {
        return Ok(vec![plan(msisdn(&e.mobile)?, template, vars)]);
    }
    let old = msisdn(e.old_value.as_deref().unwrap_or_default())?;
    let new = msisdn(e.new_value.as_deref().unwrap_or_default())?;
    let mut to_old = vars.clone();
    to_old.insert("mobile".into(), masked_local(&new));
    Ok(vec![
        plan(old, "mobile_changed_old", to_old),
        plan(new, "mobile_changed_new", vars),
    ])
}

/// The reminder for an appointment on `day` (`YYYY-MM-DD`).
pub fn reminder(r: &Reminder, day: &str) -> Result<Planned, String> {
    let to = msisdn(&r.mobile)?;
    Ok(Planned {
        once: format!("reminder:{}:{day}", r.request_id),
        to,
        template: "appointment_reminder",
        vars: variables(&r.context),
    })
}

fn template(e: &PendingEvent) -> Option<&'static str> {
    let new = e.new_value.as_deref().unwrap_or_default();
    match e.kind {
        EventKind::State => TEMPLATES
            .iter()
            .copied()
            .find(|t| t.strip_prefix("state_") == Some(new)),
        EventKind::Payment => TEMPLATES
            .iter()
            .copied()
            .find(|t| t.strip_prefix("payment_") == Some(new)),
        EventKind::Appointment if e.old_value.is_none() => Some("appointment_booked"),
        EventKind::Appointment => Some("appointment_moved"),
        EventKind::DeliveryOffice => Some("delivery_office_changed"),
        EventKind::Mobile => Some("mobile_changed_new"),
    }
}

/// `0935***2233`: enough for the owner to recognise, not to call.
fn masked_local(m: &Msisdn) -> String {
    let local = m.local();
    format!("{}***{}", &local[..4], &local[local.len() - 4..])
}

fn msisdn(stored: &str) -> Result<Msisdn, String> {
    Msisdn::parse(stored).map_err(|e| format!("invalid mobile {stored:?}: {e}"))
}

/// The variables known for a request (names as in `docs/sms-templates.md`);
/// absent facts are left out so a template that needs one fails instead of
/// sending a text with a hole. The national ID goes out masked: an SMS can be
/// read by whoever holds the phone.
fn variables(c: &RequestContext) -> BTreeMap<String, String> {
    let nid = c
        .national_id
        .as_deref()
        .and_then(|n| NationalId::parse(n).ok())
        .map(|n| n.masked());
    [
        ("tracking", c.tracking_code.clone()),
        ("nid", nid),
        ("first_name", c.first_name.clone()),
        ("date", c.appointment_day.clone()),
        ("shift", c.appointment_shift.clone()),
        ("office", c.office_name.clone()),
        ("address", c.office_address.clone()),
        ("delivery_office", c.delivery_name.clone()),
        ("delivery_address", c.delivery_address.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
    .collect()
}

#[cfg(test)]
mod tests;
