//! The notifier task: drains the events table and runs reminder passes until
//! shutdown. A database outage is logged once per failing pass and retried
//! on the next tick; events wait in their table meanwhile.

use super::{NotifySettings, Planned, SharedEventStore};
use crate::registry::Result;
use crate::sms::notifier::CLIENT;
use crate::sms::outbox::{NewSms, Priority};
use crate::sms::template::TemplateSet;
use chrono::{DateTime, FixedOffset, NaiveDate, Timelike, Utc};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Renders a named template with variables (the SMS template set).
pub trait Render: Send + Sync + 'static {
    /// The text, or why it cannot be made (unknown template, missing variable).
    fn render(&self, template: &str, vars: &BTreeMap<String, String>) -> Result<String, String>;
}

impl Render for TemplateSet {
    fn render(&self, template: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
        TemplateSet::render(self, template, vars).map_err(|e| e.to_string())
    }
}

/// Iran has kept UTC+03:30 all year since 2022.
fn tehran() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600 + 1800).expect("a valid offset")
}

/// Today's date in Tehran at `now`.
pub fn tehran_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&tehran()).date_naive()
}

/// A cheap Clone handle: the store, the templates and the settings.
#[derive(Clone)]
pub struct EventNotifier {
    store: SharedEventStore,
    render: Arc<dyn Render>,
    settings: NotifySettings,
}

impl EventNotifier {
    /// A notifier over `store` rendering with `render`.
    pub fn new(store: SharedEventStore, render: Arc<dyn Render>, settings: NotifySettings) -> Self {
        EventNotifier {
            store,
            render,
            settings,
        }
    }

    /// Processes events until none are left; returns how many.
    pub async fn drain(&self, now: DateTime<Utc>) -> Result<usize> {
        let batch = i64::from(self.settings.batch.max(1));
        let build = |p: &Planned| self.build(p);
        let mut total = 0;
        loop {
            let done = self.store.process_events(batch, now, &build).await?;
            total += done;
            if done < batch as usize {
                return Ok(total);
            }
        }
    }

    /// Enqueues tomorrow's reminders when `now` is within the reminder hours;
    /// returns how many were new.
    pub async fn remind(&self, now: DateTime<Utc>) -> Result<usize> {
        let hour = now.with_timezone(&tehran()).hour();
        if hour < self.settings.reminder_from_hour || hour >= self.settings.reminder_until_hour {
            return Ok(0);
        }
        let Some(tomorrow) = tehran_today(now).succ_opt() else {
            return Ok(0);
        };
        self.store
            .remind(tomorrow, &|p: &Planned| self.build(p))
            .await
    }

    /// Runs until `token` is cancelled.
    pub async fn run(self, token: CancellationToken) {
        let mut reminders = tokio::time::interval(self.settings.reminder_interval);
        reminders.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = token.cancelled() => return,
                _ = reminders.tick() => {
                    if let Err(e) = self.remind(Utc::now()).await {
                        tracing::warn!(error = %e, "appointment reminders failed; retrying later");
                    }
                }
                () = tokio::time::sleep(self.settings.poll_interval) => {
                    if let Err(e) = self.drain(Utc::now()).await {
                        tracing::warn!(error = %e, "registry events not processed; retrying");
                    }
                }
            }
        }
    }

    fn build(&self, p: &Planned) -> Result<NewSms, String> {
        Ok(NewSms {
            client: CLIENT.into(),
            client_ref: Some(p.template.to_owned()),
            idempotency_key: Some(p.once.clone()),
            recipient: p.to.clone(),
            sender: None,
            body: self.render.render(p.template, &p.vars)?,
            priority: Priority::NORMAL,
            valid_until: None,
            callback_url: None,
            dlr_mask: None,
        })
    }
}
