//! The receipt writer: delivery receipts from every link, matched to their
//! parts by carrier and normalised SMSC id, written in batches, and
//! acknowledged to the SMSC only once the write is durable (a crash before
//! that makes the SMSC deliver the receipt again).
//!
//! A receipt can overtake the record of its own submission (the SMSC
//! answers, then reports delivery, while our batch is still being written);
//! one that matches nothing is held back and tried again for
//! `receipt_grace` before it is counted unknown.
//!
//! While the database is away, receipts are held unacknowledged and the
//! write is retried with backoff; the writer reads no more meanwhile, so
//! the links' inbound windows fill and the SMSC keeps the rest (it is
//! answered ESME_RMSGQFUL beyond the window). Nothing is acknowledged that
//! is not stored, and the grace counts only time the database answered.

use super::metrics::DispatchMetrics;
use super::outage::Outage;
use super::settings::DispatchSettings;
use super::store::{ReceiptUpdate, SharedDispatchStore};
use crate::smpp::link::{Ack, ReceiptEvent};
use crate::smpp::receipt::{IdFormat, Outcome, Receipt, normalize};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;

/// How often held-back receipts are tried again.
const RETRY_HELD: Duration = Duration::from_millis(200);

/// Where the SMPP consumer hands receipts.
pub type ReceiptSender = mpsc::Sender<(ReceiptEvent, Ack)>;

struct Held {
    update: ReceiptUpdate,
    ack: Ack,
    since: Instant,
}

/// Writes receipts until every sender is gone; held ones are then left
/// unacknowledged, so the SMSC delivers them again. Held receipts are tried
/// again every [`RETRY_HELD`] and whenever `recorded` says a batch of
/// submissions was just committed (most of them were waiting for that).
pub async fn run(
    mut rx: mpsc::Receiver<(ReceiptEvent, Ack)>,
    store: SharedDispatchStore,
    settings: DispatchSettings,
    metrics: DispatchMetrics,
    recorded: Arc<Notify>,
) {
    let max = settings.receipt_batch.max(1) as usize;
    let mut incoming = Vec::with_capacity(max);
    let mut held: Vec<Held> = Vec::new();
    let mut retried = Instant::now();
    let mut outage = Outage::new("receipts");
    let mut pause = RETRY_HELD;
    loop {
        // In an outage only the held receipts are retried, after the pause.
        let got = tokio::select! {
            n = rx.recv_many(&mut incoming, max), if !outage.active() => match n {
                0 => break, // every link is gone
                n => n,
            },
            () = tokio::time::sleep(pause), if !held.is_empty() => 0,
            () = recorded.notified(), if !held.is_empty() && !outage.active() => 0,
        };
        let now = Instant::now();
        let fresh = incoming.drain(..).filter_map(|(e, ack)| {
            let (update, ack) = update(&e, &settings, &metrics, ack)?;
            Some(Held {
                update,
                ack,
                since: now,
            })
        });
        // Held receipts wait for their submission's record: retrying them
        // with every fresh batch would rewrite the same misses over and over.
        let mut batch: Vec<Held> = fresh.collect();
        if got == 0 || retried.elapsed() >= RETRY_HELD {
            batch.append(&mut held);
            retried = now;
        }
        match write(batch, &store, &settings, &metrics).await {
            Ok(mut missed) => {
                outage.recovered();
                pause = RETRY_HELD;
                held.append(&mut missed);
            }
            Err((e, mut unstored)) => {
                pause = outage.failed(&e);
                for h in &mut unstored {
                    h.since = Instant::now();
                }
                held.append(&mut unstored);
            }
        }
    }
}

/// The update a receipt asks for; a receipt without an id is acknowledged
/// and counted unknown at once (there is nothing to match it with).
fn update(
    e: &ReceiptEvent,
    s: &DispatchSettings,
    m: &DispatchMetrics,
    ack: Ack,
) -> Option<(ReceiptUpdate, Ack)> {
    let Some(id) = e.receipt.id.as_deref() else {
        tracing::warn!(carrier = %e.carrier, "receipt without a message id; ignored");
        m.receipts_unknown.increment(1);
        ack.accept();
        return None;
    };
    let format: IdFormat = s
        .id_formats
        .get(&*e.carrier)
        .map(|f| f.receipt.into())
        .unwrap_or_default();
    let update = ReceiptUpdate {
        carrier: e.carrier.to_string(),
        key: normalize(id, format),
        stat: stat(&e.receipt).to_owned(),
        error: e.receipt.err.clone(),
    };
    Some((update, ack))
}

/// The stat word as stored: the SMPP Appendix B spelling.
pub fn stat(r: &Receipt) -> &'static str {
    match (r.outcome(), r.stat.as_deref()) {
        (Outcome::Delivered, _) => "DELIVRD",
        (Outcome::Failed, Some("EXPIRED")) => "EXPIRED",
        (Outcome::Failed, Some("DELETED")) => "DELETED",
        (Outcome::Failed, Some("REJECTD" | "REJECTED")) => "REJECTD",
        (Outcome::Failed, _) => "UNDELIV",
        (Outcome::Pending, _) => "ENROUTE",
        (Outcome::Unknown, _) => "UNKNOWN",
    }
}

/// Writes one batch; returns the receipts to hold back for another try, or
/// on a database error all of them, unacknowledged.
async fn write(
    batch: Vec<Held>,
    store: &SharedDispatchStore,
    s: &DispatchSettings,
    m: &DispatchMetrics,
) -> Result<Vec<Held>, (crate::registry::RegistryError, Vec<Held>)> {
    if batch.is_empty() {
        return Ok(batch);
    }
    // A later receipt for the same part wins (e.g. ENROUTE then DELIVRD).
    let mut seen = HashSet::new();
    let updates: Vec<ReceiptUpdate> = batch
        .iter()
        .rev()
        .filter(|h| seen.insert((&h.update.carrier, &h.update.key)))
        .map(|h| h.update.clone())
        .collect();
    let matched: HashSet<(String, String)> = match store.apply_receipts(&updates).await {
        Ok(m) => m.into_iter().collect(),
        Err(e) => return Err((e, batch)),
    };
    let mut held = Vec::new();
    for h in batch {
        if matched.contains(&(h.update.carrier.clone(), h.update.key.clone())) {
            m.receipts_matched.increment(1);
            h.ack.accept();
        } else if h.since.elapsed() >= s.receipt_grace {
            tracing::warn!(carrier = %h.update.carrier, id = %h.update.key, stat = %h.update.stat,
                "receipt for no message of ours");
            m.receipts_unknown.increment(1);
            h.ack.accept();
        } else {
            m.receipts_held.increment(1);
            held.push(h);
        }
    }
    Ok(held)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smpp::receipt::parse;

    use crate::config::{DatabaseSettings, DatabaseUrl};
    use crate::smpp::pdu::CommandStatus;
    use crate::sms::dispatch::{AcceptedPart, Fate};
    use crate::sms::outbox::{NewSms, Priority};

    async fn store_with_one_submitted_part(dir: &std::path::Path) -> SharedDispatchStore {
        let url = format!("sqlite://{}", dir.join("r.db").display());
        let settings = DatabaseSettings {
            url: DatabaseUrl::parse(&url).unwrap(),
            ..DatabaseSettings::default()
        };
        let db = crate::registry::connect_lazy(&settings).unwrap();
        db.registry.migrate().await.unwrap();
        let sms = NewSms {
            client: "t".into(),
            client_ref: None,
            idempotency_key: None,
            recipient: crate::domain::Msisdn::parse("09121234567").unwrap(),
            sender: None,
            body: "x".into(),
            priority: Priority::NORMAL,
            valid_until: None,
            callback_url: None,
            dlr_mask: None,
        };
        db.outbox.enqueue(&sms).await.unwrap();
        let id = db.dispatch.claim(1).await.unwrap()[0].id;
        let part = AcceptedPart {
            part_no: 1,
            message_id: "AB".into(),
            key: "171".into(),
        };
        let fate = Fate::Submitted {
            id,
            carrier: "mci".into(),
            parts: vec![part],
        };
        db.dispatch.record(&[fate]).await.unwrap();
        db.dispatch
    }

    fn event(id: &str) -> ReceiptEvent {
        ReceiptEvent {
            carrier: Arc::from("mci"),
            receipt: parse(format!("id:{id} stat:DELIVRD err:000").as_bytes()),
        }
    }

    #[tokio::test]
    async fn a_known_receipt_is_acked_once_stored_and_an_unknown_one_after_the_grace() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_one_submitted_part(dir.path()).await;
        let mut settings = DispatchSettings {
            receipt_grace: Duration::from_millis(600),
            ..DispatchSettings::default()
        };
        // The SMSC answered in hex and writes receipts in decimal: 0xAB = 171.
        let formats = super::super::IdFormats {
            submit: super::super::IdBase::Hex,
            receipt: super::super::IdBase::Decimal,
        };
        settings.id_formats.insert("mci".into(), formats);
        let (tx, rx) = mpsc::channel(8);
        let recorded = Arc::new(Notify::new());
        let task = tokio::spawn(run(rx, store, settings, DispatchMetrics::new(), recorded));
        let (known, known_answer) = Ack::new();
        let (unknown, unknown_answer) = Ack::new();
        let started = Instant::now();
        tx.send((event("171"), known)).await.unwrap();
        tx.send((event("999"), unknown)).await.unwrap();
        assert_eq!(known_answer.await.unwrap(), CommandStatus::ESME_ROK);
        assert!(started.elapsed() < Duration::from_millis(600));
        assert_eq!(unknown_answer.await.unwrap(), CommandStatus::ESME_ROK);
        assert!(started.elapsed() >= Duration::from_millis(600));
        drop(tx);
        task.await.unwrap();
    }

    #[test]
    fn stat_words_are_stored_in_their_appendix_b_spelling() {
        let r = |t: &str| parse(format!("id:1 stat:{t}").as_bytes());
        assert_eq!(stat(&r("DELIVRD")), "DELIVRD");
        assert_eq!(stat(&r("EXPIRED")), "EXPIRED");
        assert_eq!(stat(&r("UNDELIV")), "UNDELIV");
        assert_eq!(stat(&r("REJECTED")), "REJECTD");
        assert_eq!(stat(&r("ACCEPTD")), "ENROUTE");
        assert_eq!(stat(&r("WHATEVER")), "UNKNOWN");
    }
}
