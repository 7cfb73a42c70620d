//! The HTTP surface: health, readiness and metrics now; USSD callbacks and the
//! SMS API mount here as they arrive.

mod health;
mod observe;

use crate::registry::SharedRegistry;
use crate::startup::DatabaseStatus;
use axum::{Router, routing::get};
use metrics_exporter_prometheus::PrometheusHandle;

/// What handlers share: cheap clones over `Arc`s.
#[derive(Clone)]
pub struct AppState {
    /// The registration database.
    pub registry: SharedRegistry,
    /// Whether the database has been reached and migrated.
    pub database: DatabaseStatus,
    /// Renders `/metrics`.
    pub metrics: PrometheusHandle,
}

impl AppState {
    /// Bundles the shared handles.
    pub fn new(registry: SharedRegistry, database: DatabaseStatus) -> Self {
        AppState {
            registry,
            database,
            metrics: crate::telemetry::metrics(),
        }
    }
}

/// Every route of the gateway.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .layer(axum::middleware::from_fn(observe::observe))
        .with_state(state)
}
