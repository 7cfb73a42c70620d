//! One callback as an HTTP request: Kannel clients get their `dlr-url`
//! with its escapes substituted, called with GET; JSON clients get a POST
//! of the message's new state.

use super::escape::{DlrValues, substitute};
use super::store::PendingCallback;
use serde::Serialize;

/// The JSON body POSTed to a JSON client's `callback_url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateChange {
    /// The message id `POST /v1/sms` answered with.
    pub id: i64,
    /// `delivered`, `undeliverable`, `expired` or `failed`.
    pub state: String,
    /// Recipient (canonical `98…`).
    pub to: String,
    /// The client's own reference, as given.
    pub client_ref: Option<String>,
    /// Why it was not delivered (the failure reason or the receipt's stat and error code).
    pub error: Option<String>,
    /// When the state was reached (RFC 3339, UTC).
    pub at: String,
}

/// The request to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// Kannel's DLR: GET the substituted URL.
    Get(String),
    /// JSON: POST the body to the URL.
    Post(String, StateChange),
}

impl Call {
    /// The request for `p`.
    pub fn new(p: &PendingCallback) -> Call {
        match p.dlr_type {
            Some(kind) => Call::Get(substitute(&p.url, &dlr_values(p, kind))),
            None => Call::Post(p.url.clone(), state_change(p)),
        }
    }

    /// Sends it; `Ok(status)` when the client answered at all.
    pub async fn send(&self, client: &reqwest::Client) -> reqwest::Result<reqwest::StatusCode> {
        let request = match self {
            Call::Get(url) => client.get(url),
            Call::Post(url, body) => client.post(url).json(body),
        };
        Ok(request.send().await?.status())
    }
}

fn state_change(p: &PendingCallback) -> StateChange {
    StateChange {
        id: p.outbox_id,
        state: p.state.clone(),
        to: p.recipient.clone(),
        client_ref: p.client_ref.clone(),
        error: error(p),
        at: p
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    }
}

/// The dispatcher's reason, else a failed receipt's stat and code.
fn error(p: &PendingCallback) -> Option<String> {
    if p.error.is_some() || p.state == "delivered" || p.state == "submitted" {
        return p.error.clone();
    }
    let stat = p.receipt_state.as_deref()?;
    Some(match &p.receipt_error {
        Some(code) => format!("{stat} err:{code}"),
        None => stat.to_owned(),
    })
}

fn dlr_values(p: &PendingCallback, kind: i64) -> DlrValues {
    DlrValues {
        dlr_type: kind,
        reply: reply(p, kind),
        recipient: p.recipient.clone(),
        sender: p.sender.clone(),
        id: p.outbox_id,
        smsc_message_id: p.smsc_message_id.clone(),
        carrier: p.carrier.clone(),
        client: p.client.clone(),
        at: p.created_at,
    }
}

/// `%A`, in Kannel's shapes: `ACK/` for a submission, `NACK/reason` for a
/// refusal, the receipt's fields for a delivery report.
fn reply(p: &PendingCallback, kind: i64) -> String {
    match kind {
        8 => "ACK/".to_owned(),
        16 => format!("NACK/{}", p.error.as_deref().unwrap_or_default()),
        _ => {
            let mut r = format!(
                "id:{} stat:{}",
                p.smsc_message_id.as_deref().unwrap_or_default(),
                p.receipt_state.as_deref().unwrap_or("EXPIRED")
            );
            if let Some(e) = &p.receipt_error {
                r.push_str(&format!(" err:{e}"));
            }
            r
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn pending(dlr_type: Option<i64>) -> PendingCallback {
        PendingCallback {
            id: 7,
            outbox_id: 42,
            state: "undeliverable".into(),
            dlr_type,
            url: "http://web/dlr?type=%d&reply=%A&to=%p".into(),
            attempts: 1,
            created_at: Utc.with_ymd_and_hms(2026, 11, 21, 17, 0, 0).unwrap(),
            client: "web".into(),
            client_ref: Some("order-9".into()),
            recipient: "989121234567".into(),
            sender: None,
            error: None,
            carrier: Some("mci".into()),
            smsc_message_id: Some("AB12".into()),
            receipt_state: Some("UNDELIV".into()),
            receipt_error: Some("034".into()),
        }
    }

    #[test]
    fn a_kannel_client_gets_a_get_of_its_dlr_url_with_the_receipt_substituted() {
        assert_eq!(
            Call::new(&pending(Some(2))),
            Call::Get(
                "http://web/dlr?type=2&reply=id%3AAB12%20stat%3AUNDELIV%20err%3A034&to=989121234567"
                    .into()
            )
        );
    }

    #[test]
    fn a_json_client_gets_the_state_its_reference_and_the_receipt_error() {
        let Call::Post(url, body) = Call::new(&pending(None)) else {
            panic!("a JSON client is POSTed to");
        };
        assert_eq!(url, "http://web/dlr?type=%d&reply=%A&to=%p");
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"id": 42, "state": "undeliverable", "to": "989121234567",
                "client_ref": "order-9", "error": "UNDELIV err:034", "at": "2026-11-21T17:00:00.000Z"})
        );
    }
}
