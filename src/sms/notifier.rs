//! The one narrow way gateway services send SMS: "enqueue templated message
//! NAME to NUMBER with these variables". The text is rendered from the
//! Persian templates beside the menus and goes into the outbox, where the
//! dispatcher picks it up; nothing here talks to a carrier.

use super::outbox::{Enqueued, NewSms, Priority, SharedOutbox};
use super::template::{TemplateError, TemplateSet};
use crate::domain::Msisdn;
use crate::registry::RegistryError;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The outbox `client` of messages the gateway's own services send.
pub const CLIENT: &str = "dargah";

/// Why a message was not enqueued.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NotifyError {
    /// The template is unknown or a variable is missing (a bug in the caller or the file).
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// The outbox could not be written.
    #[error(transparent)]
    Outbox(#[from] RegistryError),
}

/// A templated message to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice<'a> {
    /// The recipient.
    pub to: &'a Msisdn,
    /// The template's name (`menus/sms/*.toml`).
    pub template: &'a str,
    /// Its variables.
    pub vars: &'a BTreeMap<String, String>,
    /// Order of sending.
    pub priority: Priority,
    /// When set, a second notice with the same key enqueues nothing and
    /// returns the first message (e.g. `reminder:REQUEST:DAY`).
    pub once: Option<String>,
}

/// A cheap Clone handle: the outbox and the loaded templates.
#[derive(Clone)]
pub struct Notifier {
    outbox: SharedOutbox,
    templates: Arc<TemplateSet>,
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier")
            .field("templates", &self.templates.len())
            .finish()
    }
}

impl Notifier {
    /// A notifier over `outbox` with `templates`.
    pub fn new(outbox: SharedOutbox, templates: TemplateSet) -> Self {
        Notifier {
            outbox,
            templates: Arc::new(templates),
        }
    }

    /// The templates it renders.
    pub fn templates(&self) -> &TemplateSet {
        &self.templates
    }

    /// Renders `template` with `vars` and enqueues it for `to`.
    pub async fn send(
        &self,
        to: &Msisdn,
        template: &str,
        vars: &BTreeMap<String, String>,
        priority: Priority,
    ) -> Result<Enqueued, NotifyError> {
        self.notify(Notice {
            to,
            template,
            vars,
            priority,
            once: None,
        })
        .await
    }

    /// Enqueues a notice; with `once`, a repeat enqueues nothing.
    pub async fn notify(&self, notice: Notice<'_>) -> Result<Enqueued, NotifyError> {
        let sms = self.new_sms(&notice)?;
        let enqueued = self.outbox.enqueue(&sms).await?;
        metrics::counter!("dargah_sms_notices_total", "template" => notice.template.to_owned())
            .increment(1);
        Ok(enqueued)
    }

    /// Enqueues several notices in one transaction: all or none (a mobile
    /// change tells the new and the old number together).
    pub async fn notify_all(&self, notices: &[Notice<'_>]) -> Result<Vec<Enqueued>, NotifyError> {
        let batch = notices
            .iter()
            .map(|n| self.new_sms(n))
            .collect::<Result<Vec<_>, _>>()?;
        let enqueued = self.outbox.enqueue_batch(&batch).await?;
        for n in notices {
            metrics::counter!("dargah_sms_notices_total", "template" => n.template.to_owned())
                .increment(1);
        }
        Ok(enqueued)
    }

    /// Renders notices into outbox rows for a caller that writes them in a
    /// transaction of its own (a registry change and its confirmation);
    /// call [`Notifier::enqueued`] once that transaction committed.
    pub fn prepare(&self, notices: &[Notice<'_>]) -> Result<Vec<NewSms>, NotifyError> {
        notices.iter().map(|n| self.new_sms(n)).collect()
    }

    /// Counts prepared messages that the caller's transaction enqueued.
    pub fn enqueued(&self, batch: &[NewSms]) {
        for sms in batch {
            let template = sms.client_ref.clone().unwrap_or_default();
            metrics::counter!("dargah_sms_notices_total", "template" => template).increment(1);
        }
    }

    fn new_sms(&self, n: &Notice<'_>) -> Result<NewSms, NotifyError> {
        Ok(NewSms {
            client: CLIENT.into(),
            client_ref: Some(n.template.to_owned()),
            idempotency_key: n.once.clone(),
            recipient: n.to.clone(),
            sender: None,
            body: self.templates.render(n.template, n.vars)?,
            priority: n.priority,
            valid_until: None,
            callback_url: None,
            dlr_mask: None,
        })
    }
}
