//! Bad HTTP on every public route: huge bodies, slow clients, invalid UTF-8,
//! unknown dialect fields, missing keys. Each gets a bounded, clear 4xx and
//! the server stays healthy for everyone else.

use crate::helpers::{TestApp, TestDb, spawn_app_with};
use dargah::sms::api::ApiClientSettings;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const MENU: &str = r#"
[service]
id = "help"
codes = ["*4*6090#"]
languages = ["fa"]
start = "main"

[screens.main]
kind = "message"
text.fa = "راهنما"
"#;

struct App {
    app: TestApp,
    _db: TestDb,
    _menus: tempfile::TempDir,
}

async fn app() -> App {
    let db = TestDb::sqlite().await;
    let menus = tempfile::tempdir().unwrap();
    std::fs::write(menus.path().join("help.toml"), MENU).unwrap();
    let mut s = db.settings();
    s.ussd.menus_dir = menus.path().to_owned();
    s.http.max_body_bytes = 64 * 1024;
    s.http.header_read_timeout = Duration::from_millis(500);
    s.http.request_timeout = Duration::from_secs(2);
    s.api.clients.insert(
        "web".into(),
        ApiClientSettings {
            key: Some("web-key".to_owned().into()),
            ..Default::default()
        },
    );
    let app = spawn_app_with(s).await;
    app.wait_ready().await;
    App {
        app,
        _db: db,
        _menus: menus,
    }
}

const ROUTES: [(&str, &str); 5] = [
    ("/v1/sms", "application/json"),
    ("/v1/otp", "application/json"),
    ("/cgi-bin/sendsms", "application/x-www-form-urlencoded"),
    ("/ussd/africastalking", "application/x-www-form-urlencoded"),
    ("/ussd/hubtel", "application/json"),
];

async fn post(app: &TestApp, path: &str, content_type: &str, body: Vec<u8>) -> (u16, String) {
    let r = app
        .client
        .post(app.url(path))
        .bearer_auth("web-key")
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("answered");
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

async fn healthy(app: &TestApp) {
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200, "the server stays healthy");
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_on_every_route_before_it_is_read() {
    let a = app().await;
    for (path, ct) in ROUTES {
        let (status, _) = post(&a.app, path, ct, vec![b'a'; 65 * 1024]).await;
        assert_eq!(status, 413, "{path}");
    }
    healthy(&a.app).await;
}

#[tokio::test]
async fn a_huge_streamed_body_without_length_is_cut_off_at_the_limit() {
    let a = app().await;
    let mut s = TcpStream::connect(a.app.addr).await.unwrap();
    let head = "POST /v1/sms HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer web-key\r\n\
                Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    s.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("{:x}\r\n{}\r\n", 8192, "a".repeat(8192));
    let mut sent = 0;
    for _ in 0..4096 {
        if s.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
        sent += 8192;
    }
    let mut answer = vec![0; 64];
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut answer))
        .await
        .expect("answered")
        .unwrap_or(0);
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "{answer} after {sent} octets"
    );
    assert!(
        sent < 32 << 20,
        "the server stopped reading early ({sent} octets)"
    );
    healthy(&a.app).await;
}

#[tokio::test]
async fn invalid_utf8_is_a_clear_400_on_every_route() {
    let a = app().await;
    let bodies: [&[u8]; 5] = [
        b"{\"to\":\"09121234567\",\"text\":\"\xff\xfe\"}",
        b"{\"msisdn\":\"0912\xc3\x28\",\"purpose\":\"login\"}",
        b"username=web&password=web-key&to=0912\xff&text=\xc3\x28",
        b"sessionId=\xff&serviceCode=*4*6090%23&phoneNumber=\xfe&text=",
        b"{\"SessionId\":\"\xff\",\"Mobile\":\"0912\",\"Type\":\"Initiation\"}",
    ];
    for ((path, ct), body) in ROUTES.into_iter().zip(bodies) {
        let (status, text) = post(&a.app, path, ct, body.to_vec()).await;
        assert_eq!(status, 400, "{path}: {text}");
        assert!(!text.is_empty(), "{path}: the 400 says why");
    }
    healthy(&a.app).await;
}

#[tokio::test]
async fn unknown_dialect_fields_are_ignored_and_malformed_ones_are_400() {
    let a = app().await;
    let (status, text) = post(
        &a.app,
        "/ussd/africastalking",
        "application/x-www-form-urlencoded",
        b"sessionId=s1&serviceCode=*4*6090%23&phoneNumber=%2B989121234567&text=&evil=%27%3B--&x=1"
            .to_vec(),
    )
    .await;
    assert_eq!(status, 200, "aggregators add fields: {text}");
    assert!(text.starts_with("END "), "{text}");
    let hop = br#"{"SessionId":"s2","Mobile":"989121234567","Type":"Initiation","Message":"*4*6090#","Operator":"x","Extra":{"deep":[1,2,3]}}"#;
    let (status, text) = post(&a.app, "/ussd/hubtel", "application/json", hop.to_vec()).await;
    assert_eq!(status, 200, "{text}");
    let wrong_type = br#"{"SessionId":7,"Mobile":["x"],"Type":"Initiation"}"#;
    let (status, text) = post(
        &a.app,
        "/ussd/hubtel",
        "application/json",
        wrong_type.to_vec(),
    )
    .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("bad request"), "{text}");
    let (status, _) = post(
        &a.app,
        "/ussd/africastalking",
        "application/x-www-form-urlencoded",
        b"serviceCode=*4*6090%23".to_vec(),
    )
    .await;
    assert_eq!(status, 400, "missing sessionId and phoneNumber");
    healthy(&a.app).await;
}

#[tokio::test]
async fn slow_clients_are_cut_off_after_the_header_timeout_while_others_are_served() {
    let a = app().await;
    let mut loris = Vec::new();
    for _ in 0..200 {
        let mut s = TcpStream::connect(a.app.addr).await.unwrap();
        s.write_all(b"POST /v1/sms HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        loris.push(s);
    }
    let started = Instant::now();
    healthy(&a.app).await;
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "served at once"
    );
    let mut closed = 0;
    for s in &mut loris {
        let _ = s.write_all(b"X-Slow: 1\r\n").await;
        let mut buf = [0; 256];
        let read = tokio::time::timeout(Duration::from_secs(3), s.read(&mut buf)).await;
        if matches!(read, Ok(Ok(_)) | Ok(Err(_))) {
            closed += 1;
        }
    }
    println!(
        "slowloris: {closed}/200 cut off after {:?}",
        started.elapsed()
    );
    assert_eq!(closed, 200, "every slow client was cut off");
    assert!(started.elapsed() < Duration::from_secs(4));
    healthy(&a.app).await;
}

#[tokio::test]
async fn a_body_that_trickles_in_gets_408() {
    let a = app().await;
    let mut s = TcpStream::connect(a.app.addr).await.unwrap();
    let head = "POST /v1/sms HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer web-key\r\n\
                Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{";
    s.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut answer = vec![0; 64];
    let n = loop {
        let _ = s.write_all(b" ").await;
        match tokio::time::timeout(Duration::from_millis(200), s.read(&mut answer)).await {
            Ok(r) => break r.unwrap_or(0),
            Err(_) => assert!(started.elapsed() < Duration::from_secs(5), "never answered"),
        }
    };
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    healthy(&a.app).await;
}

#[tokio::test]
async fn every_api_route_refuses_a_missing_or_wrong_key() {
    let a = app().await;
    let app = &a.app;
    let cases = [
        ("POST", "/v1/sms", r#"{"to":"09121234567","text":"x"}"#),
        ("GET", "/v1/sms/1", ""),
        (
            "POST",
            "/v1/otp",
            r#"{"msisdn":"09121234567","purpose":"login"}"#,
        ),
        (
            "POST",
            "/v1/otp/verify",
            r#"{"msisdn":"09121234567","purpose":"login","code":"123456"}"#,
        ),
    ];
    for (method, path, body) in cases {
        for key in [None, Some("wrong"), Some("web-key ")] {
            let mut r = app
                .client
                .request(method.parse().unwrap(), app.url(path))
                .header("content-type", "application/json")
                .body(body);
            if let Some(k) = key {
                r = r.header("authorization", format!("Bearer {k}x"));
            }
            let r = r.send().await.unwrap();
            assert_eq!(r.status(), 401, "{method} {path} with {key:?}");
            assert!(!r.text().await.unwrap().contains("web-key"));
        }
    }
    let kannel = app
        .client
        .get(app.url("/cgi-bin/sendsms?username=web&password=nope&to=09121234567&text=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(kannel.status(), 403);
}

#[tokio::test]
async fn a_keep_alive_connection_idle_past_the_header_timeout_still_serves_the_next_request() {
    let a = app().await;
    let mut s = TcpStream::connect(a.app.addr).await.unwrap();
    for _ in 0..2 {
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut answer = vec![0; 256];
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut answer))
            .await
            .expect("answered")
            .unwrap();
        let answer = String::from_utf8_lossy(&answer[..n]);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        // Idle past header_read_timeout (500 ms): the server must not close
        // first, or a client's next request would race the close.
        tokio::time::sleep(Duration::from_millis(1_200)).await;
    }
}
