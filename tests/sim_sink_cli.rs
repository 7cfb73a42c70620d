//! `dargah sim sink` and `dargah demo sms` as `scripts/bench dispatch` uses
//! them: a backlog enqueued while the sink is down, `dargah serve` waiting
//! for its carrier, then the sink started on the carrier's port times the
//! drain and reports it as JSON; every message ends `delivered`.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MESSAGES: u64 = 300;

/// A child process killed when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

fn dargah(config: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dargah"));
    c.arg("--config").arg(config);
    c
}

fn write_config(dir: &Path, db: &Path, http: u16, sink: u16) -> std::path::PathBuf {
    let config = dir.join("dargah.toml");
    let text = format!(
        "[database]\nurl = \"sqlite://{}\"\n[http]\nlisten = \"127.0.0.1:{http}\"\n[log]\nlevel = \"warn\"\n\
         [carriers.mci]\nhost = \"127.0.0.1\"\nport = {sink}\nsystem_id = \"t\"\npassword = \"t\"\n\
         binds = 1\nwindow = 100\nreconnect_max = \"1s\"\n\
         [sms.dispatch]\npoll_interval = \"50ms\"\n",
        db.display()
    );
    std::fs::write(&config, text).expect("config");
    config
}

/// Rows `delivered` (0 while the database cannot be read).
fn delivered(db: &Path) -> i64 {
    count_delivered(db).unwrap_or(0)
}

fn count_delivered(db: &Path) -> Option<i64> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    rt.block_on(async {
        use sqlx::Connection;
        let url = format!("sqlite://{}", db.display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.ok()?;
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM sms_outbox WHERE state = 'delivered'")
                .fetch_one(&mut conn)
                .await
                .ok()?;
        Some(n)
    })
}

#[test]
fn the_sink_times_a_backlog_drained_by_dargah_serve_and_every_message_is_delivered() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("dargah.db");
    let sink_port = free_port();
    let config = write_config(dir.path(), &db, free_port(), sink_port);

    let out = dargah(&config)
        .args(["demo", "sms", "--count", &MESSAGES.to_string()])
        .output()
        .expect("demo sms");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("enqueued {MESSAGES}")));

    let _serve = Killed(
        dargah(&config)
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve"),
    );
    // The sink exits by itself once the drain is complete (or after 60 s, failing).
    let sink = dargah(&config)
        .args(["sim", "sink", "--receipts", "--timeout-secs", "60"])
        .args(["--listen", &format!("127.0.0.1:{sink_port}")])
        .args(["--expect", &MESSAGES.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("sink");
    let out = sink.wait_with_output().expect("sink output");
    assert!(out.status.success(), "the sink timed out or failed");
    let line: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("one JSON line on stdout");
    assert_eq!(line["submits"], MESSAGES);
    assert_eq!(line["receipts_acked"], MESSAGES);
    let submitted = line["all_submitted_s"].as_f64().expect("all submitted");
    let acked = line["all_receipts_acked_s"].as_f64().expect("all acked");
    assert!(submitted <= acked, "{line}");
    assert!(line["first_bind_unix"].as_f64().is_some(), "{line}");

    // The receipts were acknowledged; dargah persists them and ends every row delivered.
    let deadline = Instant::now() + Duration::from_secs(30);
    while delivered(&db) < MESSAGES as i64 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(delivered(&db), MESSAGES as i64);
}
