//! HTTP (cumulative dialect) journeys of 4 hops, one of them a registry read
//! (SQLite), at several client concurrencies. Criterion reports hops/s; the
//! per-hop p50/p99 of each concurrency level is printed after its run.
//!
//! `cargo bench --bench ussd_http`
//!
//! Last run (2026-11-21, the shared 2-core dev machine at load average ≈ 7, client
//! and server in one process, the "registry" a local SQLite table):
//! in-process ≈ 19,700 hops/s on one thread (≈ 51 µs per hop, dominated by the
//! SQLite worker-thread hand-off and allocation, per `perf`); HTTP 3,000–8,000
//! hops/s across concurrency 1–128, p99 2.8–4.7 ms at concurrency 1 and
//! 10–135 ms at 8–128. The ≥20,000 hops/s, p99 < 5 ms target is not shown on
//! this machine; it needs a run on an idle one with the client on other cores.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use dargah::ussd::action::{ActionError, ActionOutcome, ActionRegistry, ActionRequest, ActionSpec};
use dargah::ussd::{UssdService, UssdSettings};
use sqlx::SqlitePool;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CONCURRENCY: [usize; 4] = [1, 8, 32, 128];

struct Rig {
    url: String,
    client: reqwest::Client,
    next: AtomicU64,
    latencies: Mutex<Vec<Duration>>,
}

async fn registry() -> SqlitePool {
    let path = std::env::temp_dir().join(format!("dargah-bench-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(4)
        .connect(&url)
        .await
        .unwrap();
    sqlx::query("CREATE TABLE citizens (national_id TEXT PRIMARY KEY, serial TEXT, stage TEXT)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO citizens VALUES ('0012345679', '123456', 'paid')")
        .execute(&pool)
        .await
        .unwrap();
    pool
}

fn actions(pool: SqlitePool) -> ActionRegistry {
    let mut r = ActionRegistry::new();
    let spec = ActionSpec::new("card_status", &["ok", "not_found", "locked"])
        .params(&["national_id", "serial"])
        .output("stage", "appointment")
        .output("stage_text", "درخواست شما پرداخت شده است")
        .output("paid", "yes")
        .output("production_started", "yes")
        .output("appointment", "2024-03-20")
        .output("shift", "evening")
        .output("fee", "1000000")
        .output("tracking", "123456789012");
    r.register(spec, move |req: ActionRequest| {
        let pool = pool.clone();
        async move { card_status(&pool, &req).await }
    });
    let offices = ActionSpec::new("list_offices", &["ok", "full"])
        .params(&["date", "area", "stairs"])
        .list(
            "offices",
            12,
            &[
                ("id", "12"),
                ("name", "دفتر پیشخوان شماره ۱۲ تهران"),
                ("shift", "evening"),
                ("free", "100"),
            ],
        );
    r.register(offices, |_req: ActionRequest| async {
        Ok(ActionOutcome::new("full"))
    });
    let book = ActionSpec::new("book_slot", &["ok", "full"])
        .params(&["national_id", "office", "date", "shift"])
        .output("tracking", "1");
    r.register(book, |_req: ActionRequest| async {
        Ok(ActionOutcome::new("full"))
    });
    let mobile = ActionSpec::new("change_mobile", &["ok"]).params(&["mobile", "caller"]);
    r.register(mobile, |_req: ActionRequest| async {
        Ok(ActionOutcome::new("ok"))
    });
    r
}

async fn card_status(pool: &SqlitePool, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT stage FROM citizens WHERE national_id = ? AND serial = ?")
            .bind(req.param("national_id"))
            .bind(req.param("serial"))
            .fetch_optional(pool)
            .await
            .map_err(|e| ActionError(e.to_string()))?;
    Ok(match row {
        Some((stage,)) => ActionOutcome::new("ok")
            .with("stage", stage)
            .with("stage_text", "درخواست شما پرداخت شده است")
            .with("paid", "yes")
            .with("production_started", "no")
            .with("appointment", "2024-03-20")
            .with("shift", "morning")
            .with("fee", "1000")
            .with("tracking", "123456789"),
        None => ActionOutcome::new("not_found"),
    })
}

async fn start() -> Rig {
    let menus_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/menus");
    let settings = UssdSettings {
        menus_dir,
        hot_reload: false,
        ..UssdSettings::default()
    };
    let service =
        UssdService::load(settings, actions(registry().await)).unwrap_or_else(|r| panic!("{r}"));
    let app = dargah::ussd::transport::http::router(service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/ussd/africastalking",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    Rig {
        url,
        client,
        next: AtomicU64::new(0),
        latencies: Mutex::new(Vec::new()),
    }
}

/// Main menu → status option → national ID → serial (the registry read).
async fn journey(rig: &Rig) {
    let n = rig.next.fetch_add(1, Ordering::Relaxed);
    let session = format!("b{n}");
    let phone = format!("+98912{:07}", n % 10_000_000);
    for text in ["", "1", "1*0012345679", "1*0012345679*123456"] {
        let form = [
            ("sessionId", session.as_str()),
            ("serviceCode", "*4*6090#"),
            ("phoneNumber", &phone),
            ("text", text),
        ];
        let started = Instant::now();
        let body = rig
            .client
            .post(&rig.url)
            .form(&form)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        rig.latencies.lock().unwrap().push(started.elapsed());
        assert!(body.starts_with("CON "), "{body}");
    }
}

async fn run(rig: Arc<Rig>, journeys: u64, concurrency: usize) -> Duration {
    let started = Instant::now();
    let per_task = journeys.div_ceil(concurrency as u64);
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let rig = rig.clone();
            tokio::spawn(async move {
                for _ in 0..per_task {
                    journey(&rig).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    started
        .elapsed()
        .mul_f64(journeys as f64 / (per_task * concurrency as u64) as f64)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p) as usize]
}

fn http_journeys(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let rig = Arc::new(rt.block_on(start()));
    let mut group = c.benchmark_group("ussd_http_cumulative_4_hops");
    group.throughput(Throughput::Elements(4));
    group.measurement_time(Duration::from_secs(8));
    for concurrency in CONCURRENCY {
        rig.latencies.lock().unwrap().clear();
        group.bench_with_input(
            BenchmarkId::from_parameter(concurrency),
            &concurrency,
            |b, &conc| {
                b.iter_custom(|iters| rt.block_on(run(rig.clone(), iters, conc)));
            },
        );
        let mut lat = std::mem::take(&mut *rig.latencies.lock().unwrap());
        lat.sort_unstable();
        if !lat.is_empty() {
            println!(
                "concurrency {concurrency}: {} hops, p50 {:?}, p99 {:?}",
                lat.len(),
                percentile(&lat, 0.50),
                percentile(&lat, 0.99)
            );
        }
    }
    group.finish();
}

fn in_process_service(rt: &tokio::runtime::Runtime) -> UssdService {
    rt.block_on(async {
        let menus_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/menus");
        let settings = UssdSettings {
            menus_dir,
            hot_reload: false,
            ..UssdSettings::default()
        };
        UssdService::load(settings, actions(registry().await)).unwrap_or_else(|r| panic!("{r}"))
    })
}

/// One 4-hop journey straight into the service, as caller number `n`.
fn in_process_journey(rt: &tokio::runtime::Runtime, service: &UssdService, n: u64) {
    use dargah::domain::{Msisdn, ServiceCode};
    use dargah::ussd::{RequestKind, UssdRequest};
    let code = ServiceCode::parse("*4*6090#").unwrap();
    let msisdn = Msisdn::parse(&format!("0912{:07}", n % 10_000_000)).unwrap();
    let steps = [
        (RequestKind::Begin, ""),
        (RequestKind::Continue, "1"),
        (RequestKind::Continue, "0012345679"),
        (RequestKind::Continue, "123456"),
    ];
    for (kind, input) in steps {
        let request = UssdRequest {
            session_id: format!("p{n}"),
            msisdn: msisdn.clone(),
            dialled: Some(code.clone()),
            input: input.to_owned(),
            kind,
            carrier: None,
        };
        let reply = rt.block_on(service.handle(request));
        assert!(!reply.end, "{}", reply.text);
    }
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The same journey without HTTP: what the engine, store and action cost per hop.
fn in_process_journeys(c: &mut Criterion) {
    let rt = current_thread();
    let service = in_process_service(&rt);
    let mut n = 0u64;
    let mut group = c.benchmark_group("ussd_in_process_4_hops");
    group.throughput(Throughput::Elements(4));
    group.bench_function("journey", |b| {
        b.iter(|| {
            n += 1;
            in_process_journey(&rt, &service, n);
        })
    });
    group.finish();
}

/// `USSD_FIXED_JOURNEYS=N cargo bench --bench ussd_http`: runs exactly N
/// in-process journeys and exits, so that `perf stat -e instructions:u` gives
/// a per-hop instruction count that does not depend on machine load.
fn fixed_journeys() -> bool {
    let Some(n) = std::env::var("USSD_FIXED_JOURNEYS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    else {
        return false;
    };
    let rt = current_thread();
    let service = in_process_service(&rt);
    for i in 0..n {
        in_process_journey(&rt, &service, i);
    }
    true
}

criterion_group!(benches, in_process_journeys, http_journeys);

fn main() {
    if fixed_journeys() {
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
