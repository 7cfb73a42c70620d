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

/// A refusal the client can act on: a status, a reason, and for 429 when to retry.
pub(super) struct ApiError(StatusCode, String, Option<i64>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let ApiError(status, error, retry) = self;
        let body = match retry {
            Some(s) => json!({"error": error, "retry_after": s}),
            None => json!({"error": error}),
        };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        if let Some(s) = retry {
            headers.insert(header::RETRY_AFTER, header::HeaderValue::from(s.max(1)));
        }
        response
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::RateLimited(_) => {
                ApiError(StatusCode::TOO_MANY_REQUESTS, e.to_string(), Some(1))
            }
            _ => ApiError(StatusCode::UNAUTHORIZED, e.to_string(), None),
        }
    }
}

impl From<crate::registry::RegistryError> for ApiError {
    fn from(e: crate::registry::RegistryError) -> Self {
        tracing::error!(error = %e, "outbox write failed");
        ApiError(
            StatusCode::SERVICE_UNAVAILABLE,
            "the message store is unavailable; nothing was enqueued".into(),
            None,
        )
    }
}

pub(super) fn bad(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, msg.into(), None)
}

impl ApiError {
    /// 429 with a `Retry-After` of `seconds`.
    pub(super) fn too_many(msg: String, seconds: i64) -> ApiError {
        ApiError(StatusCode::TOO_MANY_REQUESTS, msg, Some(seconds))
    }
}

/// The `Authorization` header, if readable.
pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
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
    let auth = bearer(&headers);
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
    let auth = bearer(&headers);
    let client = state.clients.admit(auth, 0)?;
    match state.outbox.sms(id).await? {
        Some(sms) if sms.client == client.name => Ok(Json(sms).into_response()),
        _ => Err(ApiError(
            StatusCode::NOT_FOUND,
            format!("no message {id} for client {}", client.name),
            None,
        )),
    }
}
