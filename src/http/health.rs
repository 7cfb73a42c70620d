//! `/healthz` (the process answers), `/readyz` (the database is reachable and
//! migrated) and `/metrics` (Prometheus text).

use super::AppState;
use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde_json::json;
use std::time::Duration;

/// How long readiness waits for the database before calling it unreachable.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// Alive: no dependency is checked, so an orchestrator never kills a gateway
/// for a database outage it cannot fix by restarting.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready to serve: migrations applied and the database answering now.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if !state.database.migrated() {
        let (attempts, error) = state.database.failures();
        let body = json!({"status": "starting", "database": "connecting", "attempts": attempts, "last_error": error});
        return (StatusCode::SERVICE_UNAVAILABLE, Json(body));
    }
    match tokio::time::timeout(READY_TIMEOUT, state.registry.ready()).await {
        Ok(Ok(true)) => (
            StatusCode::OK,
            Json(json!({"status": "ready", "database": "ok"})),
        ),
        Ok(Ok(false)) => unavailable("migrations pending".into()),
        Ok(Err(e)) => unavailable(e.to_string()),
        Err(_) => unavailable(format!("no answer within {READY_TIMEOUT:?}")),
    }
}

fn unavailable(reason: String) -> (StatusCode, Json<serde_json::Value>) {
    tracing::warn!(%reason, "readiness check failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({"status": "unavailable", "database": reason})),
    )
}

/// The Prometheus exposition.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [("content-type", "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
