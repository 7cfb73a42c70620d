//! Drives the node-smpp SMSC simulator in `tests/peers/smsc.js`.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

pub struct Sim {
    _child: Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
    pub port: u16,
    next_id: u64,
}

fn peers_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/peers")
}

impl Sim {
    /// Spawns the simulator on a free port.
    pub async fn start() -> Sim {
        let dir = peers_dir();
        assert!(
            dir.join("node_modules/smpp").is_dir(),
            "the SMSC simulator is not installed: run `npm ci` in {} (scripts/test does)",
            dir.display()
        );
        let mut child = Command::new("node")
            .arg("smsc.js")
            .arg("0")
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("`node` must be on PATH to run the SMSC simulator");
        let stdin = child.stdin.take().expect("piped stdin");
        let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let first = lines
            .next_line()
            .await
            .expect("read")
            .expect("simulator started");
        let v: Value = serde_json::from_str(&first).expect("json");
        let port = v["port"].as_u64().expect("listening port") as u16;
        Sim {
            _child: child,
            stdin,
            lines,
            port,
            next_id: 0,
        }
    }

    /// Sends one command and returns its answer.
    pub async fn cmd(&mut self, mut c: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        c["id"] = json!(id);
        let line = format!("{c}\n");
        self.stdin
            .write_all(line.as_bytes())
            .await
            .expect("write command");
        loop {
            let next = tokio::time::timeout(Duration::from_secs(20), self.lines.next_line())
                .await
                .expect("simulator answers within 20 s")
                .expect("read")
                .expect("simulator alive");
            let v: Value = serde_json::from_str(&next).expect("json");
            if v["id"] == json!(id) {
                assert!(v.get("error").is_none(), "simulator error: {v}");
                return v;
            }
        }
    }

    pub async fn stats(&mut self) -> Value {
        self.cmd(json!({"cmd": "stats"})).await
    }

    pub async fn submits(&mut self) -> Vec<Value> {
        let v = self.cmd(json!({"cmd": "records", "from": 0})).await;
        v["submits"].as_array().cloned().unwrap_or_default()
    }

    /// Polls stats until `pred` holds (10 s at most).
    pub async fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..400 {
            let s = self.stats().await;
            if pred(&s) {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("timed out waiting for {what}: {}", self.stats().await);
    }

    pub async fn wait_bound(&mut self, binds: u64) -> Value {
        self.wait_for("binds", |s| {
            s["stats"]["binds"].as_u64() >= Some(binds) && s["bound"] == json!(1)
        })
        .await
    }
}
