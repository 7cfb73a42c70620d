//! The `dargah` binary as an operator uses it.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn dargah() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dargah"));
    c.env_remove("RUST_LOG").env("NO_COLOR", "1");
    for (k, _) in std::env::vars() {
        if k.starts_with("DARGAH__") {
            c.env_remove(k);
        }
    }
    c
}

#[test]
fn version_prints_the_crate_version() {
    let out = dargah().arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("dargah {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn an_unknown_config_key_stops_the_start_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[http]\nlisten_addr = \"127.0.0.1:1\"\n",
    )
    .unwrap();
    let out = dargah()
        .current_dir(dir.path())
        .args(["--config", "bad.toml", "migrate"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("listen_addr"), "{err}");
}

#[test]
fn migrate_and_demo_seed_create_the_default_sqlite_file_in_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dargah()
        .current_dir(dir.path())
        .args(["demo", "seed"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("09121234567"));
    assert!(dir.path().join("data/dargah.db").is_file());
}

#[test]
fn serve_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = dargah()
        .current_dir(dir.path())
        .env("DARGAH__HTTP__LISTEN", format!("127.0.0.1:{port}"))
        .env("DARGAH__LOG__FORMAT", "json")
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_port(port);
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(
            Instant::now() < deadline,
            "serve did not stop within 10 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let logs = String::from_utf8_lossy(&out.stdout);
    assert!(
        logs.contains("SIGTERM received") && logs.contains("shutdown complete"),
        "{logs}"
    );
    assert!(
        logs.lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()),
        "{logs}"
    );
}

fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "serve never listened on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
