//! `dargah send-sms`: one message into the outbox through the database, the
//! way the web side enqueues, and optionally a wait for its final state.

use crate::config::Settings;
use crate::domain::Msisdn;
use crate::registry;
use crate::sms::outbox::{NewSms, Priority, SharedOutbox, SmsState};
use anyhow::{Context, bail, ensure};
use std::time::Duration;

/// What to send.
#[derive(Debug, Clone)]
pub struct SendRequest {
    /// Recipient, in any form `Msisdn::parse` takes.
    pub to: String,
    /// The text.
    pub text: String,
    /// 0 (first) to 9.
    pub priority: u8,
    /// Wait for a final state, at most this long.
    pub wait: Option<Duration>,
}

/// Enqueues (migrating first), prints the id, and with `wait` each state
/// until a final one; an undelivered final state is an error.
pub async fn send(settings: &Settings, req: SendRequest) -> anyhow::Result<()> {
    let sms = new_sms(settings, &req)?;
    let db = registry::connect_lazy(&settings.database)?;
    db.registry
        .migrate()
        .await
        .with_context(|| format!("migrating {}", settings.database.url))?;
    let result = enqueue_and_wait(&db.outbox, &sms, req.wait).await;
    db.registry.close().await;
    result
}

/// `dargah demo sms`: enqueues `count` short messages in batches of 5,000
/// (migrating first), as a benchmark's backlog; returns how long it took.
pub async fn enqueue_bulk(settings: &Settings, count: u64) -> anyhow::Result<Duration> {
    let db = registry::connect_lazy(&settings.database)?;
    db.registry
        .migrate()
        .await
        .with_context(|| format!("migrating {}", settings.database.url))?;
    let started = std::time::Instant::now();
    let mut next = 0;
    while next < count {
        let end = (next + 5_000).min(count);
        let batch = (next..end)
            .map(bulk_sms)
            .collect::<anyhow::Result<Vec<_>>>()?;
        db.outbox.enqueue_batch(&batch).await?;
        next = end;
    }
    db.registry.close().await;
    Ok(started.elapsed())
}

/// The `i`-th message of a benchmark backlog: a short GSM-7 text to a
/// generated `0912…` number (also what the benches enqueue).
pub fn bulk_sms(i: u64) -> anyhow::Result<NewSms> {
    Ok(NewSms {
        client: "bench".into(),
        client_ref: None,
        idempotency_key: None,
        recipient: Msisdn::parse(&format!("0912{:07}", i % 10_000_000))?,
        sender: None,
        body: format!("Your code is {i}"),
        priority: Priority::NORMAL,
        valid_until: None,
        callback_url: None,
        dlr_mask: None,
    })
}

fn new_sms(settings: &Settings, req: &SendRequest) -> anyhow::Result<NewSms> {
    let recipient = Msisdn::parse(&req.to).with_context(|| format!("recipient {}", req.to))?;
    ensure!(!req.text.trim().is_empty(), "the text is empty");
    let parts = super::parts::count(&req.text);
    let max = settings.sms.max_parts;
    ensure!(
        parts <= max,
        "the text needs {parts} parts, more than sms.max_parts = {max}"
    );
    let priority = Priority::new(req.priority).context("priority must be 0 to 9")?;
    Ok(NewSms {
        client: "cli".into(),
        client_ref: None,
        idempotency_key: None,
        recipient,
        sender: None,
        body: req.text.clone(),
        priority,
        valid_until: None,
        callback_url: None,
        dlr_mask: None,
    })
}

async fn enqueue_and_wait(
    outbox: &SharedOutbox,
    sms: &NewSms,
    wait: Option<Duration>,
) -> anyhow::Result<()> {
    let id = outbox.enqueue(sms).await?.id();
    println!("{id} queued");
    let Some(limit) = wait else { return Ok(()) };
    let deadline = tokio::time::Instant::now() + limit;
    let mut last = SmsState::Queued;
    while tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let Some(now) = outbox.sms(id).await? else {
            bail!("message {id} vanished")
        };
        if now.state != last {
            last = now.state;
            let state: &str = last.into();
            match &now.error {
                Some(e) => println!("{id} {state}: {e}"),
                None => println!("{id} {state}"),
            }
        }
        match last {
            SmsState::Delivered => return Ok(()),
            SmsState::Undeliverable | SmsState::Expired | SmsState::Failed => {
                bail!("message {id} was not delivered")
            }
            _ => {}
        }
    }
    let state: &str = last.into();
    bail!("message {id} still {state} after {limit:?}")
}
