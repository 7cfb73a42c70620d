//! The JSON handlers: parse and check everything first, then enqueue all in
//! one transaction, so a bad message in a batch enqueues nothing.

use super::schema::{Accepted, BatchAccepted, ErrorBody, SendAnswer};
use super::{ApiState, AuthError};
use crate::domain::Msisdn;
use crate::sms::outbox::{NewSms, Priority};
use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{Duration, Utc};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

/// The longest validity a client may ask for: 30 days.
const MAX_VALIDITY: u32 = 30 * 24 * 3600;

/// One message as a client sends it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SmsRequest {
    /// The recipient: `09121234567`, `9121234567`, `989121234567`, `+98…` or `0098…` (Persian digits too).
    #[schema(pattern = r"^(\+98|0098|98|0)?9[0-9]{9}$", example = "09121234567")]
    to: String,
    /// The text; at most `sms.max_parts` SMS parts (67 UCS-2 or 153 GSM-7 characters each).
    #[schema(
        min_length = 1,
        pattern = r"^[^\x00]*[^\x00\s][^\x00]*$",
        example = "سلام"
    )]
    text: String,
    /// 0 is sent first (one-time codes), 9 last; 5 when absent.
    #[serde(default, deserialize_with = "whole")]
    #[schema(minimum = 0, maximum = 9)]
    priority: Option<u8>,
    /// Seconds the message stays worth sending (at most 30 days); it expires instead after that.
    #[serde(default, deserialize_with = "whole")]
    #[schema(minimum = 1, maximum = 2592000)]
    validity: Option<u32>,
    /// Your own reference, returned with the status (≤ 64 characters).
    #[serde(default)]
    #[schema(max_length = 64, pattern = r"^[^\x00]*$")]
    client_ref: Option<String>,
    /// Repeating a message with the same key returns the first one (≤ 128 characters).
    #[serde(default)]
    #[schema(max_length = 128, pattern = r"^[^\x00]*$")]
    idempotency_key: Option<String>,
    /// An `http://` or `https://` URL called with delivery status changes.
    #[serde(default)]
    #[schema(pattern = r"^https?://[^\x00]*$")]
    callback_url: Option<String>,
    /// Source address, when not the carrier's default.
    #[serde(default)]
    #[schema(pattern = r"^[^\x00]*$")]
    from: Option<String>,
}

/// An optional whole number that JSON may write as `5` or `5.0` (JSON Schema
/// counts both as integers; serde's integer types refuse the second).
fn whole<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<u64>,
{
    use serde::de::Error;
    let Some(n) = Option::<serde_json::Number>::deserialize(d)? else {
        return Ok(None);
    };
    let int = n.as_u64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(f))
            .map(|f| f as u64)
    });
    int.and_then(|i| T::try_from(i).ok())
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("{n} is not a whole number in range")))
}

/// `POST /v1/sms` takes one message or an array of them (all or none are enqueued).
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // described only: the handler parses items one by one to name the failing index
pub(super) enum SendBody {
    /// A batch (an empty one enqueues nothing and answers an empty list).
    Batch(Vec<SmsRequest>),
    /// One message.
    One(SmsRequest),
}

/// A refusal the client can act on: a status, a reason, and for 429 when to retry.
pub(super) struct ApiError(StatusCode, String, Option<i64>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let ApiError(status, error, retry) = self;
        let body = ErrorBody {
            error,
            retry_after: retry,
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
#[utoipa::path(post, path = "/v1/sms", tag = "sms",
    request_body = SendBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Idempotency key of a single message (the body's `idempotency_key` wins)")),
    responses(
        (status = 202, description = "Enqueued: `Accepted` for one message, `BatchAccepted` for an array", body = SendAnswer),
        (status = 400, description = "Invalid JSON, number, text, priority…; nothing enqueued", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 429, description = "Over the client's `max_tps`", body = ErrorBody,
            headers(("Retry-After" = i64, description = "Seconds to wait"))),
        (status = 503, description = "The message store is unavailable; nothing enqueued", body = ErrorBody),
    ),
    security(("bearer" = [])))]
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
    let mut answers: Vec<Accepted> = done.into_iter().map(Accepted::from).collect();
    let body = match (batch, answers.pop()) {
        (false, Some(one)) => SendAnswer::One(one),
        (_, last) => {
            answers.extend(last);
            SendAnswer::Batch(BatchAccepted { messages: answers })
        }
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

fn parse(
    v: Value,
    client: &str,
    header_key: Option<&str>,
    max_parts: usize,
) -> Result<NewSms, String> {
    let r: SmsRequest = serde_json::from_value(v).map_err(|e| e.to_string())?;
    let recipient = Msisdn::parse(&r.to).map_err(|e| format!("to: {e}"))?;
    // Neither database stores a NUL character in text (SQLite cuts there).
    let texts = [
        ("text", Some(&r.text)),
        ("client_ref", r.client_ref.as_ref()),
        ("idempotency_key", r.idempotency_key.as_ref()),
        ("callback_url", r.callback_url.as_ref()),
        ("from", r.from.as_ref()),
    ];
    if let Some((field, _)) = texts
        .iter()
        .find(|(_, v)| v.is_some_and(|v| v.contains('\0')))
    {
        return Err(format!("{field}: must not contain NUL characters"));
    }
    if r.text.trim().is_empty() {
        return Err("text: must not be empty".into());
    }
    let parts = crate::sms::parts::count(&r.text);
    if parts > max_parts {
        return Err(format!(
            "text: needs {parts} parts, more than the {max_parts} allowed"
        ));
    }
    if r.validity.is_some_and(|v| !(1..=MAX_VALIDITY).contains(&v)) {
        return Err(format!("validity: 1 to {MAX_VALIDITY} seconds"));
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
#[utoipa::path(get, path = "/v1/sms/{id}", tag = "sms",
    params(("id" = i64, Path, description = "The key `POST /v1/sms` answered with")),
    responses(
        (status = 200, description = "The message as stored", body = crate::sms::outbox::Sms),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 404, description = "No such message for this client", body = ErrorBody),
        (status = 429, description = "Over the client's `max_tps`", body = ErrorBody,
            headers(("Retry-After" = i64, description = "Seconds to wait"))),
        (status = 503, description = "The message store is unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(super) async fn status(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let auth = bearer(&headers);
    let client = state.clients.admit(auth, 0)?;
    // Parsed here rather than by `Path<i64>`, so a bad id gets the JSON error body.
    let id: i64 = id
        .parse()
        .map_err(|_| bad(format!("id: {id:?} is not a message number")))?;
    match state.outbox.sms(id).await? {
        Some(sms) if sms.client == client.name => Ok(Json(sms).into_response()),
        _ => Err(ApiError(
            StatusCode::NOT_FOUND,
            format!("no message {id} for client {}", client.name),
            None,
        )),
    }
}
