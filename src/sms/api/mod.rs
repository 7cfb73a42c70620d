//! The HTTP API the web side uses to send SMS: `POST /v1/sms` (one or a
//! batch, idempotent) and `GET /v1/sms/{id}`, behind per-client API keys.

mod auth;
mod json;
mod settings;

pub use auth::{AuthError, Clients};
pub use settings::{ApiClientSettings, ApiSettings};

use crate::sms::outbox::SharedOutbox;
use axum::{Router, extract::DefaultBodyLimit, routing::get, routing::post};

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
}

/// The routes of the SMS API.
pub fn router(state: ApiState) -> Router {
    Router::new()
        .route("/v1/sms", post(json::send))
        .route("/v1/sms/{id}", get(json::status))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}
