//! The JSON handlers: parse and check everything first, then enqueue all in
//! one transaction, so a bad message in a batch enqueues nothing.

use super::{ApiState, AuthError};
use crate::domain::Msisdn;
use crate::sms::outbox::{Enqueued, NewSms, Priority};
use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{Duration, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

/// One message as a client sends it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SmsRequest {
    to: String,
    text: String,
    #[serde(default)]
    priority: Option<u8>,
    /// Seconds the message stays worth sending.
    #[serde(default)]
    validity: Option<u32>,
    #[serde(default)]
    client_ref: Option<String>,
    #[serde(default)]
    idempotency_key: Option<String>,
    #[serde(default)]
    callback_url: Option<String>,
    #[serde(default)]
    from: Option<String>,
}

/// A refusal the client can act on.
pub(super) struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.0, Json(json!({"error": self.1}))).into_response();
        match self.0 {
            StatusCode::UNAUTHORIZED => response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, "Bearer".parse().expect("static")),
            StatusCode::TOO_MANY_REQUESTS => response
                .headers_mut()
                .insert(header::RETRY_AFTER, "1".parse().expect("static")),
            _ => None,
        };
        response
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        let status = match e {
            AuthError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::UNAUTHORIZED,
        };
        ApiError(status, e.to_string())
    }
}

impl From<crate::registry::RegistryError> for ApiError {
    fn from(e: crate::registry::RegistryError) -> Self {
        tracing::error!(error = %e, "outbox write failed");
        ApiError(
            StatusCode::SERVICE_UNAVAILABLE,
            "the message store is unavailable; nothing was enqueued".into(),
        )
    }
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, msg.into())
}

/// `POST /v1/sms`: one message object, or an array of them.
pub(super) async fn send(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let value: Value =
        serde_json::from_slice(&body).map_err(|e| bad(format!("body is not JSON: {e}")))?;
    let (requests, batch) = match value {
        Value::Array(items) => (items, true),
        one => (vec![one], false),
    };
    if requests.is_empty() {
        return Err(bad("empty batch"));
    }
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok());
    let client = state.clients.admit(auth, requests.len() as u32)?;
    let header_key = headers
        .get("idempotency-key")
        .and_then(|h| h.to_str().ok())
        .filter(|_| !batch);
    let messages = requests
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            parse(v, &client.name, header_key, state.max_parts).map_err(|e| bad(at(batch, i, e)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let done = state.outbox.enqueue_batch(&messages).await?;
    metrics::counter!("dargah_sms_enqueued_total", "client" => client.name.clone())
        .increment(messages.len() as u64);
    let answers: Vec<Value> = done.iter().map(|e| answer(*e)).collect();
    let body = if batch {
        json!({"messages": answers})
    } else {
        answers.into_iter().next().unwrap_or_default()
    };
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}

fn at(batch: bool, i: usize, e: String) -> String {
    if batch {
        format!("message {i}: {e}")
    } else {
        e
    }
}

fn answer(e: Enqueued) -> Value {
    json!({"id": e.id(), "state": "queued", "duplicate": matches!(e, Enqueued::Duplicate(_))})
}

fn parse(
    v: Value,
    client: &str,
    header_key: Option<&str>,
    max_parts: usize,
) -> Result<NewSms, String> {
    let r: SmsRequest = serde_json::from_value(v).map_err(|e| e.to_string())?;
    let recipient = Msisdn::parse(&r.to).map_err(|e| format!("to: {e}"))?;
    if r.text.trim().is_empty() {
        return Err("text: must not be empty".into());
    }
    let parts = crate::sms::parts::count(&r.text);
    if parts > max_parts {
        return Err(format!(
            "text: needs {parts} parts, more than the {max_parts} allowed"
        ));
    }
    let priority = match r.priority {
        Some(p) => Priority::new(p).ok_or("priority: must be 0 (first) to 9 (last)")?,
        None => Priority::NORMAL,
    };
    if let Some(url) = &r.callback_url
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return Err("callback_url: must be an http:// or https:// URL".into());
    }
    check_len("client_ref", r.client_ref.as_deref(), 64)?;
    let idempotency_key = r.idempotency_key.or(header_key.map(str::to_owned));
    check_len("idempotency_key", idempotency_key.as_deref(), 128)?;
    Ok(NewSms {
        client: client.to_owned(),
        client_ref: r.client_ref,
        idempotency_key,
        recipient,
        sender: r.from,
        body: r.text,
        priority,
        valid_until: r
            .validity
            .map(|s| Utc::now() + Duration::seconds(i64::from(s))),
        callback_url: r.callback_url,
        dlr_mask: None,
    })
}

fn check_len(field: &str, value: Option<&str>, max: usize) -> Result<(), String> {
    match value {
        Some(v) if v.chars().count() > max => Err(format!("{field}: at most {max} characters")),
        _ => Ok(()),
    }
}

/// `GET /v1/sms/{id}`: a client sees only its own messages.
pub(super) async fn status(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok());
    let client = state.clients.admit(auth, 0)?;
    match state.outbox.sms(id).await? {
        Some(sms) if sms.client == client.name => Ok(Json(sms).into_response()),
        _ => Err(ApiError(
            StatusCode::NOT_FOUND,
            format!("no message {id} for client {}", client.name),
        )),
    }
}
