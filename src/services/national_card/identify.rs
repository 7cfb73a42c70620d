//! Who is calling: the calling MSISDN when it is the mobile on a request (no
//! typing), else national ID + serial with a distinct outcome for every
//! identity failure; both rate-limited (see [`super::limits`]).

use super::access::{self, Access, REQUEST, VERIFIED};
use super::{Service, db_error};
use crate::domain::{IdSerial, NationalId};
use crate::registry::identity;
use crate::registry::model::{CardRequest, IdentityCheck};
use crate::ussd::{ActionError, ActionOutcome, ActionRegistry, ActionRequest, ActionSpec};
use std::collections::BTreeMap;

/// Requests one phone may list (a family sharing a mobile).
const MAX_PEOPLE: usize = 9;

/// The session variables of an identified caller: the request key, whether
/// they own it, and which main-menu options the permission table allows.
pub(super) fn home(r: &CardRequest, access: Access, area: Option<String>) -> ActionOutcome {
    let owner = access == Access::Owner;
    let yes = |b: bool| if b { "yes" } else { "" };
    ActionOutcome::new("ok")
        .with(REQUEST, r.id.to_string())
        .with("owner", yes(owner))
        .with("registered", access::masked_local(&r.mobile))
        .with("may_appointment", yes(owner && r.may_change_appointment()))
        .with("may_delivery", yes(owner && r.may_change_delivery_office()))
        .with("may_receipt", yes(r.may_get_receipt()))
        .with("office_area", area.unwrap_or_default())
}

fn relabel(mut o: ActionOutcome, label: &str) -> ActionOutcome {
    o.label = label.to_owned();
    o
}

/// The area code of a request's current enrollment office, if it has one.
pub(super) async fn office_area(
    s: &Service,
    r: &CardRequest,
) -> Result<Option<String>, ActionError> {
    let Some(slot) = r.appointment else {
        return Ok(None);
    };
    let office =
        s.db.registry
            .enrollment_office(slot.office_id)
            .await
            .map_err(super::db_error)?;
    Ok(office.map(|o| o.area_code.as_str().to_owned()))
}

pub(super) fn register(actions: &mut ActionRegistry, s: &Service) {
    let svc = s.clone();
    let spec = ActionSpec::new("card_caller", &["one", "many", "none"]).list(
        "people",
        MAX_PEOPLE,
        &[("id", "1234567890"), ("nid", "0084575948")],
    );
    actions.register(with_home(spec), move |req: ActionRequest| {
        let s = svc.clone();
        async move { caller(&s, &req).await }
    });
    let svc = s.clone();
    let spec = ActionSpec::new("card_pick", &["ok", "none"]).params(&[REQUEST]);
    actions.register(with_home(spec), move |req: ActionRequest| {
        let s = svc.clone();
        async move { pick(&s, &req).await }
    });
    let svc = s.clone();
    let spec = ActionSpec::new("card_verify", VERIFY_OUTCOMES)
        .params(&["national_id", "serial"])
        .output(VERIFIED, "1234567890")
        .output("wait", "1440");
    actions.register(with_home(spec), move |req: ActionRequest| {
        let s = svc.clone();
        async move { verify(&s, &req).await }
    });
}

const VERIFY_OUTCOMES: &[&str] = &[
    "ok",
    "locked",
    "unknown",
    "serial_mismatch",
    "serial_changed",
    "deceased",
    "underage",
    "no_request",
    "too_many_lookups",
];

/// Declares the variables [`home`] sets.
fn with_home(spec: ActionSpec) -> ActionSpec {
    let mut spec = spec
        .output(REQUEST, "1234567890")
        .output("registered", "0912***4567")
        .output("office_area", "0441");
    for flag in ["owner", "may_appointment", "may_delivery", "may_receipt"] {
        spec = spec.output(flag, "yes");
    }
    spec
}

async fn caller(s: &Service, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
    let found =
        s.db.registry
            .requests_by_mobile(&req.msisdn)
            .await
            .map_err(db_error)?;
    match found.as_slice() {
        [] => Ok(ActionOutcome::new("none")),
        [one] => {
            let area = office_area(s, one).await?;
            Ok(relabel(home(one, Access::Owner, area), "one"))
        }
        many => {
            let people = many
                .iter()
                .take(MAX_PEOPLE)
                .map(|r| {
                    BTreeMap::from([
                        ("id".to_owned(), r.id.to_string()),
                        ("nid".to_owned(), r.national_id.as_str().to_owned()),
                    ])
                })
                .collect();
            Ok(ActionOutcome::new("many").with_list("people", people))
        }
    }
}

async fn pick(s: &Service, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
    let Some(id) = access::request_id(req) else {
        return Ok(ActionOutcome::new("none"));
    };
    match s.db.registry.request(id).await.map_err(db_error)? {
        Some(r) if access::of(req, &r) == Access::Owner => {
            let area = office_area(s, &r).await?;
            Ok(home(&r, Access::Owner, area))
        }
        _ => Ok(ActionOutcome::new("none")),
    }
}

async fn verify(s: &Service, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
    let (Ok(nid), Ok(serial)) = (
        NationalId::parse(req.param("national_id")),
        IdSerial::parse(req.param("serial")),
    ) else {
        return Ok(failure("unknown"));
    };
    if let Some(left) = s.limits.identity_locked(req.msisdn.as_str()) {
        tracing::warn!(caller = %req.msisdn.masked(), "national card: caller locked out");
        return Ok(locked(&left));
    }
    // One query for both: the citizen is read even when the lookup limit
    // refuses below, which costs less than a second round trip when it does not.
    let (citizen, request) =
        s.db.registry
            .citizen_and_latest_request(&nid)
            .await
            .map_err(db_error)?;
    let owner = request.as_ref().is_some_and(|r| r.mobile == req.msisdn);
    // Every try on a national ID from another phone counts, failed or not: a
    // serial must not be guessed from many phones.
    if !owner && !s.limits.lookup_from_other_phone(nid.as_str()) {
        tracing::warn!(nid = %nid.masked(), caller = %req.msisdn.masked(), "national card: too many lookups from other phones");
        let wait = locked(&s.settings.lookup_window);
        return Ok(relabel(wait, "too_many_lookups"));
    }
    let check = match citizen {
        Some(c) => identity::check(c, &serial, chrono::Utc::now()),
        None => IdentityCheck::UnknownCitizen,
    };
    let label = match (check, request) {
        (IdentityCheck::Verified(_), Some(r)) => return verified(s, &r, owner).await,
        (IdentityCheck::Verified(_), None) => return Ok(ActionOutcome::new("no_request")),
        (IdentityCheck::UnknownCitizen, _) => "unknown",
        (IdentityCheck::SerialMismatch, _) => "serial_mismatch",
        (IdentityCheck::SerialRecentlyChanged, _) => "serial_changed",
        (IdentityCheck::Deceased, _) => "deceased",
        (IdentityCheck::Underage, _) => "underage",
    };
    tracing::info!(nid = %nid.masked(), caller = %req.msisdn.masked(), reason = label, "national card: identity refused");
    s.limits.identity_failed(req.msisdn.as_str());
    Ok(failure(label))
}

/// The lockout outcome, with the window in whole minutes for the page.
pub(super) fn locked(window: &std::time::Duration) -> ActionOutcome {
    let minutes = window.as_secs().div_ceil(60);
    ActionOutcome::new("locked").with("wait", minutes.to_string())
}

fn failure(label: &'static str) -> ActionOutcome {
    metrics::counter!("dargah_card_identity_failures_total", "reason" => label).increment(1);
    ActionOutcome::new(label)
}

async fn verified(s: &Service, r: &CardRequest, owner: bool) -> Result<ActionOutcome, ActionError> {
    let access = if owner {
        Access::Owner
    } else {
        Access::Verified
    };
    let area = office_area(s, r).await?;
    Ok(home(r, access, area).with(VERIFIED, r.id.to_string()))
}
