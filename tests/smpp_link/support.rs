//! Starting a link against a test SMSC and collecting what it delivers.

use std::time::Duration;

use bytes::Bytes;
use dargah::smpp::link::{Carrier, CarrierSettings, Delivery, start_carrier};
use dargah::smpp::pdu::{Address, ShortMessage};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub struct Link {
    pub carrier: Carrier,
    pub inbound: mpsc::Receiver<Delivery>,
    pub cancel: CancellationToken,
    pub task: JoinHandle<()>,
}

/// Fast timers so failures and recoveries happen within a test's patience.
pub fn settings(port: u16) -> CarrierSettings {
    let mut s = CarrierSettings::new("127.0.0.1", port, "dargah", "secret");
    s.reconnect_min = Duration::from_millis(50);
    s.reconnect_max = Duration::from_millis(400);
    s.bind_rejected_backoff = Duration::from_millis(300);
    s.response_timeout = Duration::from_secs(3);
    s.throttle_backoff = Duration::from_millis(50);
    s
}

pub fn start(settings: CarrierSettings) -> Link {
    let (tx, inbound) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let (carrier, task) = start_carrier("sim", &settings, tx, cancel.clone());
    Link {
        carrier,
        inbound,
        cancel,
        task,
    }
}

impl Link {
    pub async fn wait_bound(&self) {
        for _ in 0..400 {
            if self.carrier.bound() > 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the link never bound");
    }

    pub async fn shutdown(self) {
        self.cancel.cancel();
        tokio::time::timeout(Duration::from_secs(15), self.task)
            .await
            .expect("shutdown within 15 s")
            .expect("carrier task joins");
    }
}

pub fn sms(text: &str) -> ShortMessage {
    ShortMessage {
        source: Address {
            ton: 5,
            npi: 0,
            addr: Bytes::from_static(b"dargah"),
        },
        destination: Address {
            ton: 1,
            npi: 1,
            addr: Bytes::from_static(b"989121234567"),
        },
        short_message: Bytes::copy_from_slice(text.as_bytes()),
        ..ShortMessage::default()
    }
}
