//! The status keyword service: an MO `وضعیت` or national ID is answered by
//! SMS with the same guidance as USSD option 1, under the same privacy rule
//! (the details only when the sender is the registered mobile).

use super::keyword::{self, Keyword};
use super::{Handled, InboxSms};
use crate::domain::Msisdn;
use crate::registry::model::CardRequest;
use crate::registry::{RegistryError, SharedRegistry};
use crate::services::national_card::guidance::{self, Context};
use crate::sms::notifier::{Notice, Notifier, NotifyError};
use crate::sms::outbox::Priority;
use std::collections::BTreeMap;

/// The templates this service sends (`menus/sms/mo.toml`).
pub const TEMPLATES: &[&str] = &["mo_status", "mo_not_found"];

/// The `handled_by` of messages this service answered.
pub const SERVICE: &str = "status";

/// Why a keyword message was not answered (it stays `received`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplyError {
    /// The registry could not be read.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The reply could not be enqueued.
    #[error(transparent)]
    Notify(#[from] NotifyError),
}

/// The keyword service's handles.
#[derive(Clone)]
pub struct StatusReplies {
    /// Registration data.
    pub registry: SharedRegistry,
    /// Templates and outbox.
    pub notifier: Notifier,
}

impl StatusReplies {
    /// Answers `mo` if a keyword claims it; `Unclaimed` otherwise.
    pub async fn handle(&self, mo: &InboxSms) -> Result<Handled, ReplyError> {
        let Some(kw) = mo.text.as_deref().and_then(keyword::parse) else {
            return Ok(Handled::Unclaimed);
        };
        let Ok(sender) = Msisdn::parse(&mo.envelope.source) else {
            return Ok(Handled::Unclaimed);
        };
        let request = match kw {
            Keyword::Status => latest(self.registry.requests_by_mobile(&sender).await?),
            Keyword::NationalId(id) => self.registry.request_by_national_id(&id).await?,
        };
        let (template, vars) = match request {
            Some(r) => ("mo_status", self.status_vars(&r, r.mobile == sender).await?),
            None => ("mo_not_found", BTreeMap::new()),
        };
        let once = Some(format!("mo:{}", mo.id));
        let notice = Notice {
            to: &sender,
            template,
            vars: &vars,
            priority: Priority::NORMAL,
            once,
        };
        let reply = self.notifier.notify(notice).await?.id();
        metrics::counter!("dargah_sms_mo_replies_total", "template" => template).increment(1);
        Ok(Handled::Replied { by: SERVICE, reply })
    }

    /// Stage and guidance, with the offices read fresh; details only for the owner.
    async fn status_vars(
        &self,
        r: &CardRequest,
        owner: bool,
    ) -> Result<BTreeMap<String, String>, ReplyError> {
        let office = match (owner, r.appointment) {
            (true, Some(slot)) => self.registry.enrollment_office(slot.office_id).await?,
            _ => None,
        };
        let delivery = match (owner, r.delivery_office_id) {
            (true, Some(id)) => self.registry.delivery_office(id).await?,
            _ => None,
        };
        let ctx = Context {
            office: office.as_ref(),
            delivery: delivery.as_ref(),
            owner,
            now: chrono::Utc::now(),
        };
        Ok(BTreeMap::from([
            ("nid".to_owned(), r.national_id.masked()),
            ("stage".to_owned(), guidance::stage(r).to_owned()),
            ("guidance".to_owned(), guidance::guidance(r, &ctx)),
        ]))
    }
}

/// The most recently changed of a mobile's requests (one per citizen).
fn latest(requests: Vec<CardRequest>) -> Option<CardRequest> {
    requests.into_iter().max_by_key(|r| (r.updated_at, r.id))
}
