//! Status and next step, the details by SMS for a caller on another phone,
//! and the receipt by SMS: all read fresh from the registry, so a change on
//! the web side shows on the next screen. The status reads the request and
//! its offices in one query.

use super::access::{self, Access, REQUEST};
use super::guidance::{self, Context};
use super::{Service, db_error, sms_error};
use crate::registry::model::{CardRequest, RequestWithOffices};
use crate::sms::outbox::Priority;
use crate::ussd::{ActionError, ActionOutcome, ActionRegistry, ActionRequest, ActionSpec};
use std::collections::BTreeMap;

/// The longest guidance any state gives, for the page-fit check.
fn longest_guidance() -> String {
    "پرداخت ناتمام ماند. اگر مبلغ از حساب شما کسر شده، تا ۷۲ ساعت به حساب برمی‌گردد؛ پس از آن با بانک پیگیری کنید. برای ادامه در سایت css.iranid.ir دوباره پرداخت کنید. نوبت شما سه‌شنبه ۳۰ شهریور ۱۴۰۵ نوبت عصر در دفتر پیشخوان خدمات دولت شماره ۱۲۳۴ منطقه ۲۲، نشانی: بزرگراه همت، خیابان کوهک، کوچه ۱۲، پلاک ۱۴۵.".into()
}

pub(super) fn register(actions: &mut ActionRegistry, s: &Service) {
    let svc = s.clone();
    let spec = ActionSpec::new("card_status", &["owner", "other"])
        .params(&[REQUEST])
        .output("stage", "پرداخت شده، منتظر مراجعه")
        .output("guidance", &longest_guidance());
    actions.register(spec, move |req: ActionRequest| {
        let s = svc.clone();
        async move { status(&s, &req).await }
    });
    let svc = s.clone();
    let spec = ActionSpec::new("card_send_details", &["ok"]).params(&[REQUEST]);
    actions.register(spec, move |req: ActionRequest| {
        let s = svc.clone();
        async move { send_details(&s, &req).await }
    });
    let svc = s.clone();
    let spec = ActionSpec::new("card_receipt", &["ok", "not_allowed"]).params(&[REQUEST]);
    actions.register(spec, move |req: ActionRequest| {
        let s = svc.clone();
        async move { receipt(&s, &req).await }
    });
}

/// The request of this session, if the caller may see it at all.
pub(super) async fn load(
    s: &Service,
    req: &ActionRequest,
) -> Result<(CardRequest, Access), ActionError> {
    let r = s.db.registry.request(session_request(req)?).await;
    visible(req, r.map_err(db_error)?, |r| r)
}

/// The request of this session with the offices its status names (one
/// read), if the caller may see it at all.
async fn load_with_offices(
    s: &Service,
    req: &ActionRequest,
) -> Result<(RequestWithOffices, Access), ActionError> {
    let r =
        s.db.registry
            .request_with_offices(session_request(req)?)
            .await;
    visible(req, r.map_err(db_error)?, |r| &r.request)
}

/// The key of the request this session is about.
fn session_request(req: &ActionRequest) -> Result<i64, ActionError> {
    access::request_id(req).ok_or_else(|| ActionError("no request in session".into()))
}

/// `read` with the caller's access to its request, unless the caller may
/// not see it (or it is gone).
fn visible<T>(
    req: &ActionRequest,
    read: Option<T>,
    request: impl Fn(&T) -> &CardRequest,
) -> Result<(T, Access), ActionError> {
    match read.map(|r| (access::of(req, request(&r)), r)) {
        Some((a, r)) if a != Access::None => Ok((r, a)),
        _ => Err(ActionError("the caller may not see this request".into())),
    }
}

/// The full guidance text, with the offices as read with the request.
fn guidance_for(r: &RequestWithOffices, owner: bool) -> String {
    let ctx = Context {
        office: r.office.as_ref(),
        delivery: r.delivery.as_ref(),
        owner,
        now: chrono::Utc::now(),
    };
    guidance::guidance(&r.request, &ctx)
}

async fn status(s: &Service, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
    let (r, a) = load_with_offices(s, req).await?;
    let owner = a == Access::Owner;
    let text = guidance_for(&r, owner);
    Ok(ActionOutcome::new(if owner { "owner" } else { "other" })
        .with("stage", guidance::stage(&r.request))
        .with("guidance", text))
}

async fn send_details(s: &Service, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
    let (r, _) = load_with_offices(s, req).await?;
    let vars = BTreeMap::from([
        ("nid".to_owned(), r.request.national_id.masked()),
        ("guidance".to_owned(), guidance_for(&r, true)),
    ]);
    s.notifier
        .send(&r.request.mobile, "status_details", &vars, Priority::NORMAL)
        .await
        .map_err(sms_error)?;
    Ok(ActionOutcome::new("ok"))
}

async fn receipt(s: &Service, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
    let (r, _) = load(s, req).await?;
    let (Some(tracking), true) = (r.tracking_code.as_ref(), r.may_get_receipt()) else {
        return Ok(ActionOutcome::new("not_allowed"));
    };
    let mut vars = BTreeMap::from([("tracking".to_owned(), tracking.as_str().to_owned())]);
    vars.extend(appointment_vars(s, &r).await?);
    s.notifier
        .send(&r.mobile, "receipt", &vars, Priority::NORMAL)
        .await
        .map_err(sms_error)?;
    Ok(ActionOutcome::new("ok"))
}

/// date, shift, office and address of a request's appointment (empty when none).
pub(super) async fn appointment_vars(
    s: &Service,
    r: &CardRequest,
) -> Result<BTreeMap<String, String>, ActionError> {
    let mut vars: BTreeMap<String, String> = ["date", "shift", "office", "address"]
        .iter()
        .map(|k| (k.to_string(), String::new()))
        .collect();
    if let Some(slot) = r.appointment {
        vars.insert("date".into(), slot.day.to_string());
        vars.insert("shift".into(), slot.shift.as_str().into());
        if let Some(o) =
            s.db.registry
                .enrollment_office(slot.office_id)
                .await
                .map_err(db_error)?
        {
            vars.insert("office".into(), o.name);
            vars.insert("address".into(), o.address);
        }
    }
    Ok(vars)
}
