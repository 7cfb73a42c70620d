//! Starting the carriers' SMPP links, and the consumer of what they deliver:
//! USSD dialogues go to the engine and the answer goes back through the same
//! carrier's profile.
//!
//! Receipts and MO SMS have no consumer until the SMS dispatcher lands: they
//! are left unacknowledged (the link answers `ESME_RX_T_APPN`), so the SMSC
//! keeps them and redelivers later instead of losing them.

use crate::config::Settings;
use crate::domain::ServiceCode;
use crate::shutdown::Shutdown;
use crate::smpp::link::{self, Carrier, Delivery, Inbound, UssdKind};
use crate::ussd::{RequestKind, UssdRequest, UssdService};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Deliveries waiting for the consumer; the links wait when it is full.
const INBOUND_QUEUE: usize = 1024;

/// Starts every configured carrier; nothing when none is configured.
pub fn start(settings: &Settings, ussd: Option<UssdService>, shutdown: &Shutdown) {
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
    shutdown.spawn(consume(rx, Arc::new(carriers), ussd, shutdown.clone()));
}

async fn consume(
    mut rx: mpsc::Receiver<Delivery>,
    carriers: Arc<BTreeMap<String, Carrier>>,
    ussd: Option<UssdService>,
    shutdown: Shutdown,
) {
    while let Some(Delivery { message, ack }) = rx.recv().await {
        match (message, &ussd) {
            (Inbound::Ussd(req), Some(service)) => {
                ack.accept();
                shutdown.spawn(answer(req, service.clone(), carriers.clone()));
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
