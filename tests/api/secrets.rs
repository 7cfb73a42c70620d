//! Secrets never reach logs or error answers: a real `dargah serve` run with
//! an API key, an OTP secret, an SMPP password, a database password and the
//! MO forward's bearer token and header configured, driven through its
//! failure paths (database unreachable, SMSC hanging up, wrong keys, the
//! Kannel password in a query string) at debug level; its whole output is
//! then searched for every secret.

use std::io::Read;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::Duration;

const API_KEY: &str = "Api-S3cret-Key-77";
const OTP_SECRET: &str = "Otp-S3cret-Hmac-Key-5150";
const SMPP_PASSWORD: &str = "Sm5ecr7x";
const DB_PASSWORD: &str = "Db-S3cret-Pw-42";
const MO_TOKEN: &str = "Mo-S3cret-Bearer-31";
const MO_HEADER: &str = "Mo-S3cret-Header-13";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An SMSC that accepts and hangs up at once, so the link logs its failures.
fn rude_smsc() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            let mut s = s;
            let mut bind = [0u8; 256];
            let _ = s.read(&mut bind);
        }
    });
    port
}

fn config(http: u16, db: u16, smsc: u16) -> String {
    format!(
        r#"
[http]
listen = "127.0.0.1:{http}"
[database]
url = "postgres://dargah:{DB_PASSWORD}@127.0.0.1:{db}/dargah"
acquire_timeout = "300ms"
max_retry_backoff = "300ms"
[log]
level = "debug"
format = "json"
[otp]
secret = "{OTP_SECRET}"
[api.clients.web]
key = "{API_KEY}"
[carriers.mci]
host = "127.0.0.1"
port = {smsc}
system_id = "dargah"
password = "{SMPP_PASSWORD}"
reconnect_min = "50ms"
reconnect_max = "200ms"
response_timeout = "300ms"
[sms.mo_forward]
url = "http://127.0.0.1:9/mo?text=%a"
bearer_token = "{MO_TOKEN}"
headers = {{ "X-Api-Key" = "{MO_HEADER}" }}
"#
    )
}

async fn drive(http: u16) -> Vec<String> {
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{http}");
    for _ in 0..100 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut answers = Vec::new();
    let sms = serde_json::json!({"to": "09121234567", "text": "x"});
    for key in [API_KEY, "wrong-key"] {
        let r = client
            .post(format!("{base}/v1/sms"))
            .bearer_auth(key)
            .json(&sms)
            .send()
            .await
            .unwrap();
        answers.push(r.text().await.unwrap());
        let r = client
            .post(format!("{base}/v1/otp"))
            .bearer_auth(key)
            .json(&serde_json::json!({"msisdn": "09121234567", "purpose": "login"}))
            .send()
            .await
            .unwrap();
        answers.push(r.text().await.unwrap());
    }
    for pass in [API_KEY, SMPP_PASSWORD] {
        let url =
            format!("{base}/cgi-bin/sendsms?username=web&password={pass}&to=09121234567&text=x");
        answers.push(client.get(url).send().await.unwrap().text().await.unwrap());
    }
    answers.push(
        client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    answers
}

#[tokio::test]
async fn no_configured_secret_appears_in_the_logs_or_answers_of_a_failing_gateway() {
    let dir = tempfile::tempdir().unwrap();
    let http = free_port();
    let toml = config(http, free_port(), rude_smsc());
    std::fs::write(dir.path().join("dargah.toml"), toml).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_dargah"))
        .current_dir(dir.path())
        .env_remove("RUST_LOG")
        .args(["--config", "dargah.toml", "serve"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let answers = drive(http).await;
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let out = child.wait_with_output().unwrap();
    let logs = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = logs.lines().count();
    println!(
        "secrets: {lines} log lines, {} answers searched",
        answers.len()
    );
    assert!(lines > 20, "the run logged its failures:\n{logs}");
    assert!(logs.contains("database not reachable"), "{logs}");
    assert!(
        logs.contains("cannot bind") || logs.contains("connection lost"),
        "{logs}"
    );
    for secret in [
        API_KEY,
        OTP_SECRET,
        SMPP_PASSWORD,
        DB_PASSWORD,
        MO_TOKEN,
        MO_HEADER,
    ] {
        for line in logs.lines() {
            assert!(!line.contains(secret), "{secret} logged: {line}");
        }
        for a in &answers {
            assert!(!a.contains(secret), "{secret} in an answer: {a}");
        }
    }
}
