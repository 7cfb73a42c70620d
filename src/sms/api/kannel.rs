//! Kannel's `/cgi-bin/sendsms`, so that a web application written for Kannel
//! switches to dargah unchanged: the same parameters, status codes and reply
//! texts as Kannel 1.4.5's smsbox.
//!
//! GET takes the query string; POST takes a form body, or Kannel's own form (the
//! text as the body, the other parameters as `X-Kannel-Name` headers). Text
//! arrives as bytes in `charset` (UTF-8 by default, UTF-16BE with `coding=2`).

use super::ApiState;
use crate::domain::Msisdn;
use crate::sms::outbox::{NewSms, Priority};
use axum::{
    body::Bytes,
    extract::{RawQuery, State},
    http::{HeaderMap, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{Duration, Utc};
use std::collections::HashMap;

/// Parameters by name, values as raw bytes.
type Params = HashMap<String, Vec<u8>>;

/// A Kannel answer: a status and one of smsbox's texts.
struct Answer(StatusCode, String);

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        (self.0, [(header::CONTENT_TYPE, "text/html")], self.1).into_response()
    }
}

fn rejected(text: &str) -> Answer {
    Answer(StatusCode::BAD_REQUEST, text.to_owned())
}

/// `GET` or `POST /cgi-bin/sendsms`.
pub(super) async fn sendsms(
    State(state): State<ApiState>,
    method: Method,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = match params(&method, query.as_deref(), &headers, &body) {
        Ok(p) => p,
        Err(answer) => return answer.into_response(),
    };
    match accept(&state, &params).await {
        Ok(answer) | Err(answer) => answer.into_response(),
    }
}

fn params(
    method: &Method,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Params, Answer> {
    if method == Method::GET {
        return Ok(parse_form(query.unwrap_or("").as_bytes()));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "application/x-www-form-urlencoded" => Ok(parse_form(body)),
        "text/plain" => Ok(kannel_headers(headers, content_type, body)),
        _ => Err(rejected("Invalid content-type")),
    }
}

/// `a=b&c=d` with `+` and `%xx` decoded to raw bytes (the charset is applied later).
fn parse_form(raw: &[u8]) -> Params {
    raw.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut kv = pair.splitn(2, |&b| b == b'=');
            let (k, v) = (kv.next().unwrap_or_default(), kv.next().unwrap_or_default());
            (String::from_utf8_lossy(&decode(k)).into_owned(), decode(v))
        })
        .collect()
}

fn decode(raw: &[u8]) -> Vec<u8> {
    let spaced: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_encoding::percent_decode(&spaced).collect()
}

fn kannel_headers(headers: &HeaderMap, content_type: &str, body: &[u8]) -> Params {
    let mut p: Params = headers
        .iter()
        .filter_map(|(name, v)| {
            Some((
                name.as_str().strip_prefix("x-kannel-")?.to_owned(),
                v.as_bytes().to_vec(),
            ))
        })
        .collect();
    if let Some(charset) = content_type
        .split(';')
        .find_map(|s| s.trim().strip_prefix("charset="))
    {
        p.insert(
            "charset".into(),
            charset.trim_matches('"').as_bytes().to_vec(),
        );
    }
    p.insert("text".into(), body.to_vec());
    p
}

fn text_param(p: &Params, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| p.get(*n))
        .map(|v| String::from_utf8_lossy(v).trim().to_owned())
}

fn int_param(p: &Params, names: &[&str], misformed: &str) -> Result<Option<i64>, Answer> {
    match text_param(p, names).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| rejected(misformed)),
    }
}

async fn accept(state: &ApiState, p: &Params) -> Result<Answer, Answer> {
    let (user, pass) = (
        text_param(p, &["username", "user"]),
        text_param(p, &["password", "pass"]),
    );
    let authorised = match (&user, &pass) {
        (Some(u), Some(k)) => state.clients.authenticate(k).ok().filter(|c| &c.name == u),
        _ => None,
    };
    let Some(client) = authorised else {
        tracing::warn!(username = ?user, "sendsms authorization failed");
        return Err(Answer(
            StatusCode::FORBIDDEN,
            "Authorization failed for sendsms".into(),
        ));
    };
    let recipients = recipients(p)?;
    let text = text(p)?;
    let nul = |n: &&str| p.get(*n).is_some_and(|v| v.contains(&0));
    if ["from", "dlr-url", "dlrurl"].iter().any(nul) {
        return Err(rejected("Charset or body misformed, rejected"));
    }
    if text.trim().is_empty() {
        return Err(rejected("Empty text not allowed, rejected."));
    }
    if crate::sms::parts::count(&text) > state.max_parts {
        return Err(rejected("Charset or body misformed, rejected"));
    }
    let dlr_mask = int_param(
        p,
        &["dlr-mask", "dlrmask"],
        "DLR-Mask field misformed, rejected",
    )?;
    let dlr_mask = dlr_mask
        .map(u8::try_from)
        .transpose()
        .map_err(|_| rejected("DLR-Mask field misformed, rejected"))?;
    let validity = int_param(p, &["validity"], "Validity field misformed, rejected")?;
    if validity.is_some_and(|m| !(1..=60 * 24 * 30).contains(&m)) {
        return Err(rejected("Validity field misformed, rejected"));
    }
    if let Err(e) = client.take(recipients.len() as u32) {
        tracing::info!(error = %e, "sendsms over the client's rate");
        return Err(Answer(
            StatusCode::SERVICE_UNAVAILABLE,
            "Temporal failure, try again later.".into(),
        ));
    }
    let messages: Vec<NewSms> = recipients
        .into_iter()
        .map(|to| NewSms {
            client: client.name.clone(),
            client_ref: None,
            idempotency_key: None,
            recipient: to,
            sender: text_param(p, &["from"]).filter(|s| !s.is_empty()),
            body: text.clone(),
            priority: Priority::NORMAL,
            valid_until: validity.map(|m| Utc::now() + Duration::minutes(m)),
            callback_url: text_param(p, &["dlr-url", "dlrurl"]).filter(|s| !s.is_empty()),
            // Kannel sends no report without a mask; 0 (not NULL, which
            // means a JSON client's "every final state") keeps it so.
            dlr_mask: dlr_mask.or(Some(0)),
        })
        .collect();
    match state.outbox.enqueue_batch(&messages).await {
        Ok(done) => {
            let ids: String = done
                .iter()
                .map(|e| format!("\nMessage-ID: {}", e.id()))
                .collect();
            Ok(Answer(
                StatusCode::ACCEPTED,
                format!("0: Accepted for delivery{ids}"),
            ))
        }
        Err(e) => {
            tracing::error!(error = %e, "sendsms: message not stored, so not accepted");
            Err(Answer(
                StatusCode::SERVICE_UNAVAILABLE,
                "Temporal failure, try again later.".into(),
            ))
        }
    }
}

/// Every distinct valid number in `to` (space-separated, as Kannel takes
/// them). Like Kannel, a number that is not valid is dropped; if none is left
/// the request is refused.
fn recipients(p: &Params) -> Result<Vec<Msisdn>, Answer> {
    let to = text_param(p, &["to"]).ok_or_else(|| rejected("Missing receiver number, rejected"))?;
    if to.is_empty() {
        return Err(rejected("Empty receiver number not allowed, rejected"));
    }
    let mut valid: Vec<Msisdn> = Vec::new();
    for n in to.split_whitespace() {
        match Msisdn::parse(n) {
            Ok(m) if !valid.contains(&m) => valid.push(m),
            Ok(_) => {}
            Err(_) => metrics::counter!("dargah_kannel_dropped_recipients_total").increment(1),
        }
    }
    if valid.is_empty() {
        return Err(rejected(
            "Number(s) has/have been denied by white- and/or black-lists.",
        ));
    }
    Ok(valid)
}

/// The text decoded from its charset; `coding` 0 (GSM) and 2 (UCS-2) are
/// both text to us (the dispatcher picks the encoding), 1 (8-bit data) is not taken.
fn text(p: &Params) -> Result<String, Answer> {
    let coding = int_param(p, &["coding"], "Coding field misformed, rejected")?;
    if !matches!(coding, None | Some(0) | Some(2)) {
        return Err(rejected("Coding field misformed, rejected"));
    }
    let default = if coding == Some(2) {
        "UTF-16BE"
    } else {
        "UTF-8"
    };
    let charset = text_param(p, &["charset"])
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| default.into());
    let encoding = encoding_rs::Encoding::for_label(charset.as_bytes())
        .ok_or_else(|| rejected("Charset or body misformed, rejected"))?;
    let raw = p.get("text").map(Vec::as_slice).unwrap_or_default();
    let (text, had_errors) = encoding.decode_without_bom_handling(raw);
    // Neither database stores a NUL in text; found by schemathesis on the JSON API.
    if had_errors || text.contains('\0') {
        return Err(rejected("Charset or body misformed, rejected"));
    }
    Ok(text.into_owned())
}
