//! Per-bind metrics (via the `metrics` facade): state, submits, window
//! occupancy, response latency, command_status counts, reconnects.
//!
//! Handles are registered once per bind so the hot path only bumps atomics.

use std::time::Duration;

use metrics::{Counter, Gauge, Histogram, counter, gauge, histogram};

use crate::smpp::pdu::CommandStatus;

/// `smpp_bind_state` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindState {
    /// Not connected; waiting to reconnect or stopped.
    Disconnected = 0,
    /// TCP connect and bind in progress.
    Connecting = 1,
    /// Bound and exchanging PDUs.
    Bound = 2,
    /// Shutting down: draining the window, unbinding.
    Unbinding = 3,
}

/// The registered metric handles of one bind.
#[derive(Debug, Clone)]
pub(crate) struct BindMetrics {
    carrier: String,
    bind: String,
    state: Gauge,
    pub submits: Counter,
    pub window: Gauge,
    pub latency: Histogram,
    pub ok: Counter,
    pub reconnects: Counter,
    pub bind_rejections: Counter,
    pub throttled: Counter,
    pub timeouts: Counter,
    pub generic_nacks: Counter,
    pub deliveries_refused: Counter,
}

impl BindMetrics {
    pub fn new(carrier: &str, index: u16) -> Self {
        let c = carrier.to_owned();
        let b = index.to_string();
        let labels = [("carrier", c.clone()), ("bind", b.clone())];
        Self {
            state: gauge!("smpp_bind_state", &labels),
            submits: counter!("smpp_submit_sm_total", &labels),
            window: gauge!("smpp_window_outstanding", &labels),
            latency: histogram!("smpp_response_seconds", &labels),
            ok: counter!(
                "smpp_command_status_total",
                &[
                    ("carrier", c.clone()),
                    ("bind", b.clone()),
                    ("status", "0x00000000".to_owned())
                ]
            ),
            reconnects: counter!("smpp_reconnects_total", &labels),
            bind_rejections: counter!("smpp_bind_rejections_total", &labels),
            throttled: counter!("smpp_throttled_total", &labels),
            timeouts: counter!("smpp_response_timeouts_total", &labels),
            generic_nacks: counter!("smpp_generic_nack_sent_total", &labels),
            deliveries_refused: counter!("smpp_deliver_refused_total", &labels),
            carrier: c,
            bind: b,
        }
    }

    pub fn state(&self, s: BindState) {
        self.state.set(f64::from(s as u8));
    }

    /// Counts one response status; OK has a pre-registered handle.
    pub fn status(&self, s: CommandStatus) {
        if s == CommandStatus::ESME_ROK {
            self.ok.increment(1);
            return;
        }
        let labels = [
            ("carrier", self.carrier.clone()),
            ("bind", self.bind.clone()),
            ("status", format!("0x{:08X}", s.0)),
        ];
        counter!("smpp_command_status_total", &labels).increment(1);
    }

    pub fn response(&self, latency: Duration) {
        self.latency.record(latency.as_secs_f64());
    }
}
