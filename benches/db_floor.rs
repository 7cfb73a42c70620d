//! The physical floor under the dispatcher targets of issue #8: the least
//! database work any design must do per message to keep what the issue
//! asks it to keep, on this machine, with nothing else in the way.
//!
//! A message's life persists at least a claim (PostgreSQL's `FOR UPDATE SKIP
//! LOCKED` leases, so several nodes can run and a crash leaves a trace), its
//! SMSC message id once the SMSC answered, and, with receipts, the receipt's
//! outcome. Each is a durability point after an event on the wire, so each is
//! a row write committed on its own. Here those three writes run on the
//! leanest table possible (`floor`: a primary key and three columns, no
//! secondary index, no trigger), by primary-key range, the SMSC key computed
//! in SQL (nothing bound), in batches, `in_flight` at once on PostgreSQL and
//! one writer on SQLite, with the same durability settings as the gateway
//! (SQLite WAL with `synchronous = NORMAL`; PostgreSQL's defaults).
//!
//! The real gateway does more per message (finding due rows by index,
//! matching receipts by SMSC key, SMPP, sockets), so whatever this reaches
//! bounds it from above: msg/s no design persisting those facts can beat here.
//!
//! `cargo bench --bench db_floor` (SQLite; PostgreSQL too when
//! `DARGAH_BENCH_DATABASE_URL` or `DARGAH_TEST_DATABASE_URL` names a server).
//! `DARGAH_BENCH_MESSAGES` (default 400,000), `DARGAH_BENCH_BATCH` (2,000),
//! `DARGAH_BENCH_IN_FLIGHT` (PostgreSQL's concurrent batches, default 4).

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::{Duration, Instant};
#[path = "support/mod.rs"]
mod support;
use support::{env_or, fresh_postgres};

/// The knobs of one run.
#[derive(Clone, Copy)]
struct Knobs {
    n: i64,
    batch: i64,
    in_flight: usize,
}

/// One durability point of a message's life, applied to a batch by id range.
const STEPS: [(&str, &str); 3] = [
    (
        "claim",
        "UPDATE floor SET state = 'submitting' WHERE id >= $1 AND id < $2 AND state = 'queued'",
    ),
    (
        "record",
        "UPDATE floor SET state = 'submitted', smsc_key = CAST(id * 7 AS TEXT) \
         WHERE id >= $1 AND id < $2",
    ),
    (
        "receipt",
        "UPDATE floor SET state = 'delivered', receipt = 'DELIVRD' WHERE id >= $1 AND id < $2",
    ),
];

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    install_default_drivers();
    let k = Knobs {
        n: env_or("DARGAH_BENCH_MESSAGES", 400_000),
        batch: env_or("DARGAH_BENCH_BATCH", 2_000),
        in_flight: env_or("DARGAH_BENCH_IN_FLIGHT", 4),
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("floor.db");
        let sqlite = format!("sqlite://{}?mode=rwc", file.display());
        run("sqlite", &sqlite, Knobs { in_flight: 1, ..k }).await;
        let server = std::env::var("DARGAH_BENCH_DATABASE_URL")
            .or_else(|_| std::env::var("DARGAH_TEST_DATABASE_URL"));
        if let Ok(server) = server {
            let url = fresh_postgres(&server, "dargah_bench_floor").await;
            run("postgres", &url, k).await;
        }
    });
}

async fn run(backend: &str, url: &str, k: Knobs) {
    let sqlite = backend == "sqlite";
    let pool = AnyPoolOptions::new()
        .max_connections(k.in_flight as u32)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
                        .await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await
        .expect("connect");
    fill(&pool, k.n, sqlite).await;
    let mut took = Vec::new();
    for (step, sql) in STEPS {
        let t = apply(&pool, sql, k).await;
        println!(
            "db_floor/{backend} {step}: {} rows in {t:.2?} ({:.0} rows/s), batch {}, in_flight {}",
            k.n,
            k.n as f64 / t.as_secs_f64(),
            k.batch,
            k.in_flight
        );
        took.push(t);
    }
    let rate = |d: Duration| k.n as f64 / d.as_secs_f64();
    println!(
        "db_floor/{backend}: at most {:.0} msg/s without receipts (claim + record), \
         {:.0} msg/s with (claim + record + receipt)",
        rate(took[0] + took[1]),
        rate(took[0] + took[1] + took[2]),
    );
    pool.close().await;
}

/// The backlog: `n` queued rows, loaded and checkpointed before the clock runs.
async fn fill(pool: &AnyPool, n: i64, sqlite: bool) {
    pool.execute(
        "CREATE TABLE floor (id BIGINT PRIMARY KEY, state TEXT NOT NULL, \
         smsc_key TEXT, receipt TEXT)",
    )
    .await
    .expect("create");
    let insert = "INSERT INTO floor (id, state) \
        WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1) \
        SELECT i, 'queued' FROM s";
    sqlx::query(insert)
        .bind(n)
        .execute(pool)
        .await
        .expect("fill");
    let settle = match sqlite {
        true => "PRAGMA wal_checkpoint(TRUNCATE)",
        false => "VACUUM ANALYZE floor",
    };
    pool.execute(settle).await.expect("settle");
}

/// Runs `sql` over every batch of ids, `in_flight` batches at once, each its
/// own committed statement; how long the whole table took.
async fn apply(pool: &AnyPool, sql: &'static str, k: Knobs) -> Duration {
    let started = Instant::now();
    let workers: Vec<_> = (0..k.in_flight as i64)
        .map(|w| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut from = 1 + w * k.batch;
                while from <= k.n {
                    sqlx::query(sql)
                        .bind(from)
                        .bind(from + k.batch)
                        .execute(&pool)
                        .await
                        .expect("update");
                    from += k.batch * k.in_flight as i64;
                }
            })
        })
        .collect();
    for w in workers {
        w.await.expect("worker");
    }
    started.elapsed()
}
