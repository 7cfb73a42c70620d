//! One-time codes: sent by SMS, resend only after 120 s, limited attempts, expiry.

use crate::helpers::{TestApp, TestDb, spawn_app_with};
use dargah::domain::digits::digits_only;
use dargah::sms::api::ApiClientSettings;
use serde_json::{Value, json};
use std::time::Duration;

async fn app(db: &TestDb, ttl: Duration) -> TestApp {
    let mut s = db.settings();
    s.api.clients.insert(
        "guild".into(),
        ApiClientSettings {
            key: Some("guild-key".to_owned().into()),
            ..Default::default()
        },
    );
    s.otp.ttl = ttl;
    s.otp.secret = Some("otp-secret".to_owned().into());
    let app = spawn_app_with(s).await;
    app.wait_ready().await;
    app
}

async fn call(app: &TestApp, path: &str, body: Value) -> (u16, Value, Option<String>) {
    let r = app
        .client
        .post(app.url(path))
        .bearer_auth("guild-key")
        .json(&body)
        .send()
        .await
        .unwrap();
    let retry = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (r.status().as_u16(), r.json().await.unwrap(), retry)
}

/// The code as the citizen reads it in the SMS (Persian digits), in ASCII.
async fn code_in_sms(app: &TestApp, sms_id: i64) -> String {
    let sms = app.outbox_sms(sms_id).await;
    let body = sms.body;
    let digits: String = body
        .chars()
        .filter(|c| dargah::domain::digits::ascii_digit(*c).is_some())
        .collect();
    digits_only(&digits).unwrap()
}

impl TestApp {
    async fn outbox_sms(&self, id: i64) -> dargah::sms::outbox::Sms {
        self.outbox.sms(id).await.unwrap().unwrap()
    }
}

async fn a_code_goes_out_first_in_line_and_verifies_once(db: TestDb) {
    let app = app(&db, Duration::from_secs(300)).await;
    let (status, body, _) = call(
        &app,
        "/v1/otp",
        json!({"msisdn": "09121234567", "purpose": "signup"}),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    let sms_id = body["sms_id"].as_i64().unwrap();
    let sms = app.outbox_sms(sms_id).await;
    assert_eq!(sms.priority, dargah::sms::outbox::Priority::URGENT);
    assert!(sms.body.contains("کد تأیید"), "{}", sms.body);
    let code = code_in_sms(&app, sms_id).await;
    assert_eq!(code.len(), 6);
    let (hash,): (String,) = sqlx::query_as("SELECT code_hash FROM otp_codes")
        .fetch_one(&db.raw().await)
        .await
        .unwrap();
    assert!(!hash.contains(&code));
    let verify = json!({"msisdn": "+989121234567", "purpose": "signup", "code": dargah::domain::digits::to_persian_digits(&code)});
    assert_eq!(
        call(&app, "/v1/otp/verify", verify.clone()).await.1,
        json!({"valid": true})
    );
    assert_eq!(
        call(&app, "/v1/otp/verify", verify).await.1,
        json!({"valid": false, "reason": "not_found"})
    );
}

async fn a_new_code_waits_120_seconds(db: TestDb) {
    let app = app(&db, Duration::from_secs(300)).await;
    let ask = json!({"msisdn": "09121234567", "purpose": "login"});
    assert_eq!(call(&app, "/v1/otp", ask.clone()).await.0, 202);
    let (status, body, retry) = call(&app, "/v1/otp", ask).await;
    assert_eq!(status, 429);
    let wait = body["retry_after"].as_i64().unwrap();
    assert!((118..=120).contains(&wait), "{body}");
    assert_eq!(retry.unwrap(), wait.to_string());
    let other_purpose = json!({"msisdn": "09121234567", "purpose": "delete-unit"});
    assert_eq!(call(&app, "/v1/otp", other_purpose).await.0, 202);
}

async fn wrong_guesses_kill_the_code(db: TestDb) {
    let app = app(&db, Duration::from_secs(300)).await;
    let (_, body, _) = call(
        &app,
        "/v1/otp",
        json!({"msisdn": "09351234567", "purpose": "login"}),
    )
    .await;
    let code = code_in_sms(&app, body["sms_id"].as_i64().unwrap()).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let (_, v, _) = call(
            &app,
            "/v1/otp/verify",
            json!({"msisdn": "09351234567", "purpose": "login", "code": wrong}),
        )
        .await;
        assert_eq!(v, json!({"valid": false, "reason": "wrong"}));
    }
    let (_, v, _) = call(
        &app,
        "/v1/otp/verify",
        json!({"msisdn": "09351234567", "purpose": "login", "code": code}),
    )
    .await;
    assert_eq!(v, json!({"valid": false, "reason": "too_many_attempts"}));
}

async fn codes_expire_and_do_not_cross_purposes(db: TestDb) {
    let app = app(&db, Duration::from_secs(1)).await;
    let (_, body, _) = call(
        &app,
        "/v1/otp",
        json!({"msisdn": "09191234567", "purpose": "login"}),
    )
    .await;
    let code = code_in_sms(&app, body["sms_id"].as_i64().unwrap()).await;
    let (_, v, _) = call(
        &app,
        "/v1/otp/verify",
        json!({"msisdn": "09191234567", "purpose": "signup", "code": code}),
    )
    .await;
    assert_eq!(v["reason"], "not_found");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (_, v, _) = call(
        &app,
        "/v1/otp/verify",
        json!({"msisdn": "09191234567", "purpose": "login", "code": code}),
    )
    .await;
    assert_eq!(v, json!({"valid": false, "reason": "expired"}));
}

async fn bad_numbers_and_purposes_are_400(db: TestDb) {
    let app = app(&db, Duration::from_secs(300)).await;
    assert_eq!(
        call(
            &app,
            "/v1/otp",
            json!({"msisdn": "12345", "purpose": "login"})
        )
        .await
        .0,
        400
    );
    assert_eq!(
        call(
            &app,
            "/v1/otp",
            json!({"msisdn": "09121234567", "purpose": "Log In"})
        )
        .await
        .0,
        400
    );
    assert_eq!(
        call(
            &app,
            "/v1/otp/verify",
            json!({"msisdn": "09121234567", "purpose": "login", "code": "12ab"})
        )
        .await
        .0,
        400
    );
}

crate::on_both_backends!(
    a_code_goes_out_first_in_line_and_verifies_once,
    a_new_code_waits_120_seconds,
    wrong_guesses_kill_the_code,
    codes_expire_and_do_not_cross_purposes,
    bad_numbers_and_purposes_are_400,
);
