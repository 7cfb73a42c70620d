//! The HTTP API the web side uses to send SMS: `POST /v1/sms` (one or a
//! batch, idempotent), `GET /v1/sms/{id}`, and one-time codes
//! (`POST /v1/otp`, `POST /v1/otp/verify`), behind per-client API keys.

mod auth;
mod json;
mod kannel;
pub mod openapi;
mod otp;
pub mod schema;
mod settings;

pub use auth::{AuthError, Clients};
pub use settings::{ApiClientSettings, ApiSettings};

use crate::sms::otp::{OtpPolicy, SharedOtpStore};
use crate::sms::outbox::SharedOutbox;
use axum::{Router, extract::DefaultBodyLimit, routing::get};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use secrecy::SecretString;
use std::num::NonZeroU32;
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Request bodies above this are refused before parsing (a batch of a few
/// thousand messages fits).
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// What the API handlers share.
#[derive(Clone)]
pub struct ApiState {
    /// Where messages go.
    pub outbox: SharedOutbox,
    /// Who may call.
    pub clients: Clients,
    /// The most parts one message may have.
    pub max_parts: usize,
    /// One-time codes.
    pub otp: Arc<OtpState>,
}

/// What the one-time-code endpoints need.
pub struct OtpState {
    /// Where codes are kept.
    pub store: SharedOtpStore,
    /// Lengths, lifetimes, limits, text.
    pub policy: OtpPolicy,
    /// The key codes are hashed with.
    pub key: SecretString,
    /// Codes per number per hour, whatever the purpose.
    pub per_msisdn: DefaultKeyedRateLimiter<String>,
}

impl OtpState {
    /// Builds the state; without a configured secret a random one is made
    /// (and a warning says codes will not survive a restart).
    pub fn new(store: SharedOtpStore, policy: OtpPolicy, per_msisdn_per_hour: u32) -> Self {
        let key = policy.secret.clone().unwrap_or_else(|| {
            tracing::warn!("otp.secret is not set: using a random key; codes will not verify after a restart or on other nodes");
            SecretString::from(crate::sms::otp::new_code(32))
        });
        let rate = NonZeroU32::new(per_msisdn_per_hour).unwrap_or(NonZeroU32::MIN);
        OtpState {
            store,
            policy,
            key,
            per_msisdn: RateLimiter::keyed(Quota::per_hour(rate)),
        }
    }
}

/// The JSON routes and their OpenAPI document, built together.
pub fn json_routes(state: ApiState) -> (Router, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(json::send))
        .routes(routes!(json::status))
        .routes(routes!(otp::issue))
        .routes(routes!(otp::verify))
        .with_state(state)
        .split_for_parts()
}

/// The routes of the SMS API, `/openapi.json` included.
pub fn router(state: ApiState) -> Router {
    let (json, doc) = json_routes(state.clone());
    let kannel = Router::new()
        .route(
            "/cgi-bin/sendsms",
            get(kannel::sendsms).post(kannel::sendsms),
        )
        .with_state(state);
    json.merge(kannel)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .merge(openapi::route(&doc))
}
