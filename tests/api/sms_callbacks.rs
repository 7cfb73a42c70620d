//! Client callbacks: a message sent through a running gateway to the
//! in-repo SMSC sink (with receipts) ends delivered, and the client's URL
//! (a real local HTTP receiver) is called with retries, on both backends.

use crate::helpers::{TestApp, TestDb, spawn_app_with};
use crate::on_both_backends;
use crate::receiver::Receiver;
use axum::http::Method;
use dargah::config::Settings;
use dargah::sim::sink::Sink;
use dargah::smpp::link::CarrierSettings;
use dargah::sms::api::ApiClientSettings;
use percent_encoding::{NON_ALPHANUMERIC, percent_encode};
use std::time::Duration;

pub(crate) fn settings(db: &TestDb, sink: &Sink, attempts: u32) -> Settings {
    let mut s = db.settings();
    let mut carrier = CarrierSettings::new("127.0.0.1", sink.port(), "dargah", "secret");
    carrier.reconnect_min = Duration::from_millis(50);
    s.carriers.insert("mci".into(), carrier);
    s.sms.dispatch.poll_interval = Duration::from_millis(50);
    s.sms.callbacks.poll_interval = Duration::from_millis(50);
    s.sms.callbacks.backoff_min = Duration::from_millis(100);
    s.sms.callbacks.attempts = attempts;
    s.api.clients.insert(
        "portal".into(),
        ApiClientSettings {
            key: Some("p4ss".to_owned().into()),
            ..Default::default()
        },
    );
    s
}

/// Waits until every callback has left `pending` (or fails after 20 s).
pub(crate) async fn until_settled(db: &TestDb, n: i64) -> Vec<(i64, String, i64)> {
    let pool = db.raw().await;
    let mut rows: Vec<(i64, String, i64)> = Vec::new();
    for _ in 0..400 {
        rows = sqlx::query_as(
            "SELECT CAST(COALESCE(dlr_type, 0) AS BIGINT), status, CAST(attempts AS BIGINT) \
             FROM sms_callbacks ORDER BY dlr_type, id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let settled = rows.iter().filter(|r| r.1 != "pending").count() as i64;
        if settled == n && rows.len() as i64 == n {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("callbacks never settled: {rows:?}");
}

pub(crate) async fn attempts(db: &TestDb) -> Vec<(i64, Option<i64>, Option<String>)> {
    sqlx::query_as(
        "SELECT CAST(attempt AS BIGINT), CAST(status_code AS BIGINT), error \
         FROM sms_callback_attempts ORDER BY callback_id, attempt",
    )
    .fetch_all(&db.raw().await)
    .await
    .unwrap()
}

pub(crate) async fn send_json(app: &TestApp, body: serde_json::Value) -> i64 {
    let r = app
        .client
        .post(app.url("/v1/sms"))
        .bearer_auth("p4ss")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let answer: serde_json::Value = r.json().await.unwrap();
    answer["id"].as_i64().expect("an id")
}

pub(crate) async fn stop(app: TestApp) {
    app.shutdown.trigger();
    let _ = app.server.await;
}

async fn a_delivered_message_is_posted_to_its_callback_url_again_after_a_failure(db: TestDb) {
    let sink = Sink::start(true).await.unwrap();
    let receiver = Receiver::start(&[500], 200, "").await;
    let app = spawn_app_with(settings(&db, &sink, 5)).await;
    app.wait_ready().await;
    let id = send_json(
        &app,
        serde_json::json!({"to": "09121234567", "text": "کارت ملی شما آماده است",
            "client_ref": "order-9", "callback_url": receiver.url("/sms/status")}),
    )
    .await;
    assert_eq!(until_settled(&db, 1).await, [(0, "sent".to_owned(), 2)]);
    let hits = receiver.hits();
    assert_eq!(
        hits.iter().map(|h| h.answered).collect::<Vec<_>>(),
        [500, 200]
    );
    let body: serde_json::Value = serde_json::from_str(&hits[1].body).unwrap();
    assert_eq!(hits[1].method, Method::POST);
    assert_eq!(hits[1].uri.path(), "/sms/status");
    assert_eq!(body["id"], id);
    assert_eq!(body["state"], "delivered");
    assert_eq!(body["to"], "989121234567");
    assert_eq!(body["client_ref"], "order-9");
    assert_eq!(body["error"], serde_json::Value::Null);
    assert!(chrono::DateTime::parse_from_rfc3339(body["at"].as_str().unwrap()).is_ok());
    assert_eq!(
        hits[0].body, hits[1].body,
        "a retry repeats the same report"
    );
    let tried = attempts(&db).await;
    assert_eq!(tried.len(), 2);
    assert_eq!(tried[0].1, Some(500));
    assert_eq!(tried[1], (2, Some(200), None));
    stop(app).await;
}

fn enc(s: &str) -> String {
    percent_encode(s.as_bytes(), NON_ALPHANUMERIC).to_string()
}

async fn a_kannel_dlr_url_is_called_per_dlr_mask_bit_with_its_escapes_substituted(db: TestDb) {
    let sink = Sink::start(true).await.unwrap();
    let receiver = Receiver::start(&[], 200, "").await;
    let app = spawn_app_with(settings(&db, &sink, 5)).await;
    app.wait_ready().await;
    let dlr_url = receiver.url("/dlr?type=%d&to=%p&id=%I&smsc=%i&reply=%A&user=%n");
    let query = format!(
        "username=portal&password=p4ss&to=09121234567&text=hi&from=3000&dlr-mask=9&dlr-url={}",
        enc(&dlr_url)
    );
    let r = app
        .client
        .get(app.url(&format!("/cgi-bin/sendsms?{query}")));
    assert_eq!(r.send().await.unwrap().status(), 202);
    // Without a dlr-mask Kannel reports nothing, and neither do we.
    let silent = format!(
        "username=portal&password=p4ss&to=09121234567&text=hi&dlr-url={}",
        enc(&dlr_url)
    );
    let r = app
        .client
        .get(app.url(&format!("/cgi-bin/sendsms?{silent}")));
    assert_eq!(r.send().await.unwrap().status(), 202);
    let settled = until_settled(&db, 2).await;
    assert_eq!(
        settled,
        [(1, "sent".to_owned(), 1), (8, "sent".to_owned(), 1)]
    );
    let (id,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM sms_outbox")
        .fetch_one(&db.raw().await)
        .await
        .unwrap();
    let mut queries: Vec<String> = receiver
        .hits()
        .iter()
        .inspect(|h| assert_eq!(h.method, Method::GET))
        .map(|h| h.uri.query().unwrap_or_default().to_owned())
        .collect();
    queries.sort();
    let expect = |kind: u8, reply: &str| {
        format!("type={kind}&to=989121234567&id={id}&smsc=mci&reply={reply}&user=portal")
    };
    let (smsc_id,): (String,) =
        sqlx::query_as("SELECT smsc_message_id FROM sms_parts WHERE outbox_id = $1")
            .bind(id)
            .fetch_one(&db.raw().await)
            .await
            .unwrap();
    assert_eq!(queries.len(), 2, "{queries:?}");
    let receipt = format!("id%3A{}%20stat%3ADELIVRD%20err%3A000", enc(&smsc_id));
    assert_eq!(queries[0], expect(1, &receipt));
    assert_eq!(queries[1], expect(8, "ACK%2F"));
    stop(app).await;
}

async fn a_callback_url_that_always_fails_is_given_up_after_the_configured_attempts(db: TestDb) {
    let sink = Sink::start(true).await.unwrap();
    let receiver = Receiver::start(&[], 503, "").await;
    let app = spawn_app_with(settings(&db, &sink, 3)).await;
    app.wait_ready().await;
    send_json(
        &app,
        serde_json::json!({"to": "09121234567", "text": "hi",
            "callback_url": receiver.url("/down")}),
    )
    .await;
    assert_eq!(until_settled(&db, 1).await, [(0, "given_up".to_owned(), 3)]);
    let tried = attempts(&db).await;
    let codes: Vec<_> = tried.iter().map(|t| (t.0, t.1)).collect();
    assert_eq!(codes, [(1, Some(503)), (2, Some(503)), (3, Some(503))]);
    assert!(
        tried
            .iter()
            .all(|t| t.2.as_deref() == Some("HTTP 503 Service Unavailable"))
    );
    // Given up means no more calls.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.hits().len(), 3);
    let (error,): (Option<String>,) = sqlx::query_as("SELECT last_error FROM sms_callbacks")
        .fetch_one(&db.raw().await)
        .await
        .unwrap();
    assert_eq!(error.as_deref(), Some("HTTP 503 Service Unavailable"));
    stop(app).await;
}

on_both_backends!(
    a_delivered_message_is_posted_to_its_callback_url_again_after_a_failure,
    a_kannel_dlr_url_is_called_per_dlr_mask_bit_with_its_escapes_substituted,
    a_callback_url_that_always_fails_is_given_up_after_the_configured_attempts,
);
