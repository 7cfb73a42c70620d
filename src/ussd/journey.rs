//! The journey log: one structured event and a few metrics per hop, with the
//! MSISDN hashed and inputs masked so logs hold no identifiers.

use super::input::mask;
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

/// Emits the journey event and the per-screen metrics.
pub fn record(hop: &Hop<'_>) {
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
    let labels = [
        ("service", hop.service.to_owned()),
        ("screen", hop.screen.to_owned()),
        ("outcome", hop.outcome.to_owned()),
    ];
    metrics::counter!("ussd_hops_total", &labels).increment(1);
    metrics::histogram!("ussd_hop_seconds", "service" => hop.service.to_owned())
        .record(hop.latency.as_secs_f64());
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
