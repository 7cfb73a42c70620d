//! The SMPP link: dargah as an ESME bound to each carrier's SMSC.
//!
//! One task per bind owns its connection (bind state machine, sequence
//! numbers, window, enquire_link, response timeouts) and a writer task
//! owns the socket's write half. Binds reconnect with exponential backoff
//! and jitter; whatever was in the window when a connection dropped goes
//! back to the carrier's priority queue and is resubmitted. Throughput is
//! paced by governor per carrier and per bind, and ESME_RTHROTTLED /
//! ESME_RMSGQFUL shrink the window and pause instead of failing.
//!
//! Incoming deliver_sm/data_sm are classified ([`Inbound`]) and handed to
//! one consumer channel; the response goes out only after [`Ack::accept`].
//!
//! Entry points: [`start`] for every configured carrier, [`Carrier::submit`]
//! for SMS, [`Carrier::reply_ussd`] for USSD pages.

mod backoff;
mod bind;
mod carrier;
mod feed;
mod inbound;
mod incoming;
mod metrics;
mod session;
pub mod settings;
mod submit;
mod throttle;
pub mod tls;
mod ussd;
pub mod ussd_profile;
mod writer;

use std::collections::BTreeMap;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use backoff::Backoff;
pub use bind::ConnectError;
pub use carrier::{Carrier, start_carrier};
pub use inbound::{Ack, Delivery, Inbound, MoSms, ReceiptEvent};
pub use metrics::BindState;
pub use settings::{BindMode, CarrierSettings, Carriers};
pub use submit::{SubmitError, SubmitOutcome, Ticket};
pub use throttle::Throttle;
pub use ussd::{UssdReply, UssdRequest, UssdSession};
pub use ussd_profile::{Preset, ProfileRef, UssdKind, UssdProfile};

/// The running links of every configured carrier.
#[derive(Debug)]
pub struct Links {
    carriers: BTreeMap<String, Carrier>,
    tasks: Vec<JoinHandle<()>>,
    cancel: CancellationToken,
}

/// Starts every carrier's binds. Incoming messages of all carriers go to
/// `inbound`; cancelling `cancel` (or [`Links::shutdown`]) stops taking
/// submissions, drains windows, unbinds and closes. No carriers: no tasks.
pub fn start(
    carriers: &Carriers,
    inbound: mpsc::Sender<Delivery>,
    cancel: CancellationToken,
) -> Links {
    let mut handles = BTreeMap::new();
    let mut tasks = Vec::new();
    for (name, settings) in carriers {
        let (carrier, task) = start_carrier(name, settings, inbound.clone(), cancel.clone());
        handles.insert(name.clone(), carrier);
        tasks.push(task);
    }
    Links {
        carriers: handles,
        tasks,
        cancel,
    }
}

impl Links {
    /// The handle of carrier `name`.
    pub fn carrier(&self, name: &str) -> Option<&Carrier> {
        self.carriers.get(name)
    }

    /// Every carrier, by name.
    pub fn carriers(&self) -> impl Iterator<Item = &Carrier> {
        self.carriers.values()
    }

    /// Signals shutdown and waits until every bind has unbound and every
    /// queued message went back to its sender.
    pub async fn shutdown(self) {
        self.cancel.cancel();
        self.join().await;
    }

    /// Waits for the links to end (after the token was cancelled elsewhere).
    pub async fn join(self) {
        for t in self.tasks {
            let _ = t.await;
        }
    }
}
