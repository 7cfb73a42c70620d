//! `/healthz`, `/readyz` and `/metrics`, including a database that is down.

use crate::helpers::{TestDb, spawn_app, spawn_app_with};
use dargah::config::DatabaseUrl;

#[tokio::test]
async fn healthz_answers_ok() {
    let (app, _db) = spawn_app().await;
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn readyz_is_ready_once_migrations_are_applied() {
    let (app, _db) = spawn_app().await;
    let r = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "ready");
}

#[tokio::test]
async fn readyz_is_ready_on_postgres_too() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn_app_with(db.settings()).await;
    app.wait_ready().await;
}

#[tokio::test]
async fn an_unreachable_database_is_retried_and_reported_not_fatal() {
    let db = TestDb::sqlite().await;
    let mut settings = db.settings();
    // A port nothing listens on: connection refused at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    settings.database.url =
        DatabaseUrl::parse(&format!("postgres://nobody@127.0.0.1:{closed}/none")).unwrap();
    settings.database.acquire_timeout = std::time::Duration::from_millis(300);
    let app = spawn_app_with(settings).await;
    let mut last = serde_json::Value::Null;
    for _ in 0..40 {
        let r = app.client.get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(r.status(), 503);
        last = r.json().await.unwrap();
        if last["attempts"].as_u64().unwrap_or(0) >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(last["attempts"].as_u64().unwrap() >= 2, "{last}");
    assert!(last["last_error"].is_string(), "{last}");
    let alive = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(alive.status(), 200);
    assert!(!app.server.is_finished());
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let (app, _db) = spawn_app().await;
    app.client.get(app.url("/healthz")).send().await.unwrap();
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("dargah_http_requests_total{route=\"/healthz\",status=\"200\"}"),
        "{text}"
    );
    assert!(
        text.contains("dargah_http_request_duration_seconds_bucket"),
        "{text}"
    );
}

#[tokio::test]
async fn an_unknown_path_is_a_404() {
    let (app, _db) = spawn_app().await;
    let r = app.client.get(app.url("/nope")).send().await.unwrap();
    assert_eq!(r.status(), 404);
}
