//! SQL injection: hostile strings in every field the HTTP APIs store reach
//! the database only as bound parameters. The rows keep the strings
//! verbatim and every table is still there, on both backends.

use crate::helpers::{TestApp, TestDb, spawn_app_with};
use crate::on_both_backends;
use dargah::sms::api::ApiClientSettings;
use percent_encoding::{NON_ALPHANUMERIC, percent_encode};
use serde_json::json;

const HOSTILE: [&str; 6] = [
    "'); DROP TABLE sms_outbox; --",
    "\" OR \"1\"=\"1",
    "1; DELETE FROM registration_requests WHERE '1'='1",
    "x' UNION SELECT key_hash FROM api_clients --",
    "$1 $$ ; DROP TABLE sms_parts; $$",
    "\\'; \\\\ ; -- ؛ درخواست",
];

async fn app(db: &TestDb) -> TestApp {
    let mut s = db.settings();
    s.api.clients.insert(
        "web".into(),
        ApiClientSettings {
            key: Some("web-key".to_owned().into()),
            ..Default::default()
        },
    );
    let app = spawn_app_with(s).await;
    app.wait_ready().await;
    app
}

type Row = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

async fn stored(db: &TestDb) -> Vec<Row> {
    sqlx::query_as(
        "SELECT recipient, body, client_ref, idempotency_key, callback_url FROM sms_outbox ORDER BY id",
    )
    .fetch_all(&db.raw().await)
    .await
    .expect("sms_outbox still exists")
}

async fn tables_survive(db: &TestDb) {
    let pool = db.raw().await;
    for table in ["sms_outbox", "sms_parts", "otp_codes"] {
        let n: (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&pool)
            .await
            .unwrap_or_else(|e| panic!("{table} is gone: {e}"));
        assert!(n.0 >= 0);
    }
}

async fn hostile_json_fields_are_stored_verbatim(db: TestDb) {
    let app = app(&db).await;
    for (i, h) in HOSTILE.iter().enumerate() {
        let body = json!({
            "to": "09121234567",
            "text": h,
            "client_ref": h,
            "idempotency_key": format!("{i}{h}"),
            "callback_url": format!("https://web.example/cb?x={h}"),
        });
        let r = app
            .client
            .post(app.url("/v1/sms"))
            .bearer_auth("web-key")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 202, "{h}: {}", r.text().await.unwrap());
        let r = app
            .client
            .get(app.url(&format!(
                "/v1/sms/{}",
                percent_encode(h.as_bytes(), NON_ALPHANUMERIC)
            )))
            .bearer_auth("web-key")
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_client_error(),
            "a hostile id is refused: {}",
            r.status()
        );
    }
    let rows = stored(&db).await;
    assert_eq!(rows.len(), HOSTILE.len());
    for ((i, h), row) in HOSTILE.iter().enumerate().zip(&rows) {
        assert_eq!(row.1, *h);
        assert_eq!(row.2.as_deref(), Some(*h));
        assert_eq!(row.3.as_deref(), Some(format!("{i}{h}").as_str()));
        assert_eq!(
            row.4.as_deref(),
            Some(format!("https://web.example/cb?x={h}").as_str())
        );
    }
    tables_survive(&db).await;
}

async fn hostile_kannel_parameters_are_stored_verbatim(db: TestDb) {
    let app = app(&db).await;
    for h in HOSTILE {
        let enc = |s: &str| percent_encode(s.as_bytes(), NON_ALPHANUMERIC).to_string();
        let query = format!(
            "username={u}&password=web-key&to=09121234567&text={t}&charset=UTF-8",
            u = enc("web"),
            t = enc(h)
        );
        let r = app
            .client
            .get(app.url(&format!("/cgi-bin/sendsms?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 202, "{h}");
        let r = app
            .client
            .get(app.url(&format!(
                "/cgi-bin/sendsms?username={}&password={}&to=1&text=x",
                enc(h),
                enc(h)
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "a hostile username is just a wrong one");
    }
    let bodies: Vec<String> = stored(&db).await.into_iter().map(|r| r.1).collect();
    assert_eq!(bodies, HOSTILE.to_vec());
    tables_survive(&db).await;
}

async fn hostile_otp_fields_are_refused_or_bound(db: TestDb) {
    let app = app(&db).await;
    for h in HOSTILE {
        for body in [
            json!({"msisdn": h, "purpose": "login"}),
            json!({"msisdn": "09121234567", "purpose": h}),
            json!({"msisdn": "09121234567", "purpose": "login", "code": h}),
        ] {
            let path = if body.get("code").is_some() {
                "/v1/otp/verify"
            } else {
                "/v1/otp"
            };
            let r = app
                .client
                .post(app.url(path))
                .bearer_auth("web-key")
                .json(&body)
                .send()
                .await
                .unwrap();
            assert!(
                r.status().is_client_error(),
                "{path} {body}: {}",
                r.status()
            );
        }
    }
    tables_survive(&db).await;
}

on_both_backends!(
    hostile_json_fields_are_stored_verbatim,
    hostile_kannel_parameters_are_stored_verbatim,
    hostile_otp_fields_are_refused_or_bound,
);
