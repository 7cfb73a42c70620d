//! The web side's path end to end: `POST /v1/sms` at a fixed offered rate
//! (one message per request, keep-alive HTTP/1.1 connections), each answered
//! only once its row is committed; then the dispatcher, the SMPP link, the
//! in-repo sink with a `DELIVRD` receipt per message, until every row is
//! `delivered`. Reports the accept latency (p50/p99/max, timed from when each
//! request was due, so a stalled server is not hidden by a waiting client)
//! and the end-to-end messages/s.
//!
//! ```sh
//! DARGAH_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo bench --bench sms_accept
//! ```
//! `DARGAH_BENCH_MESSAGES` (default 60,000), `DARGAH_BENCH_RATE` (offered
//! requests/s, default 20,000), `DARGAH_BENCH_CONNECTIONS` (default 64).
//! `DARGAH_BENCH_ACCEPT_ONLY=1` configures no carrier, so no dispatcher
//! competes for the cores and the database: only the accept side is timed.
//! SQLite, then PostgreSQL when `DARGAH_BENCH_DATABASE_URL` or
//! `DARGAH_TEST_DATABASE_URL` names a server (a fresh database is made);
//! `DARGAH_BENCH_BACKENDS` (default `sqlite,postgres`) picks fewer.
//! The gateway and the client run on separate runtimes (2 threads each), with
//! the allocator `dargah serve` uses (mimalloc).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use bytes::Bytes;
use dargah::config::{DatabaseUrl, Settings};
use dargah::sim::sink::Sink;
use dargah::smpp::link::CarrierSettings;
use dargah::sms::api::ApiClientSettings;
use dargah::startup::Application;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
#[path = "support/mod.rs"]
mod support;
use support::{env_or, fresh_postgres};

struct Load {
    messages: usize,
    rate: f64,
    connections: usize,
    accept_only: bool,
}

fn main() {
    // `cargo nextest` and `cargo test --benches` list targets with --list: nothing here.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let load = Load {
        messages: env_or("DARGAH_BENCH_MESSAGES", 60_000),
        rate: env_or("DARGAH_BENCH_RATE", 20_000.0),
        connections: env_or("DARGAH_BENCH_CONNECTIONS", 64),
        accept_only: env_or("DARGAH_BENCH_ACCEPT_ONLY", 0) != 0,
    };
    let backends: String = env_or("DARGAH_BENCH_BACKENDS", "sqlite,postgres".to_owned());
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    if backends.contains("sqlite") {
        run("sqlite", &sqlite, &load);
    }
    let server = std::env::var("DARGAH_BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("DARGAH_TEST_DATABASE_URL"));
    if let (Ok(server), true) = (server, backends.contains("postgres")) {
        let url = runtime(1).block_on(fresh_postgres(&server, "dargah_accept"));
        run("postgres", &url, &load);
    }
}

fn runtime(threads: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .expect("runtime")
}

fn settings(url: &str, sink: &Sink, accept_only: bool) -> Settings {
    let mut s = Settings::default();
    s.database.url = DatabaseUrl::parse(url).expect("url");
    s.database.max_connections = 32;
    s.log.level = "warn".into();
    let mut c = CarrierSettings::new("127.0.0.1", sink.port(), "bench", "bench");
    c.window = 1000;
    c.binds = 2;
    if !accept_only {
        s.carriers.insert("mci".into(), c);
    }
    s.sms.dispatch.batch = 2000;
    s.sms.dispatch.in_flight = 4;
    s.sms.dispatch.poll_interval = Duration::from_millis(20);
    s.sms.dispatch.receipt_batch = 5000;
    s.api.clients.insert(
        "bench".into(),
        ApiClientSettings {
            key: Some("bench-key".to_owned().into()),
            ..Default::default()
        },
    );
    s
}

fn run(backend: &str, url: &str, load: &Load) {
    let gateway = runtime(2);
    let client = runtime(2);
    let sink = gateway.block_on(Sink::start(true)).expect("sink");
    let s = settings(url, &sink, load.accept_only);
    let (addr, shutdown, server) = gateway.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let app = Application::build(s, listener).await.expect("app");
        let addr = app.local_addr().expect("addr");
        let shutdown = app.shutdown_handle();
        (addr, shutdown, tokio::spawn(app.run()))
    });
    client.block_on(wait_ready(addr));
    let started = Instant::now();
    let mut latencies = client.block_on(offer(addr, load));
    let offered_for = started.elapsed();
    latencies.sort_unstable();
    let q = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize];
    if load.accept_only {
        println!(
            "sms_accept/{backend} (accept only): {} requests offered at {:.0}/s over {} \
             connections: accepted in {offered_for:.2?} ({:.0}/s), accept p50 {:.2?} p99 {:.2?} \
             max {:.2?}",
            load.messages,
            load.rate,
            load.connections,
            load.messages as f64 / offered_for.as_secs_f64(),
            q(0.50),
            q(0.99),
            q(1.0),
        );
        shutdown.trigger();
        let _ = gateway.block_on(server);
        return;
    }
    let delivered = client.block_on(until_delivered(url, load.messages as i64));
    let took = started.elapsed();
    println!(
        "sms_accept/{backend}: {} requests offered at {:.0}/s over {} connections: accepted in \
         {offered_for:.2?} ({:.0}/s), accept p50 {:.2?} p99 {:.2?} max {:.2?}; all {} delivered \
         (receipts persisted) in {took:.2?}: {:.0} msg/s end to end; sink received {}",
        load.messages,
        load.rate,
        load.connections,
        load.messages as f64 / offered_for.as_secs_f64(),
        q(0.50),
        q(0.99),
        q(1.0),
        delivered,
        load.messages as f64 / took.as_secs_f64(),
        sink.count()
    );
    shutdown.trigger();
    let _ = gateway.block_on(server);
}

async fn wait_ready(addr: SocketAddr) {
    let url = format!("http://{addr}/readyz");
    for _ in 0..200 {
        if reqwest::get(&url).await.is_ok_and(|r| r.status() == 200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the gateway never became ready");
}

/// Sends every message at its due time; returns each accept latency,
/// measured from the due time.
async fn offer(addr: SocketAddr, load: &Load) -> Vec<Duration> {
    let t0 = tokio::time::Instant::now() + Duration::from_millis(50);
    let tasks: Vec<_> = (0..load.connections)
        .map(|k| {
            let (n, c, rate) = (load.messages, load.connections, load.rate);
            tokio::spawn(connection(addr, t0, (k..n).step_by(c).collect(), rate))
        })
        .collect();
    let mut all = Vec::with_capacity(load.messages);
    for t in tasks {
        all.extend(t.await.expect("client task"));
    }
    all
}

async fn connection(
    addr: SocketAddr,
    t0: tokio::time::Instant,
    mine: Vec<usize>,
    rate: f64,
) -> Vec<Duration> {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (mut sender, conn) = http1::handshake(TokioIo::new(stream)).await.expect("http");
    tokio::spawn(conn);
    let mut latencies = Vec::with_capacity(mine.len());
    for i in mine {
        let due = t0 + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(due).await;
        let body = format!(
            r#"{{"to":"0912{:07}","text":"کد ورود شما: {i}"}}"#,
            i % 10_000_000
        );
        let req = Request::post("/v1/sms")
            .header("host", addr.to_string())
            .header("authorization", "Bearer bench-key")
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body)))
            .expect("request");
        let res = sender.send_request(req).await.expect("the gateway answers");
        let status = res.status();
        let _ = res.into_body().collect().await;
        assert_eq!(status, 202, "message {i} not accepted");
        latencies.push(due.elapsed());
    }
    latencies
}

async fn until_delivered(url: &str, n: i64) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.expect("pool");
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut delivered = 0;
    while delivered < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (c,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM sms_outbox WHERE state = 'delivered'")
                .fetch_one(&pool)
                .await
                .expect("count");
        delivered = c;
    }
    pool.close().await;
    delivered
}
