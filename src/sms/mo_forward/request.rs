//! One forward as an HTTP request: GET the configured URL with its Kannel
//! escapes substituted (Kannel's `get-url`), or POST the message as JSON to
//! it; configured headers and the bearer token go with either.

use super::escape::{MoValues, coding, substitute};
use super::settings::{ForwardMethod, MoForwardSettings};
use super::store::PendingForward;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

/// The longest answer read for a reply SMS; longer ones are not read.
const MAX_REPLY_BYTES: u64 = 16 * 1024;

/// The JSON body POSTed for a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoBody {
    /// `sms_inbox.id`: the same message forwarded twice has the same id.
    pub id: i64,
    /// The sender as received.
    pub from: String,
    /// Our number it was sent to.
    pub to: String,
    /// The text, reassembled and decoded; `null` for a coding we do not decode.
    pub text: Option<String>,
    /// When it was received (RFC 3339, UTC).
    pub received_at: String,
    /// How many parts it came in.
    pub parts: i64,
    /// Kannel's coding: 0 7-bit, 1 8-bit, 2 UCS-2.
    pub coding: u8,
    /// The carrier (link) it came through.
    pub carrier: String,
}

/// Where and how messages are forwarded, checked once at start.
#[derive(Debug, Clone)]
pub struct Target {
    url: String,
    method: ForwardMethod,
    headers: HeaderMap,
}

/// What the web side answered: its status and, when asked for, its text.
pub type Answer = (reqwest::StatusCode, Option<String>);

impl Target {
    /// The target of `s`; `None` without a URL. Fails on a header that
    /// HTTP cannot carry (the message names the header, never its value).
    pub fn new(s: &MoForwardSettings) -> Result<Option<Target>, String> {
        let Some(url) = &s.url else { return Ok(None) };
        let mut headers = HeaderMap::new();
        for (name, value) in &s.headers {
            let name = HeaderName::try_from(name.as_str())
                .map_err(|_| format!("header name {name:?} is not valid"))?;
            headers.insert(name.clone(), sensitive(&format!("header {name}"), value)?);
        }
        if let Some(token) = &s.bearer_token {
            headers.insert(
                AUTHORIZATION,
                sensitive("bearer_token", &format!("Bearer {token}"))?,
            );
        }
        Ok(Some(Target {
            url: url.clone(),
            method: s.method,
            headers,
        }))
    }

    /// Sends `p`; `Ok` when the web side answered at all, with its text
    /// when `want_text` and the answer is a 2xx plain-text body.
    pub async fn send(
        &self,
        client: &reqwest::Client,
        p: &PendingForward,
        want_text: bool,
    ) -> reqwest::Result<Answer> {
        let url = substitute(&self.url, &values(p));
        let request = match self.method {
            ForwardMethod::Get => client.get(url),
            ForwardMethod::Post => client.post(url).json(&body(p)),
        };
        let response = request.headers(self.headers.clone()).send().await?;
        let status = response.status();
        if !(want_text && status.is_success() && plain_text(&response)) {
            return Ok((status, None));
        }
        Ok((status, Some(response.text().await?)))
    }
}

/// A header value marked sensitive, so that no `Debug` shows it.
fn sensitive(what: &str, value: &str) -> Result<HeaderValue, String> {
    let mut v =
        HeaderValue::try_from(value).map_err(|_| format!("{what} is not a valid header value"))?;
    v.set_sensitive(true);
    Ok(v)
}

/// A small body that is plain text (or says nothing of its type).
fn plain_text(r: &reqwest::Response) -> bool {
    let small = r.content_length().is_none_or(|n| n <= MAX_REPLY_BYTES);
    let text = r
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|t| t.starts_with("text/plain"));
    small && text
}

fn values(p: &PendingForward) -> MoValues<'_> {
    MoValues {
        id: p.inbox_id,
        sender: &p.source,
        receiver: &p.destination,
        text: p.text.as_deref().unwrap_or_default(),
        data_coding: data_coding(p),
        carrier: &p.carrier,
        received_at: p.received_at,
    }
}

fn data_coding(p: &PendingForward) -> u8 {
    u8::try_from(p.data_coding).unwrap_or_default()
}

/// The JSON body for `p`.
pub fn body(p: &PendingForward) -> MoBody {
    MoBody {
        id: p.inbox_id,
        from: p.source.clone(),
        to: p.destination.clone(),
        text: p.text.clone(),
        received_at: p
            .received_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        parts: p.parts,
        coding: coding(data_coding(p)),
        carrier: p.carrier.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use std::collections::BTreeMap;

    #[test]
    fn the_json_body_carries_the_message_and_its_envelope() {
        let p = PendingForward {
            inbox_id: 9,
            attempts: 1,
            carrier: "mci".into(),
            source: "09121234567".into(),
            destination: "6090".into(),
            text: Some("سلام".into()),
            data_coding: 8,
            parts: 2,
            received_at: Utc.with_ymd_and_hms(2026, 11, 21, 17, 0, 0).unwrap(),
        };
        assert_eq!(
            serde_json::to_value(body(&p)).unwrap(),
            serde_json::json!({"id": 9, "from": "09121234567", "to": "6090", "text": "سلام",
                "received_at": "2026-11-21T17:00:00.000Z", "parts": 2, "coding": 2, "carrier": "mci"})
        );
    }

    #[test]
    fn a_bad_header_is_refused_without_its_value_and_no_url_is_no_target() {
        let s = MoForwardSettings {
            url: Some("http://web/mo".into()),
            headers: BTreeMap::from([("X-Key".to_owned(), "bad\nS3cret".to_owned())]),
            ..MoForwardSettings::default()
        };
        let e = Target::new(&s).unwrap_err();
        assert!(e.contains("x-key") && !e.contains("S3cret"), "{e}");
        assert!(
            Target::new(&MoForwardSettings::default())
                .unwrap()
                .is_none()
        );
    }
}
