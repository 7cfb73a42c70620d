//! `POST /v1/otp` sends a one-time code by SMS; `POST /v1/otp/verify` checks it.

use super::ApiState;
use super::json::{ApiError, bad, bearer};
use super::schema::{ErrorBody, OtpSent, OtpVerdict};
use crate::domain::{Msisdn, digits};
use crate::sms::otp::{Issued, NewOtp, Verdict, code_hash, new_code};
use crate::sms::outbox::{NewSms, Priority};
use axum::{
    Json, extract::State, http::HeaderMap, http::StatusCode, response::IntoResponse,
    response::Response,
};
use chrono::Utc;
use serde::Deserialize;
use utoipa::ToSchema;

/// Ask for a code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct OtpRequest {
    /// The mobile, in any form `POST /v1/sms` accepts.
    #[schema(pattern = r"^(\+98|0098|98|0)?9[0-9]{9}$", example = "09121234567")]
    msisdn: String,
    /// What the code is for: 1 to 32 of `a-z`, `0-9`, `-`, `_` (e.g. `login`).
    #[schema(pattern = "^[a-z0-9_-]{1,32}$", example = "login")]
    purpose: String,
}

/// Check a code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct VerifyRequest {
    /// The mobile the code was sent to.
    #[schema(pattern = r"^(\+98|0098|98|0)?9[0-9]{9}$", example = "09121234567")]
    msisdn: String,
    /// The purpose it was asked for.
    #[schema(pattern = "^[a-z0-9_-]{1,32}$", example = "login")]
    purpose: String,
    /// The code as typed (Persian digits are accepted too).
    #[schema(pattern = "^[0-9]+$", example = "123456")]
    code: String,
}

fn checked(msisdn: &str, purpose: &str) -> Result<Msisdn, ApiError> {
    let m = Msisdn::parse(msisdn).map_err(|e| bad(format!("msisdn: {e}")))?;
    let ok = (1..=32).contains(&purpose.len())
        && purpose
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !ok {
        return Err(bad("purpose: 1 to 32 of a-z, 0-9, - and _"));
    }
    Ok(m)
}

/// Issues a code: 202, or 429 with the seconds to wait before a new one.
#[utoipa::path(post, path = "/v1/otp", tag = "otp",
    request_body = OtpRequest,
    responses(
        (status = 202, description = "The code is on its way (urgent priority)", body = OtpSent),
        (status = 400, description = "Invalid JSON, number or purpose", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 429, description = "Too soon for a new code, or over a rate limit", body = ErrorBody,
            headers(("Retry-After" = i64, description = "Seconds to wait"))),
        (status = 503, description = "The code store is unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(super) async fn issue(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    // The key first: a caller without one learns nothing about the body.
    let client = state.clients.admit(bearer(&headers), 1)?;
    let r: OtpRequest = serde_json::from_slice(&body).map_err(|e| bad(e.to_string()))?;
    let msisdn = checked(&r.msisdn, &r.purpose)?;
    let otp = &state.otp;
    if otp
        .per_msisdn
        .check_key(&msisdn.as_str().to_owned())
        .is_err()
    {
        return Err(ApiError::too_many(
            format!("too many codes for {}; try later", msisdn.local()),
            3600,
        ));
    }
    let code = new_code(otp.policy.digits);
    let now = Utc::now();
    let ttl = chrono::Duration::from_std(otp.policy.ttl).unwrap_or(chrono::Duration::minutes(5));
    let text = otp
        .policy
        .template
        .replace("{code}", &digits::to_persian_digits(&code));
    let new = NewOtp {
        client: client.name.clone(),
        msisdn: msisdn.clone(),
        purpose: r.purpose.clone(),
        code_hash: code_hash(&otp.key, msisdn.as_str(), &r.purpose, &code),
        expires_at: now + ttl,
    };
    let sms = NewSms {
        client: client.name.clone(),
        client_ref: Some(format!("otp:{}", r.purpose)),
        idempotency_key: None,
        recipient: msisdn,
        sender: None,
        body: text,
        priority: Priority::URGENT,
        valid_until: Some(now + ttl),
        callback_url: None,
        dlr_mask: None,
    };
    let resend = chrono::Duration::from_std(otp.policy.resend_after)
        .unwrap_or(chrono::Duration::seconds(120));
    match otp.store.issue(&new, &sms, resend, now).await? {
        Issued::Sent(id, sms_id) => {
            metrics::counter!("dargah_otp_issued_total", "client" => client.name.clone())
                .increment(1);
            let body = OtpSent {
                id,
                sms_id,
                expires_in: ttl.num_seconds(),
                resend_after: resend.num_seconds(),
            };
            Ok((StatusCode::ACCEPTED, Json(body)).into_response())
        }
        Issued::TooSoon(wait) => Err(ApiError::too_many(
            format!("a new code can be sent in {wait} seconds"),
            wait,
        )),
    }
}

/// Checks a code: 200 with `valid` and, when false, the reason.
#[utoipa::path(post, path = "/v1/otp/verify", tag = "otp",
    request_body = VerifyRequest,
    responses(
        (status = 200, description = "Checked; a right code is used up", body = OtpVerdict),
        (status = 400, description = "Invalid JSON, number or purpose", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 429, description = "Over the client's rate limit", body = ErrorBody,
            headers(("Retry-After" = i64, description = "Seconds to wait"))),
        (status = 503, description = "The code store is unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(super) async fn verify(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    state.clients.admit(bearer(&headers), 1)?;
    let r: VerifyRequest = serde_json::from_slice(&body).map_err(|e| bad(e.to_string()))?;
    let msisdn = checked(&r.msisdn, &r.purpose)?;
    let code = digits::digits_only(&r.code)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| bad("code: digits only"))?;
    let otp = &state.otp;
    let hash = code_hash(&otp.key, msisdn.as_str(), &r.purpose, &code);
    let verdict = otp
        .store
        .verify(
            &msisdn,
            &r.purpose,
            &hash,
            otp.policy.max_attempts,
            Utc::now(),
        )
        .await?;
    let label: &'static str = match verdict {
        Verdict::Valid => "valid",
        Verdict::Wrong => "wrong",
        Verdict::Expired => "expired",
        Verdict::TooManyAttempts => "too_many_attempts",
        Verdict::NotFound => "not_found",
    };
    metrics::counter!("dargah_otp_verified_total", "outcome" => label).increment(1);
    let body = match verdict {
        Verdict::Valid => OtpVerdict {
            valid: true,
            reason: None,
        },
        _ => OtpVerdict {
            valid: false,
            reason: Some(verdict),
        },
    };
    Ok(Json(body).into_response())
}
