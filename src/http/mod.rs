//! The HTTP surface: health, readiness, metrics and the SMS API; USSD
//! callbacks mount here too.

mod health;
mod observe;
pub mod outbound;
pub mod serve;
pub mod tls;

use crate::config::HttpSettings;
use crate::registry::{Database, SharedRegistry};
use crate::sms::api::ApiState;
use crate::startup::DatabaseStatus;
use crate::ussd::UssdService;
use axum::http::StatusCode;
use axum::{Router, routing::get};
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// What handlers share: cheap clones over `Arc`s.
#[derive(Clone)]
pub struct AppState {
    /// The registration database.
    pub registry: SharedRegistry,
    /// Whether the database has been reached and migrated.
    pub database: DatabaseStatus,
    /// Renders `/metrics`.
    pub metrics: PrometheusHandle,
    /// The SMS API's own state.
    pub api: ApiState,
    /// The USSD engine, when menus are configured.
    pub ussd: Option<UssdService>,
}

impl AppState {
    /// Bundles the shared handles.
    pub fn new(
        db: Database,
        database: DatabaseStatus,
        api: ApiState,
        ussd: Option<UssdService>,
    ) -> Self {
        AppState {
            registry: db.registry,
            database,
            metrics: crate::telemetry::metrics(),
            api,
            ussd,
        }
    }
}

/// Every route of the gateway, with the limits of `[http]`: bodies above
/// `max_body_bytes` get 413, requests slower than `request_timeout` get 408.
pub fn router(state: AppState, http: &HttpSettings) -> Router {
    let api = crate::sms::api::router(state.api.clone());
    let ussd = state
        .ussd
        .clone()
        .map(crate::ussd::transport::http::router)
        .unwrap_or_default();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .with_state(state)
        .merge(api)
        .merge(ussd)
        .layer(RequestBodyLimitLayer::new(http.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            http.request_timeout,
        ))
        .layer(axum::middleware::from_fn(observe::observe))
}
