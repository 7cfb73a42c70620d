//! `[sms.mo_forward]`: where and how unclaimed MO SMS are forwarded.

use crate::sms::delivery::RetryPolicy;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// How the web side is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ForwardMethod {
    /// Kannel's `get-url`: GET the URL with its escapes substituted.
    #[default]
    Get,
    /// POST a JSON body (the URL's escapes are substituted too).
    Post,
}

/// `[sms.mo_forward]`. Header values and the bearer token are redacted in
/// `Debug` and never serialised: they are credentials.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MoForwardSettings {
    /// The web side's URL, with Kannel escapes (`%p`, `%a`, …); absent: no
    /// forwarding, unclaimed MO stay `unclaimed`.
    pub url: Option<String>,
    /// `get` (Kannel style) or `post` (JSON).
    pub method: ForwardMethod,
    /// Extra request headers.
    #[serde(skip_serializing)]
    pub headers: BTreeMap<String, String>,
    /// Sent as `Authorization: Bearer …` when set.
    #[serde(skip_serializing)]
    pub bearer_token: Option<String>,
    /// How long one call may take before it counts as failed.
    #[serde(with = "humantime_serde")]
    pub timeout: Duration,
    /// Calls made before a message is given up (`forward_failed`).
    pub attempts: u32,
    /// Pause after the first failure; doubled after each further one.
    #[serde(with = "humantime_serde")]
    pub backoff_min: Duration,
    /// Longest pause between calls.
    #[serde(with = "humantime_serde")]
    pub backoff_max: Duration,
    /// Calls in flight at once on this node.
    pub concurrency: u32,
    /// How often pending forwards are looked for.
    #[serde(with = "humantime_serde")]
    pub poll_interval: Duration,
    /// Whether a non-empty text answer is sent back to the sender by SMS
    /// (Kannel's reply to an sms-service).
    pub reply: bool,
}

impl Default for MoForwardSettings {
    fn default() -> Self {
        MoForwardSettings {
            url: None,
            method: ForwardMethod::Get,
            headers: BTreeMap::new(),
            bearer_token: None,
            timeout: Duration::from_secs(10),
            attempts: 8,
            backoff_min: Duration::from_secs(10),
            backoff_max: Duration::from_secs(3600),
            concurrency: 8,
            poll_interval: Duration::from_secs(1),
            reply: false,
        }
    }
}

impl MoForwardSettings {
    /// How failed calls are retried: a 4xx other than 408/429 is final.
    pub fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            attempts: self.attempts,
            backoff_min: self.backoff_min,
            backoff_max: self.backoff_max,
            permanent_4xx: true,
        }
    }
}

impl fmt::Debug for MoForwardSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<&String> = self.headers.keys().collect();
        f.debug_struct("MoForwardSettings")
            .field("url", &self.url)
            .field("method", &self.method)
            .field("headers", &headers)
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "<redacted>"),
            )
            .field("timeout", &self.timeout)
            .field("attempts", &self.attempts)
            .field("backoff_min", &self.backoff_min)
            .field("backoff_max", &self.backoff_max)
            .field("concurrency", &self.concurrency)
            .field("poll_interval", &self.poll_interval)
            .field("reply", &self.reply)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_header_names_but_no_header_value_or_token() {
        let s = MoForwardSettings {
            headers: BTreeMap::from([("X-Api-Key".to_owned(), "k-S3cret".to_owned())]),
            bearer_token: Some("t-S3cret".to_owned()),
            ..MoForwardSettings::default()
        };
        let shown = format!("{s:?}");
        assert!(shown.contains("X-Api-Key"), "{shown}");
        assert!(!shown.contains("S3cret"), "{shown}");
    }
}
