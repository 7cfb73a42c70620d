//! Change mobile (anyone who submitted the first page, any time): the caller
//! proves national ID, serial and Solar Hijri birth date; the new mobile is
//! the calling MSISDN, which the network vouches for. Both numbers are told.

use super::access::{self, Access, REQUEST};
use super::status::load;
use super::{Service, db_error, sms_error};
use crate::domain::SolarDate;
use crate::registry::model::{Actor, ChangeOutcome};
use crate::sms::notifier::Notice;
use crate::sms::outbox::Priority;
use crate::ussd::{ActionError, ActionOutcome, ActionRegistry, ActionRequest, ActionSpec};
use std::collections::BTreeMap;

pub(super) fn register(actions: &mut ActionRegistry, s: &Service) {
    let svc = s.clone();
    let spec = ActionSpec::new(
        "card_change_mobile",
        &["ok", "same", "wrong_birth_date", "locked"],
    )
    .params(&[REQUEST, "birth_date"])
    .output("wait", "1440");
    actions.register(spec, move |req: ActionRequest| {
        let s = svc.clone();
        async move { change(&s, &req).await }
    });
}

/// Whether a typed Solar Hijri date is this Gregorian birth date.
pub fn birth_date_matches(typed: &str, birth: chrono::NaiveDate) -> bool {
    SolarDate::parse(typed).is_ok_and(|d| d.to_gregorian() == birth)
}

async fn change(s: &Service, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
    let (r, a) = load(s, req).await?;
    if a == Access::Owner {
        return Ok(ActionOutcome::new("same"));
    }
    if let Some(left) = s.limits.identity_locked(req.msisdn.as_str()) {
        return Ok(super::identify::locked(&left));
    }
    let citizen =
        s.db.registry
            .citizen(&r.national_id)
            .await
            .map_err(db_error)?;
    let born = citizen.map(|c| c.birth_date);
    if !born.is_some_and(|b| birth_date_matches(req.param("birth_date"), b)) {
        metrics::counter!("dargah_card_identity_failures_total", "reason" => "birth_date")
            .increment(1);
        tracing::info!(nid = %r.national_id.masked(), caller = %req.msisdn.masked(), "national card: wrong birth date for a mobile change");
        s.limits.identity_failed(req.msisdn.as_str());
        return Ok(ActionOutcome::new("wrong_birth_date"));
    }
    // Both numbers are told, in the change's own transaction: the old one
    // learns of a change it did not make, whatever happens next.
    let nid = BTreeMap::from([("nid".to_owned(), r.national_id.masked())]);
    let mut old = nid.clone();
    old.insert("mobile".into(), access::masked_local(&req.msisdn));
    let notice = |to, template, vars| Notice {
        to,
        template,
        vars,
        priority: Priority::NORMAL,
        once: None,
    };
    let confirm = s
        .notifier
        .prepare(&[
            notice(&req.msisdn, "mobile_changed_new", &nid),
            notice(&r.mobile, "mobile_changed_old", &old),
        ])
        .map_err(sms_error)?;
    let actor = Actor::ussd(&req.msisdn);
    match s
        .db
        .registry
        .change_mobile(r.id, &req.msisdn, &actor, &confirm)
        .await
        .map_err(db_error)?
    {
        ChangeOutcome::Changed => s.notifier.enqueued(&confirm),
        ChangeOutcome::Unchanged => return Ok(ActionOutcome::new("same")),
        other => return Err(ActionError(format!("mobile change refused: {other:?}"))),
    }
    Ok(ActionOutcome::new("ok"))
}

#[cfg(test)]
mod tests {
    use super::birth_date_matches;
    use chrono::NaiveDate;

    #[test]
    fn a_solar_birth_date_matches_its_gregorian_day_only() {
        let born = NaiveDate::from_ymd_opt(1990, 6, 9).unwrap(); // 1369/03/19
        assert!(birth_date_matches("1369/03/19", born));
        assert!(birth_date_matches("۱۳۶۹/۳/۱۹", born));
        assert!(!birth_date_matches("1369/03/20", born));
        assert!(!birth_date_matches("garbage", born));
    }
}
