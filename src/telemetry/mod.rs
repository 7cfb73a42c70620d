//! Logs and metrics: a tracing subscriber (pretty on a terminal, JSON for
//! collectors) and the Prometheus recorder behind `/metrics`.

mod handles;
mod json;
mod span_fields;
mod stamp;

pub use handles::Handles;

use crate::config::{LogFormat, LogSettings};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Installs the global tracing subscriber. `RUST_LOG` overrides `log.level`.
/// A second call (tests start many apps in one process) leaves the first in place.
pub fn init_logging(settings: &LogSettings) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.level));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match settings.format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    // The stock JSON format with the current span, written
                    // directly: see `json` and `span_fields`.
                    .fmt_fields(span_fields::SpanFields)
                    .event_format(json::JsonLine::new(stamp::Stamp)),
            )
            .try_init(),
        LogFormat::Pretty => registry.with(fmt::layer().with_target(true)).try_init(),
    };
    // Already installed is fine: the first subscriber wins for the whole process.
    let _ = result;
}

/// Latency buckets in seconds: USSD replies must come back in well under a second.
const LATENCY_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// How often histogram samples are folded into their buckets.
const UPKEEP: std::time::Duration = std::time::Duration::from_secs(5);

/// `build_recorder` leaves upkeep to its caller: histogram samples pile up
/// until they are drained, which otherwise happens only when `/metrics` is
/// scraped. A gateway nobody scrapes would grow by every hop's and every
/// message's samples. A plain thread, so it runs whatever runtime (or none)
/// first asked for the recorder.
fn spawn_upkeep(handle: PrometheusHandle) {
    let spawned = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP);
                handle.run_upkeep();
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no metrics upkeep thread; histograms drain only when scraped");
    }
}

/// The process-wide Prometheus recorder, installed on first use.
///
/// The metrics facade has one global recorder per process, so every
/// application built in the process (tests build many) shares this handle.
pub fn metrics() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            // Histograms with buckets (not summaries) so that several gateway
            // nodes can be aggregated by Prometheus.
            let recorder = PrometheusBuilder::new()
                .set_buckets(&LATENCY_BUCKETS)
                .expect("the bucket list is not empty")
                .build_recorder();
            let handle = recorder.handle();
            // Only fails if another recorder was installed first, which this
            // crate never does; the handle still renders what it records.
            let _ = metrics::set_global_recorder(recorder);
            spawn_upkeep(handle.clone());
            handle
        })
        .clone()
}
