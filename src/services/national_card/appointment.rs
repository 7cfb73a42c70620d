//! Change appointment (only before enrollment starts, even after a missed
//! date): a day in the next `change_days` with free places, a shift, then the
//! offices of the area that can serve the citizen's special needs, ranked by
//! free capacity; the registry moves the place atomically. A place taken
//! meanwhile lists the offices again.

use super::access::{Access, REQUEST};
use super::guidance;
use super::status::{appointment_vars, load};
use super::{Service, db_error, sms_error};
use crate::domain::AreaCode;
use crate::registry::identity::tehran_today;
use crate::registry::model::{Actor, CardRequest, ChangeOutcome, OfficeQuery, Shift, Slot};
use crate::sms::notifier::Notice;
use crate::sms::outbox::{NewSms, Priority};
use crate::ussd::{ActionError, ActionOutcome, ActionRegistry, ActionRequest, ActionSpec};
use chrono::{Duration, NaiveDate};
use std::collections::BTreeMap;

/// Offices listed at most (the menu pages them).
const MAX_OFFICES: usize = 30;

const OFFICE_FIELDS: &[(&str, &str)] = &[
    ("id", "1234567890"),
    ("name", "دفتر پیشخوان خدمات دولت شماره ۱۲۳۴ منطقه ۲۲"),
    ("percent", "100"),
];

pub(super) fn register(actions: &mut ActionRegistry, s: &Service) {
    let svc = s.clone();
    let spec = ActionSpec::new("card_days", &["ok", "none", "not_allowed"])
        .params(&[REQUEST, "area"])
        .output("where", "0441")
        .list(
            "days",
            s.settings.change_days as usize,
            &[
                ("day", "2026-11-30"),
                ("morning", "999"),
                ("evening", "999"),
            ],
        );
    actions.register(spec, move |req: ActionRequest| {
        let s = svc.clone();
        async move { days(&s, &req).await }
    });
    let svc = s.clone();
    let spec = ActionSpec::new("card_offices", &["ok", "none", "not_allowed"])
        .params(&[REQUEST, "area", "day", "shift"])
        .list("offices", MAX_OFFICES, OFFICE_FIELDS);
    actions.register(spec, move |req: ActionRequest| {
        let s = svc.clone();
        async move { offices(&s, &req).await }
    });
    let svc = s.clone();
    let spec = ActionSpec::new("card_move", &["ok", "full", "none", "not_allowed"])
        .params(&[REQUEST, "area", "day", "shift", "office"])
        .list("offices", MAX_OFFICES, OFFICE_FIELDS)
        .output("appointment", &longest_appointment());
    actions.register(spec, move |req: ActionRequest| {
        let s = svc.clone();
        async move { change(&s, &req).await }
    });
}

fn longest_appointment() -> String {
    format!(
        "نوبت شما سه‌شنبه ۳۰ اردیبهشت ۱۴۰۵ نوبت عصر در {}، نشانی: {}. {}",
        OFFICE_FIELDS[1].1,
        "تهران، بزرگراه شهید همت غرب، خیابان کوهک، کوچه ۱۲، پلاک ۱۴۵، طبقه اول",
        guidance::WHAT_TO_BRING
    )
}

/// The request, if this caller owns it and may still change the appointment.
async fn owned(s: &Service, req: &ActionRequest) -> Result<Option<CardRequest>, ActionError> {
    let (r, a) = load(s, req).await?;
    Ok((a == Access::Owner && r.may_change_appointment()).then_some(r))
}

async fn days(s: &Service, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
    let Some(r) = owned(s, req).await? else {
        return Ok(ActionOutcome::new("not_allowed"));
    };
    let Ok(area) = AreaCode::parse(req.param("area")) else {
        return Ok(ActionOutcome::new("none"));
    };
    let from = tehran_today(chrono::Utc::now()) + Duration::days(1);
    let free =
        s.db.registry
            .free_days(&area, from, s.settings.change_days, &r.needs)
            .await
            .map_err(db_error)?;
    let items: Vec<_> = free
        .into_iter()
        .filter(|d| d.morning > 0 || d.evening > 0)
        .map(|d| {
            row(&[
                ("day", d.day.to_string()),
                ("morning", d.morning.to_string()),
                ("evening", d.evening.to_string()),
            ])
        })
        .collect();
    Ok(listed("days", items).with("where", area.as_str()))
}

fn row(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn listed(name: &str, items: Vec<BTreeMap<String, String>>) -> ActionOutcome {
    match items.is_empty() {
        true => ActionOutcome::new("none"),
        false => ActionOutcome::new("ok").with_list(name, items),
    }
}

/// The chosen area, day and shift, as typed into the session.
fn query(req: &ActionRequest, r: &CardRequest) -> Option<OfficeQuery> {
    Some(OfficeQuery {
        area_code: AreaCode::parse(req.param("area")).ok()?,
        day: NaiveDate::parse_from_str(req.param("day"), "%Y-%m-%d").ok()?,
        shift: Some(req.param("shift").parse::<Shift>().ok()?),
        needs: r.needs,
        phone_prefix: None,
    })
}

async fn office_list(
    s: &Service,
    q: &OfficeQuery,
) -> Result<Vec<BTreeMap<String, String>>, ActionError> {
    let slots = s.db.registry.list_offices(q).await.map_err(db_error)?;
    Ok(slots
        .into_iter()
        .take(MAX_OFFICES)
        .map(|o| {
            let percent = (o.free * 100).checked_div(o.approved).unwrap_or(0);
            row(&[
                ("id", o.office.id.to_string()),
                ("name", o.office.name),
                ("percent", percent.to_string()),
            ])
        })
        .collect())
}

async fn offices(s: &Service, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
    let Some(r) = owned(s, req).await? else {
        return Ok(ActionOutcome::new("not_allowed"));
    };
    let Some(q) = query(req, &r) else {
        return Ok(ActionOutcome::new("none"));
    };
    Ok(listed("offices", office_list(s, &q).await?))
}

async fn change(s: &Service, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
    let Some(r) = owned(s, req).await? else {
        return Ok(ActionOutcome::new("not_allowed"));
    };
    let (Some(q), Ok(office_id)) = (query(req, &r), req.param("office").parse::<i64>()) else {
        return Ok(ActionOutcome::new("none"));
    };
    let to = Slot {
        office_id,
        day: q.day,
        shift: q.shift.unwrap_or(Shift::Morning),
    };
    let confirm = confirmation(s, &r, to).await?;
    let actor = Actor::ussd(&req.msisdn);
    match s
        .db
        .registry
        .move_appointment(r.id, to, &actor, &confirm)
        .await
        .map_err(db_error)?
    {
        ChangeOutcome::Changed => {
            s.notifier.enqueued(&confirm);
            Ok(ActionOutcome::new("ok").with("appointment", text(s, to).await?))
        }
        ChangeOutcome::Unchanged => {
            Ok(ActionOutcome::new("ok").with("appointment", text(s, to).await?))
        }
        ChangeOutcome::NotAllowed(_) => Ok(ActionOutcome::new("not_allowed")),
        ChangeOutcome::Full | ChangeOutcome::Unsuitable | ChangeOutcome::NotFound => {
            match office_list(s, &q).await? {
                items if items.is_empty() => Ok(ActionOutcome::new("none")),
                items => Ok(ActionOutcome::new("full").with_list("offices", items)),
            }
        }
    }
}

async fn text(s: &Service, to: Slot) -> Result<String, ActionError> {
    let office =
        s.db.registry
            .enrollment_office(to.office_id)
            .await
            .map_err(db_error)?;
    Ok(guidance::appointment(
        to.day,
        to.shift.persian(),
        office.as_ref(),
    ))
}

/// The SMS announcing the move, written in the move's own transaction.
async fn confirmation(s: &Service, r: &CardRequest, to: Slot) -> Result<Vec<NewSms>, ActionError> {
    let mut after = r.clone();
    after.appointment = Some(to);
    let vars = appointment_vars(s, &after).await?;
    let notice = Notice {
        to: &r.mobile,
        template: "appointment_moved",
        vars: &vars,
        priority: Priority::NORMAL,
        once: None,
    };
    s.notifier.prepare(&[notice]).map_err(sms_error)
}
