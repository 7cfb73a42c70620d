//! A span, a counter and a latency histogram for every HTTP request.

use crate::telemetry::Handles;
use axum::{extract::MatchedPath, extract::Request, middleware::Next, response::Response};
use metrics::{Counter, Histogram};
use std::sync::LazyLock;
use std::time::Instant;
use tracing::Instrument;

/// The handles by route and status (see [`Handles`] for why they are kept).
/// One set per process, like the recorder they come from.
static HANDLES: LazyLock<Handles<(Counter, Histogram)>> = LazyLock::new(Handles::default);

/// Wraps a request in a span and records `dargah_http_requests_total` and
/// `dargah_http_request_duration_seconds` by route and status.
pub async fn observe(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().cloned();
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    let span = tracing::info_span!("http", method = %req.method(), route = %route);
    let start = Instant::now();
    let response = next.run(req).instrument(span).await;
    let status = response.status();
    let (requests, duration) = HANDLES.get(&[route, status.as_str()], || {
        let labels = [
            ("route", route.to_owned()),
            ("status", status.as_str().to_owned()),
        ];
        (
            metrics::counter!("dargah_http_requests_total", &labels),
            metrics::histogram!("dargah_http_request_duration_seconds", &labels),
        )
    });
    requests.increment(1);
    duration.record(start.elapsed().as_secs_f64());
    response
}
