//! Registry lookups with a million citizens: the reads the USSD status
//! journey makes when a citizen types a national ID and serial (the identity
//! check, then the latest request of that national ID), timed one at a time
//! on random generated citizens; p50/p99 per backend. SQLite always;
//! PostgreSQL too when `DARGAH_BENCH_DATABASE_URL` (or
//! `DARGAH_TEST_DATABASE_URL`) names a server (a fresh database is made).
//!
//! `cargo bench --bench registry_lookup` (`DARGAH_BENCH_CITIZENS`, default
//! 1,000,000, loaded with `demo::generate`; `DARGAH_BENCH_LOOKUPS`, default
//! 20,000; at most 60 s of lookups per backend, the line says how many ran).
//! Prints one JSON line per backend.

use dargah::config::{DatabaseUrl, Settings};
use dargah::domain::{IdSerial, NationalId};
use dargah::registry::demo;
use std::time::{Duration, Instant};
#[path = "support/mod.rs"]
mod support;
use support::fresh_postgres;

/// How long the lookups of one backend may take in all.
const LOOKUP_BUDGET: Duration = Duration::from_secs(60);

fn main() {
    // `cargo nextest` and `cargo test --benches` list targets with --list: nothing here.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let citizens = env("DARGAH_BENCH_CITIZENS", 1_000_000);
    let lookups = env("DARGAH_BENCH_LOOKUPS", 20_000);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let sqlite = format!("sqlite://{}", dir.path().join("registry.db").display());
        run("sqlite", &sqlite, citizens, lookups).await;
        let server = std::env::var("DARGAH_BENCH_DATABASE_URL")
            .or_else(|_| std::env::var("DARGAH_TEST_DATABASE_URL"));
        if let Ok(server) = server {
            run(
                "postgres",
                &fresh_postgres(&server, "dargah_bench_registry").await,
                citizens,
                lookups,
            )
            .await;
        }
    });
}

async fn run(backend: &str, url: &str, citizens: u64, lookups: u64) {
    let mut s = Settings::default();
    s.database.url = DatabaseUrl::parse(url).expect("url");
    s.database.acquire_timeout = Duration::from_secs(60);
    let db = dargah::registry::connect_lazy(&s.database).expect("db");
    let registry = db.registry;
    registry.migrate().await.expect("migrate");
    let load = demo::generate(registry.as_ref(), citizens, 6090)
        .await
        .expect("generate");
    let sample = sample(url, lookups).await;
    // Warm the pool and the caches the way a running server has them.
    for (id, _) in sample.iter().take(1000) {
        registry.request_by_national_id(id).await.expect("warm");
    }
    let (mut identity, mut request) = (Vec::new(), Vec::new());
    let now = chrono::Utc::now();
    // Bounded in time: a slow plan must not make the suite run for hours.
    let deadline = Instant::now() + LOOKUP_BUDGET;
    for (id, serial) in &sample {
        if Instant::now() > deadline {
            break;
        }
        let t = Instant::now();
        registry
            .verify_identity(id, serial, now)
            .await
            .expect("verify");
        identity.push(t.elapsed());
        let t = Instant::now();
        let found = registry.request_by_national_id(id).await.expect("request");
        request.push(t.elapsed());
        assert!(found.is_some(), "every generated citizen has a request");
    }
    let mut both: Vec<Duration> = identity
        .iter()
        .zip(&request)
        .map(|(a, b)| *a + *b)
        .collect();
    println!(
        "{{\"backend\":\"{backend}\",\"citizens\":{citizens},\"generate_s\":{:.1},\"lookups\":{},{},{},{}}}",
        load.as_secs_f64(),
        identity.len(),
        percentiles("verify_identity", &mut identity),
        percentiles("request_by_national_id", &mut request),
        percentiles("both", &mut both),
    );
    registry.close().await;
}

/// `"name":{"p50_ms":…,"p99_ms":…,"max_ms":…}`
fn percentiles(name: &str, times: &mut [Duration]) -> String {
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e3;
    format!(
        "\"{name}\":{{\"p50_ms\":{:.3},\"p99_ms\":{:.3},\"max_ms\":{:.3}}}",
        at(0.5),
        at(0.99),
        at(1.0)
    )
}

/// Random generated citizens: national ID and serial as the caller types them.
async fn sample(url: &str, n: u64) -> Vec<(NationalId, IdSerial)> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.expect("pool");
    let sql = format!("SELECT national_id, id_serial FROM citizens ORDER BY random() LIMIT {n}");
    let rows: Vec<(String, String)> = sqlx::query_as(&sql).fetch_all(&pool).await.expect("sample");
    pool.close().await;
    rows.iter()
        .map(|(id, serial)| {
            let id = NationalId::parse(id).expect("national id");
            (id, IdSerial::parse(serial).expect("serial"))
        })
        .collect()
}
