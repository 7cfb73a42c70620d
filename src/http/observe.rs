//! A span, a counter and a latency histogram for every HTTP request.

use axum::{extract::MatchedPath, extract::Request, middleware::Next, response::Response};
use std::time::Instant;
use tracing::Instrument;

/// Wraps a request in a span and records `dargah_http_requests_total` and
/// `dargah_http_request_duration_seconds` by route and status.
pub async fn observe(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let span = tracing::info_span!("http", method = %req.method(), route = %route);
    let start = Instant::now();
    let response = next.run(req).instrument(span).await;
    let status = response.status().as_u16().to_string();
    let labels = [("route", route), ("status", status)];
    metrics::counter!("dargah_http_requests_total", &labels).increment(1);
    metrics::histogram!("dargah_http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    response
}
