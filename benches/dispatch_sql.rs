//! The dispatcher's database work alone, with no SMPP at all: the ceiling
//! the database puts on `scripts/bench dispatch` on this machine.
//!
//! N messages are enqueued; then the dispatcher's own statements run as
//! fast as the database allows, through the same `DispatchStore` the
//! dispatcher uses: claim a batch (→ `submitting` on PostgreSQL; in memory
//! on SQLite), record every message as
//! submitted with one part (→ `submitted`, a `sms_parts` row), and, with
//! receipts, apply a `DELIVRD` receipt per part and aggregate (→
//! `delivered`). `in_flight` claim/record loops run at once, as in the
//! dispatcher; one receipt loop, as in the receipt writer. No sink, no
//! codec, no sockets: whatever rate this reaches, the whole gateway cannot
//! beat it on the same machine.
//!
//! `cargo bench --bench dispatch_sql` (SQLite; PostgreSQL too when
//! `DARGAH_BENCH_DATABASE_URL` or `DARGAH_TEST_DATABASE_URL` names a server).
//! `DARGAH_BENCH_MESSAGES` (default 200,000), `DARGAH_BENCH_BATCH` (2,000),
//! `DARGAH_BENCH_IN_FLIGHT` (4), `DARGAH_BENCH_RECEIPT_BATCH` (5,000).

use dargah::config::{DatabaseSettings, DatabaseUrl};
use dargah::sms::dispatch::{AcceptedPart, Fate, ReceiptUpdate, SharedDispatchStore};
use dargah::sms::outbox::NewSms;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
#[path = "support/mod.rs"]
mod support;
use support::{env_or, fresh_postgres};

/// Wall time spent inside each store call, summed over a run (ns): with
/// `DARGAH_BENCH_IN_FLIGHT=1` nothing overlaps but the receipt loop, so
/// these say which statement costs what.
static CLAIM_NS: AtomicU64 = AtomicU64::new(0);
static RECORD_NS: AtomicU64 = AtomicU64::new(0);
static RECEIPT_NS: AtomicU64 = AtomicU64::new(0);

/// Adds the time since `t` to `sum`.
fn spent(sum: &AtomicU64, t: Instant) {
    sum.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
}

/// The knobs of one run.
#[derive(Clone, Copy)]
struct Knobs {
    n: usize,
    batch: u32,
    in_flight: usize,
    receipt_batch: usize,
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let k = Knobs {
        n: env_or("DARGAH_BENCH_MESSAGES", 200_000),
        batch: env_or("DARGAH_BENCH_BATCH", 2_000),
        in_flight: env_or("DARGAH_BENCH_IN_FLIGHT", 4),
        receipt_batch: env_or("DARGAH_BENCH_RECEIPT_BATCH", 5_000),
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
        for receipts in [false, true] {
            let _ = std::fs::remove_file(dir.path().join("bench.db"));
            run("sqlite", &sqlite, k, receipts).await;
        }
        let server = std::env::var("DARGAH_BENCH_DATABASE_URL")
            .or_else(|_| std::env::var("DARGAH_TEST_DATABASE_URL"));
        if let Ok(server) = server {
            for receipts in [false, true] {
                let url = fresh_postgres(&server, "dargah_bench_sql").await;
                run("postgres", &url, k, receipts).await;
            }
        }
    });
}

async fn run(backend: &str, url: &str, k: Knobs, receipts: bool) {
    let settings = DatabaseSettings {
        url: DatabaseUrl::parse(url).expect("url"),
        acquire_timeout: Duration::from_secs(60),
        ..DatabaseSettings::default()
    };
    let db = dargah::registry::connect_lazy(&settings).expect("db");
    db.registry.migrate().await.expect("migrate");
    let all: Vec<NewSms> = (0..k.n).map(sms).collect();
    for chunk in all.chunks(5_000) {
        db.outbox.enqueue_batch(chunk).await.expect("enqueue");
    }
    for sum in [&CLAIM_NS, &RECORD_NS, &RECEIPT_NS] {
        sum.store(0, Ordering::Relaxed);
    }
    let started = Instant::now();
    let cpu_before = cpu_seconds();
    let (tx, rx) = mpsc::unbounded_channel();
    let writer = tokio::spawn(receipt_loop(db.dispatch.clone(), rx, k, receipts));
    let loops: Vec<_> = (0..k.in_flight.max(1))
        .map(|_| tokio::spawn(claim_loop(db.dispatch.clone(), k.batch, tx.clone())))
        .collect();
    drop(tx);
    let mut submitted = 0;
    for l in loops {
        submitted += l.await.expect("claim loop");
    }
    let submitted_in = started.elapsed();
    let matched = writer.await.expect("receipt loop");
    let took = started.elapsed();
    let cpu = cpu_seconds() - cpu_before;
    let rate = |n: usize, d: Duration| n as f64 / d.as_secs_f64();
    println!(
        "dispatch_sql/{backend} receipts={receipts}: {submitted} claimed and recorded in \
         {submitted_in:.2?} ({:.0} msg/s); {matched} receipts matched and aggregated, all done in \
         {took:.2?} ({:.0} msg/s); this process's CPU {:.1} µs/msg; batch {}, in_flight {}, \
         receipt_batch {}",
        rate(submitted, submitted_in),
        rate(k.n, took),
        cpu * 1e6 / k.n as f64,
        k.batch,
        k.in_flight,
        k.receipt_batch,
    );
    let per_msg = |sum: &AtomicU64| sum.load(Ordering::Relaxed) as f64 / 1e3 / k.n as f64;
    println!(
        "dispatch_sql/{backend} receipts={receipts}: time inside the calls per message: claim \
         {:.1} µs, record {:.1} µs, receipts and aggregation {:.1} µs",
        per_msg(&CLAIM_NS),
        per_msg(&RECORD_NS),
        per_msg(&RECEIPT_NS),
    );
    db.registry.close().await;
}

/// Claims and records batches until the outbox is empty; hands the parts'
/// keys to the receipt loop; returns how many messages it recorded.
async fn claim_loop(
    store: SharedDispatchStore,
    batch: u32,
    keys: mpsc::UnboundedSender<Vec<String>>,
) -> usize {
    let mut done = 0;
    loop {
        let t = Instant::now();
        let rows = store.claim(batch).await.expect("claim");
        spent(&CLAIM_NS, t);
        if rows.is_empty() {
            return done;
        }
        let fates: Vec<Fate> = rows
            .iter()
            .map(|r| Fate::Submitted {
                id: r.id,
                carrier: "mci".into(),
                parts: vec![AcceptedPart {
                    part_no: 1,
                    message_id: format!("{:x}", r.id),
                    key: r.id.to_string(),
                }],
            })
            .collect();
        let t = Instant::now();
        store.record(&fates).await.expect("record");
        spent(&RECORD_NS, t);
        done += fates.len();
        let _ = keys.send(rows.iter().map(|r| r.id.to_string()).collect());
    }
}

/// Applies a DELIVRD receipt to every recorded part, in batches of up to
/// `receipt_batch` (when `receipts`); returns how many matched.
async fn receipt_loop(
    store: SharedDispatchStore,
    mut keys: mpsc::UnboundedReceiver<Vec<String>>,
    k: Knobs,
    receipts: bool,
) -> usize {
    let mut matched = 0;
    let mut pending: Vec<String> = Vec::new();
    loop {
        let more = keys.recv().await;
        if let Some(ks) = &more {
            pending.extend_from_slice(ks);
            while let Ok(ks) = keys.try_recv() {
                pending.extend(ks);
            }
        }
        if !receipts {
            if more.is_none() {
                return 0;
            }
            pending.clear();
            continue;
        }
        while !pending.is_empty() && (more.is_none() || pending.len() >= k.receipt_batch / 2) {
            let take = pending.len().min(k.receipt_batch);
            let updates: Vec<ReceiptUpdate> = pending
                .drain(..take)
                .map(|key| ReceiptUpdate {
                    carrier: "mci".into(),
                    key,
                    stat: "DELIVRD".into(),
                    error: None,
                })
                .collect();
            let t = Instant::now();
            matched += store
                .apply_receipts(&updates)
                .await
                .expect("receipts")
                .len();
            spent(&RECEIPT_NS, t);
        }
        if more.is_none() {
            return matched;
        }
    }
}

/// CPU time (user + system) this process used so far, from /proc (the
/// figure that a loaded machine disturbs least; PostgreSQL's own CPU is not in it).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at state.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 here.
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

fn sms(i: usize) -> NewSms {
    dargah::sms::send::bulk_sms(i as u64).expect("a generated message")
}
