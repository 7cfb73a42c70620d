//! The journey log: one structured event and a few metrics per hop, with the
//! MSISDN hashed and inputs masked so logs hold no identifiers.

use super::input::mask;
use crate::telemetry::Handles;
use metrics::{Counter, Histogram};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// A short, stable pseudonym for an MSISDN (first 12 hex digits of SHA-256).
pub fn hash_msisdn(msisdn: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(msisdn.as_bytes());
    // Once per hop: one allocation, not one per byte.
    let mut out = String::with_capacity(12);
    for b in &digest[..6] {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0xf)] as char);
    }
    out
}

/// What one hop did.
#[derive(Debug, Clone)]
pub struct Hop<'a> {
    /// Carrier session id.
    pub session: &'a str,
    /// Canonical MSISDN (hashed before logging).
    pub msisdn: &'a str,
    /// Service id, or `-`.
    pub service: &'a str,
    /// Screen after the hop.
    pub screen: &'a str,
    /// The raw input (masked before logging).
    pub input: &'a str,
    /// What happened: `con`, `end`, `resume_offered`, `timeout`, …
    pub outcome: &'static str,
    /// Time spent answering.
    pub latency: Duration,
}

/// The handles of the per-hop metrics (see [`Handles`] for why they are kept).
#[derive(Default)]
pub struct HopMetrics {
    /// `ussd_hops_total` by service, screen and outcome.
    hops: Handles<Counter>,
    /// `ussd_hop_seconds` by service.
    latency: Handles<Histogram>,
    /// `ussd_action_seconds` by action.
    actions: Handles<Histogram>,
}

impl HopMetrics {
    /// The `ussd_action_seconds` histogram of `action`.
    pub fn action_seconds(&self, action: &str) -> Histogram {
        self.actions.get(
            &[action],
            || metrics::histogram!("ussd_action_seconds", "action" => action.to_owned()),
        )
    }
}

/// Emits the journey event and the per-screen metrics.
pub fn record(handles: &HopMetrics, hop: &Hop<'_>) {
    tracing::info!(
        target: "dargah::journey",
        session = hop.session,
        msisdn = %hash_msisdn(hop.msisdn),
        service = hop.service,
        screen = hop.screen,
        input = %mask(hop.input),
        outcome = hop.outcome,
        latency_us = hop.latency.as_micros() as u64,
        "ussd hop"
    );
    let (service, screen, outcome) = (hop.service, hop.screen, hop.outcome);
    let hops = handles.hops.get(&[service, screen, outcome], || {
        let labels = [
            ("service", service.to_owned()),
            ("screen", screen.to_owned()),
            ("outcome", outcome.to_owned()),
        ];
        metrics::counter!("ussd_hops_total", &labels)
    });
    hops.increment(1);
    let latency = handles.latency.get(
        &[service],
        || metrics::histogram!("ussd_hop_seconds", "service" => service.to_owned()),
    );
    latency.record(hop.latency.as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msisdn_hashes_are_stable_and_hide_the_number() {
        let h = hash_msisdn("989121234567");
        assert_eq!(h, hash_msisdn("989121234567"));
        assert_eq!(h.len(), 12);
        assert_ne!(h, hash_msisdn("989121234568"));
    }

    #[test]
    fn the_pseudonym_is_the_first_six_bytes_of_sha256_in_lowercase_hex() {
        // `printf 989121234567 | sha256sum | cut -c1-12`
        assert_eq!(hash_msisdn("989121234567"), "a9e7da6e3127");
    }
}
