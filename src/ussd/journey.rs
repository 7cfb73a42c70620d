//! The journey log: one structured event and a few metrics per hop, with the
//! MSISDN hashed and inputs masked so logs hold no identifiers.

use super::input::mask;
use crate::telemetry::Handles;
use metrics::{Counter, Histogram};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// A short, stable pseudonym for an MSISDN (first 12 hex digits of SHA-256).
pub fn hash_msisdn(msisdn: &str) -> String {
    Pseudonym::of(msisdn).to_string()
}

/// The pseudonym the journey log shows for a caller: the first 12 hex
/// digits of the SHA-256 of the MSISDN. Small and `Copy`, so a session keeps
/// the one hashed when it began and its later hops log it without hashing
/// again (the hash was a tenth of the journey log's cost per hop).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pseudonym([u8; 12]);

impl Pseudonym {
    /// The pseudonym of `msisdn` (its canonical form).
    pub fn of(msisdn: &str) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let digest = Sha256::digest(msisdn.as_bytes());
        let mut out = [0u8; 12];
        for (pair, b) in out.chunks_exact_mut(2).zip(&digest[..6]) {
            pair[0] = HEX[usize::from(b >> 4)];
            pair[1] = HEX[usize::from(b & 0xf)];
        }
        Pseudonym(out)
    }

    /// The 12 lowercase hex digits.
    pub fn as_str(&self) -> &str {
        // Always ASCII hex digits: written by `of` or checked by `parse`.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Reads back what [`Pseudonym::as_str`] wrote.
    pub fn parse(text: &str) -> Option<Self> {
        let bytes: [u8; 12] = text.as_bytes().try_into().ok()?;
        bytes
            .iter()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            .then_some(Pseudonym(bytes))
    }
}

impl std::fmt::Display for Pseudonym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Pseudonym {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Pseudonym {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Pseudonym::parse(&text)
            .ok_or_else(|| serde::de::Error::custom("a pseudonym is 12 lowercase hex digits"))
    }
}

/// What one hop did.
#[derive(Debug, Clone)]
pub struct Hop<'a> {
    /// Carrier session id.
    pub session: &'a str,
    /// Canonical MSISDN (hashed before logging).
    pub msisdn: &'a str,
    /// The MSISDN's pseudonym when the session already has it.
    pub pseudonym: Option<Pseudonym>,
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
        msisdn = %hop.pseudonym.unwrap_or_else(|| Pseudonym::of(hop.msisdn)),
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

    #[test]
    fn a_pseudonym_serialises_as_its_hex_digits_and_reads_back() {
        let p = Pseudonym::of("989121234567");
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, "\"a9e7da6e3127\"");
        assert_eq!(serde_json::from_str::<Pseudonym>(&json).unwrap(), p);
        assert!(serde_json::from_str::<Pseudonym>("\"A9E7DA6E3127\"").is_err());
        assert!(serde_json::from_str::<Pseudonym>("\"a9e7da6e312\"").is_err());
    }
}
