//! Change card delivery office (only before production starts): the delivery
//! offices of a city by area code, confirm, write with an audit row, SMS.

use super::access::{Access, REQUEST};
use super::status::load;
use super::{Service, db_error, sms_error};
use crate::domain::AreaCode;
use crate::registry::model::{Actor, CardRequest, ChangeOutcome};
use crate::sms::notifier::Notice;
use crate::sms::outbox::Priority;
use crate::ussd::{ActionError, ActionOutcome, ActionRegistry, ActionRequest, ActionSpec};
use std::collections::BTreeMap;

const MAX_OFFICES: usize = 30;

pub(super) fn register(actions: &mut ActionRegistry, s: &Service) {
    let svc = s.clone();
    let spec = ActionSpec::new("card_delivery_offices", &["ok", "none", "not_allowed"])
        .params(&[REQUEST, "area"])
        .list(
            "delivery",
            MAX_OFFICES,
            &[
                ("id", "1234567890"),
                ("name", "اداره پست مرکزی منطقه ۲۲ شهرداری تهران"),
            ],
        );
    actions.register(spec, move |req: ActionRequest| {
        let s = svc.clone();
        async move { list(&s, &req).await }
    });
    let svc = s.clone();
    let spec = ActionSpec::new("card_change_delivery", &["ok", "not_allowed"])
        .params(&[REQUEST, "office"])
        .output(
            "address",
            "تهران، بزرگراه شهید همت غرب، خیابان کوهک، کوچه ۱۲، پلاک ۱۴۵، طبقه اول",
        );
    actions.register(spec, move |req: ActionRequest| {
        let s = svc.clone();
        async move { change(&s, &req).await }
    });
}

async fn owned(s: &Service, req: &ActionRequest) -> Result<Option<CardRequest>, ActionError> {
    let (r, a) = load(s, req).await?;
    Ok((a == Access::Owner && r.may_change_delivery_office()).then_some(r))
}

async fn list(s: &Service, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
    if owned(s, req).await?.is_none() {
        return Ok(ActionOutcome::new("not_allowed"));
    }
    let Ok(area) = AreaCode::parse(req.param("area")) else {
        return Ok(ActionOutcome::new("none"));
    };
    let offices =
        s.db.registry
            .delivery_offices(&area)
            .await
            .map_err(db_error)?;
    let items: Vec<BTreeMap<String, String>> = offices
        .into_iter()
        .take(MAX_OFFICES)
        .map(|o| {
            BTreeMap::from([
                ("id".to_owned(), o.id.to_string()),
                ("name".to_owned(), o.name),
            ])
        })
        .collect();
    Ok(match items.is_empty() {
        true => ActionOutcome::new("none"),
        false => ActionOutcome::new("ok").with_list("delivery", items),
    })
}

async fn change(s: &Service, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
    let Some(r) = owned(s, req).await? else {
        return Ok(ActionOutcome::new("not_allowed"));
    };
    let office_id: i64 = req
        .param("office")
        .parse()
        .map_err(|_| ActionError("no office chosen".into()))?;
    let Some(office) =
        s.db.registry
            .delivery_office(office_id)
            .await
            .map_err(db_error)?
    else {
        return Err(ActionError(format!("no delivery office {office_id}")));
    };
    let vars = BTreeMap::from([
        ("delivery_office".to_owned(), office.name.clone()),
        ("delivery_address".to_owned(), office.address.clone()),
    ]);
    let confirm = s
        .notifier
        .prepare(&[Notice {
            to: &r.mobile,
            template: "delivery_office_changed",
            vars: &vars,
            priority: Priority::NORMAL,
            once: None,
        }])
        .map_err(sms_error)?;
    let actor = Actor::ussd(&req.msisdn);
    match s
        .db
        .registry
        .change_delivery_office(r.id, office_id, &actor, &confirm)
        .await
        .map_err(db_error)?
    {
        ChangeOutcome::Changed => s.notifier.enqueued(&confirm),
        ChangeOutcome::Unchanged => {}
        ChangeOutcome::NotAllowed(_) => return Ok(ActionOutcome::new("not_allowed")),
        other => return Err(ActionError(format!("delivery change refused: {other:?}"))),
    }
    Ok(ActionOutcome::new("ok").with("address", office.address))
}
