//! Starting the carriers' SMPP links, the SMS dispatcher that drains the
//! outbox through them, and the consumer of what they deliver: USSD
//! dialogues go to the engine and the answer goes back through the same
//! carrier's profile; receipts go to the dispatcher's receipt writer.
//!
//! MO SMS go to the inbox (`sms::inbox`), acknowledged once stored, and the
//! status keyword service answers them by SMS.

use crate::config::Settings;
use crate::domain::ServiceCode;
use crate::registry::Database;
use crate::shutdown::Shutdown;
use crate::smpp::link::{self, Carrier, Delivery, Inbound, UssdKind};
use crate::sms::dispatch::{self, Router, receipts::ReceiptSender};
use crate::sms::inbox::mo::MoConsumer;
use crate::sms::inbox::reply::{self, StatusReplies};
use crate::sms::notifier::Notifier;
use crate::ussd::{RequestKind, UssdRequest, UssdService};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Deliveries waiting for the consumer; the links wait when it is full.
const INBOUND_QUEUE: usize = 1024;

/// Starts every configured carrier; nothing when none is configured.
pub fn start(
    settings: &Settings,
    db: &Database,
    ussd: Option<UssdService>,
    notifier: &Notifier,
    shutdown: &Shutdown,
) {
    if settings.carriers.is_empty() {
        tracing::info!("no carriers configured: running without SMPP");
        return;
    }
    let (tx, rx) = mpsc::channel(INBOUND_QUEUE);
    let links = link::start(&settings.carriers, tx, shutdown.token());
    let carriers: BTreeMap<String, Carrier> = links
        .carriers()
        .map(|c| (c.name().to_owned(), c.clone()))
        .collect();
    tracing::info!(carriers = ?carriers.keys().collect::<Vec<_>>(), "SMPP links starting");
    // The links unbind when the shutdown token is cancelled; draining waits for that.
    shutdown.spawn(links.join());
    let router = Router::new(&settings.sms.routes, carriers.clone());
    let receipts = dispatch::start(
        db.dispatch.clone(),
        router,
        settings.sms.dispatch.clone(),
        shutdown,
    );
    let consumer = Consumer {
        carriers: Arc::new(carriers),
        ussd,
        receipts,
        mo: mo_consumer(db, notifier, settings.sms.mo_forward.url.is_some()),
    };
    shutdown.spawn(consumer.mo.clone().sweep(shutdown.token()));
    shutdown.spawn(consume(rx, consumer, shutdown.clone()));
}

/// Where each kind of delivery goes.
struct Consumer {
    carriers: Arc<BTreeMap<String, Carrier>>,
    ussd: Option<UssdService>,
    receipts: ReceiptSender,
    mo: MoConsumer,
}

/// The inbox and its keyword service; without the reply templates
/// (`menus/sms/mo.toml`) no keyword claims anything. With `forward`,
/// unclaimed messages are queued for the web side.
fn mo_consumer(db: &Database, notifier: &Notifier, forward: bool) -> MoConsumer {
    let missing = notifier.templates().missing(reply::TEMPLATES);
    if !missing.is_empty() {
        tracing::warn!(?missing, "SMS templates missing: MO keywords get no reply");
    }
    let replies = missing.is_empty().then(|| StatusReplies {
        registry: db.registry.clone(),
        notifier: notifier.clone(),
    });
    MoConsumer {
        store: db.inbox.clone(),
        replies,
        forward,
    }
}

async fn consume(mut rx: mpsc::Receiver<Delivery>, c: Consumer, shutdown: Shutdown) {
    while let Some(Delivery { message, ack }) = rx.recv().await {
        match (message, &c.ussd) {
            (Inbound::Ussd(req), Some(service)) => {
                ack.accept();
                shutdown.spawn(answer(req, service.clone(), c.carriers.clone()));
            }
            (Inbound::Receipt(event), _) => {
                // Acknowledged by the writer once stored; if it is gone
                // (shutting down) the dropped ack makes the SMSC retry.
                let _ = c.receipts.send((event, ack)).await;
            }
            (Inbound::Sms(sms), _) => {
                let mo = c.mo.clone();
                shutdown.spawn(async move { mo.take(sms, ack).await });
            }
            (other, _) => {
                metrics::counter!("dargah_smpp_inbound_unconsumed_total", "kind" => kind(&other))
                    .increment(1);
                tracing::debug!(
                    kind = kind(&other),
                    "no consumer yet; left for the SMSC to redeliver"
                );
                drop(ack);
            }
        }
    }
}

fn kind(m: &Inbound) -> &'static str {
    match m {
        Inbound::Ussd(_) => "ussd",
        Inbound::Receipt(_) => "receipt",
        Inbound::Sms(_) => "sms",
    }
}

/// Runs one hop through the engine and sends the page back.
async fn answer(
    req: link::UssdRequest,
    service: UssdService,
    carriers: Arc<BTreeMap<String, Carrier>>,
) {
    let request = to_engine(&req);
    let abort = request.kind == RequestKind::Abort;
    let reply = service.handle(request).await;
    if abort {
        return;
    }
    let Some(carrier) = carriers.get(&*req.session.carrier) else {
        return;
    };
    let page = if reply.end {
        link::UssdReply::End(reply.text)
    } else {
        link::UssdReply::Continue(reply.text)
    };
    match carrier.reply_ussd(&req.session, &page) {
        Ok(ticket) => {
            let outcome = ticket.await;
            if !matches!(outcome, link::SubmitOutcome::Accepted { .. }) {
                tracing::warn!(
                    ?outcome,
                    carrier = carrier.name(),
                    "USSD page not accepted by the SMSC"
                );
            }
        }
        Err(e) => tracing::warn!(error = %e, "USSD page not sent: the link is shutting down"),
    }
}

/// The link's view of a hop, in the engine's terms.
fn to_engine(req: &link::UssdRequest) -> UssdRequest {
    let kind = match req.kind {
        UssdKind::Begin => RequestKind::Begin,
        UssdKind::Continue => RequestKind::Continue,
        UssdKind::Abort => RequestKind::Abort,
    };
    UssdRequest {
        session_id: req.session.id(),
        msisdn: req.session.msisdn.clone(),
        dialled: (kind == RequestKind::Begin)
            .then(|| ServiceCode::parse(&req.text).ok())
            .flatten(),
        input: if kind == RequestKind::Continue {
            req.text.clone()
        } else {
            String::new()
        },
        kind,
        carrier: Some(req.session.carrier.to_string()),
    }
}
