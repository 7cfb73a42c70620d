//! Crash safety of the SMS dispatcher: the real `dargah serve` binary is
//! killed with SIGKILL several times while it drains the outbox into the
//! in-repo SMSC sink, and restarted; afterwards every message must have
//! reached the sink at least once, and the duplicates must stay within what
//! can be in flight at a kill (messages the sink took whose submission was
//! not yet recorded).
//!
//! 20,000 messages, ten kills at random moments; PostgreSQL too when
//! `DARGAH_TEST_DATABASE_URL` is set. Then `dargah send-sms --wait` against
//! the surviving gateway sees its message delivered. `scripts/crash` runs
//! the ignored long variant (100,000 messages by default).
//!
//! `faults` holds the other dispatcher faults against the same binary: the
//! SMSC hanging up mid-window, throttling storms, SIGTERM under load.

#[path = "dispatch_crash/faults.rs"]
mod faults;

use dargah::config::{DatabaseSettings, DatabaseUrl};
use dargah::domain::Msisdn;
use dargah::sim::sink::Sink;
use dargah::sms::outbox::{NewSms, Priority};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MESSAGES: usize = 20_000;
const KILLS: usize = 10;
const BATCH: usize = 50;
const IN_FLIGHT: usize = 2;

fn dargah(url: &str, sink: &Sink) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dargah"));
    for (k, _) in std::env::vars() {
        if k.starts_with("DARGAH__") {
            c.env_remove(k);
        }
    }
    let port = sink.port().to_string();
    c.env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .env("DARGAH__DATABASE__URL", url)
        .env("DARGAH__HTTP__LISTEN", "127.0.0.1:0")
        .env("DARGAH__LOG__LEVEL", "warn")
        .env("DARGAH__CARRIERS__MCI__HOST", "127.0.0.1")
        .env("DARGAH__CARRIERS__MCI__PORT", port)
        .env("DARGAH__CARRIERS__MCI__SYSTEM_ID", "dargah")
        .env("DARGAH__CARRIERS__MCI__PASSWORD", "secret")
        .env("DARGAH__CARRIERS__MCI__MAX_TPS", "1000")
        .env("DARGAH__SMS__DISPATCH__LEASE", "1s")
        .env("DARGAH__SMS__DISPATCH__BATCH", BATCH.to_string())
        .env("DARGAH__SMS__DISPATCH__IN_FLIGHT", IN_FLIGHT.to_string())
        .env("DARGAH__SMS__DISPATCH__POLL_INTERVAL", "50ms")
        .stdout(Stdio::null());
    c
}

fn serve(url: &str, sink: &Sink) -> Child {
    dargah(url, sink)
        .arg("serve")
        .spawn()
        .expect("dargah serve starts")
}

async fn fill(url: &str, messages: usize) {
    let settings = DatabaseSettings {
        url: DatabaseUrl::parse(url).unwrap(),
        ..DatabaseSettings::default()
    };
    let db = dargah::registry::connect_lazy(&settings).unwrap();
    db.registry.migrate().await.unwrap();
    let all: Vec<NewSms> = (0..messages).map(sms).collect();
    for chunk in all.chunks(1000) {
        db.outbox.enqueue_batch(chunk).await.unwrap();
    }
    db.registry.close().await;
}

fn sms(i: usize) -> NewSms {
    NewSms {
        client: "crash".into(),
        client_ref: None,
        idempotency_key: None,
        recipient: Msisdn::parse(&format!("0912{:07}", i)).unwrap(),
        sender: None,
        body: format!("m{i}"),
        priority: Priority::NORMAL,
        valid_until: None,
        callback_url: None,
        dlr_mask: None,
    }
}

async fn unfinished(url: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM sms_outbox WHERE state NOT IN ('submitted', 'delivered')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    n
}

/// Messages the sink received since its `since`-th submit whose rows are not
/// recorded as sent: what a kill can duplicate. (Counted from the sink
/// because SQLite's claims live in the dead process's memory; on
/// PostgreSQL these rows are `submitting`.)
async fn sent_unrecorded(url: &str, sink: &Sink, since: usize) -> usize {
    // Submits the kernel had buffered when the process died still arrive.
    tokio::time::sleep(Duration::from_millis(200)).await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let unrecorded: Vec<(String,)> =
        sqlx::query_as("SELECT body FROM sms_outbox WHERE state IN ('queued', 'submitting')")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    let unrecorded: std::collections::HashSet<String> =
        unrecorded.into_iter().map(|(b,)| b).collect();
    let received = sink.received();
    let mut sent: Vec<&str> = received[since.min(received.len())..]
        .iter()
        .map(|r| r.text.as_str())
        .collect();
    sent.sort_unstable();
    sent.dedup();
    sent.iter().filter(|t| unrecorded.contains(**t)).count()
}

/// Kills the gateway `kills` times at random moments (after a random number
/// of messages reached the sink), lets a last one finish, counts.
async fn killed_and_restarted(url: &str, messages: usize, kills: usize) {
    let sink = Sink::start(true).await.unwrap();
    fill(url, messages).await;
    // Each run sends up to 7/4 × `per` (plus a window of duplicates) before
    // its kill: with `per` = messages / (2 × kills) the kills end by 7/8 of
    // the messages whatever the random draws. With messages / (kills + 2)
    // ten unlucky draws could send them all before the last kill (about
    // 1 run in 15 by the spread of the draws; seen once in CI), and the test
    // then waited out 60 s per remaining kill.
    let per = messages / (2 * kills.max(1));
    let mut claimed_at_kills = Vec::new();
    for _ in 0..kills {
        let mut child = serve(url, &sink);
        let before = sink.count();
        let after = rand::random_range(per / 4..per * 7 / 4);
        let started = Instant::now();
        while sink.count() < before + after && started.elapsed() < Duration::from_secs(60) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        claimed_at_kills.push(sent_unrecorded(url, &sink, before).await);
    }
    let sent_before_last = sink.count();
    assert!(
        sent_before_last < messages,
        "the kills came too late to test anything"
    );
    let mut last = serve(url, &sink);
    let started = Instant::now();
    while unfinished(url).await > 0 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let cli = dargah(url, &sink)
        .args([
            "send-sms",
            "--to",
            "09121234567",
            "--text",
            "after the crashes",
            "--wait",
        ])
        .args(["--wait-secs", "30"])
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    last.kill().unwrap();
    last.wait().unwrap();
    let printed = String::from_utf8_lossy(&cli.stdout);
    assert!(
        cli.status.success(),
        "send-sms: {printed} {}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert!(printed.trim_end().ends_with("delivered"), "{printed}");
    let (lost, duplicates) = tally(&sink, messages);
    let claimed: usize = claimed_at_kills.iter().sum();
    println!(
        "{url}: {messages} messages, {kills} SIGKILLs: lost {lost}, duplicates {duplicates}; \
         sent and unrecorded at the kills {claimed} {claimed_at_kills:?} \
         (at most {} = kills × batch × in_flight)",
        kills * BATCH * IN_FLIGHT
    );
    assert_eq!(unfinished(url).await, 0);
    assert_eq!(lost, 0);
    assert!(
        duplicates <= claimed,
        "duplicates beyond what was in flight"
    );
}

/// (messages never received, extra copies received).
fn tally(sink: &Sink, messages: usize) -> (usize, usize) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in sink.received() {
        *seen.entry(r.text).or_default() += 1;
    }
    let lost = (0..messages)
        .filter(|i| !seen.contains_key(&format!("m{i}")))
        .count();
    let duplicates = (0..messages)
        .filter_map(|i| seen.get(&format!("m{i}")))
        .map(|n| n - 1)
        .sum();
    (lost, duplicates)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_gateway_on_sqlite_loses_no_message_and_duplicates_only_its_window() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("crash.db").display());
    killed_and_restarted(&url, MESSAGES, KILLS).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_gateway_on_postgres_loses_no_message_and_duplicates_only_its_window() {
    let Ok(server) = std::env::var("DARGAH_TEST_DATABASE_URL") else {
        return;
    };
    killed_and_restarted(&fresh_postgres(&server).await, MESSAGES, KILLS).await;
}

/// `scripts/crash`: `DARGAH_CRASH_MESSAGES` (100,000) and `DARGAH_CRASH_KILLS`
/// (10) on SQLite, and on PostgreSQL when `DARGAH_TEST_DATABASE_URL` is set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long: run by scripts/crash"]
async fn long_run_of_sigkills_loses_no_message_on_either_backend() {
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let messages = env("DARGAH_CRASH_MESSAGES", 100_000);
    let kills = env("DARGAH_CRASH_KILLS", 10);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("crash.db").display());
    killed_and_restarted(&url, messages, kills).await;
    if let Ok(server) = std::env::var("DARGAH_TEST_DATABASE_URL") {
        killed_and_restarted(&fresh_postgres(&server).await, messages, kills).await;
    }
}

async fn fresh_postgres(server: &str) -> String {
    use sqlx::Connection;
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("dargah_crash_{}_{n}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(server).await.unwrap();
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut conn)
        .await;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let base = server.rsplit_once('/').map_or(server, |(b, _)| b);
    format!("{base}/{name}")
}
