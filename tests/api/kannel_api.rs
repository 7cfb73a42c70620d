//! Kannel's `/cgi-bin/sendsms`: a web app written for Kannel works unchanged.

use crate::helpers::{TestApp, TestDb, spawn_app_with};
use dargah::sms::api::ApiClientSettings;
use percent_encoding::{NON_ALPHANUMERIC, percent_encode};

async fn app(db: &TestDb) -> TestApp {
    let mut s = db.settings();
    s.api.clients.insert(
        "portal".into(),
        ApiClientSettings {
            key: Some("p4ss".to_owned().into()),
            ..Default::default()
        },
    );
    let app = spawn_app_with(s).await;
    app.wait_ready().await;
    app
}

fn enc(bytes: &[u8]) -> String {
    percent_encode(bytes, NON_ALPHANUMERIC).to_string()
}

async fn get(app: &TestApp, query: &str) -> (u16, String) {
    let r = app
        .client
        .get(app.url(&format!("/cgi-bin/sendsms?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "text/html");
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn bodies(db: &TestDb) -> Vec<(String, String)> {
    sqlx::query_as("SELECT recipient, body FROM sms_outbox ORDER BY id")
        .fetch_all(&db.raw().await)
        .await
        .unwrap()
}

const AUTH: &str = "username=portal&password=p4ss";

async fn a_utf8_persian_text_is_accepted_with_kannels_reply(db: TestDb) {
    let app = app(&db).await;
    let text = "نوبت شما ثبت شد";
    let (status, reply) = get(
        &app,
        &format!(
            "{AUTH}&from=6090&to=09121234567&text={}",
            enc(text.as_bytes())
        ),
    )
    .await;
    assert_eq!(status, 202);
    assert!(
        reply.starts_with("0: Accepted for delivery\nMessage-ID: "),
        "{reply}"
    );
    assert_eq!(
        bodies(&db).await,
        [("989121234567".to_owned(), text.to_owned())]
    );
}

async fn windows_1256_and_utf16_texts_are_decoded(db: TestDb) {
    let app = app(&db).await;
    let text = "کارت شما آماده است";
    let (cp1256, _, _) = encoding_rs::WINDOWS_1256.encode(text);
    let (s1, _) = get(
        &app,
        &format!(
            "{AUTH}&to=09121234567&charset=windows-1256&text={}",
            enc(&cp1256)
        ),
    )
    .await;
    let utf16: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    let (s2, _) = get(
        &app,
        &format!("{AUTH}&to=09121234567&coding=2&text={}", enc(&utf16)),
    )
    .await;
    assert_eq!((s1, s2), (202, 202));
    assert!(bodies(&db).await.iter().all(|(_, b)| b == text));
}

async fn kannels_refusals_come_with_kannels_words(db: TestDb) {
    let app = app(&db).await;
    let cases = [
        (
            "username=portal&password=wrong&to=09121234567&text=x",
            403,
            "Authorization failed for sendsms",
        ),
        (
            "to=09121234567&text=x",
            403,
            "Authorization failed for sendsms",
        ),
        (
            &format!("{AUTH}&text=x") as &str,
            400,
            "Missing receiver number, rejected",
        ),
        (
            &format!("{AUTH}&to=&text=x"),
            400,
            "Empty receiver number not allowed, rejected",
        ),
        (
            &format!("{AUTH}&to=12345&text=x"),
            400,
            "Number(s) has/have been denied by white- and/or black-lists.",
        ),
        (
            &format!("{AUTH}&to=09121234567&text=x&validity=soon"),
            400,
            "Validity field misformed, rejected",
        ),
        (
            &format!("{AUTH}&to=09121234567&text=x&coding=1"),
            400,
            "Coding field misformed, rejected",
        ),
        (
            &format!("{AUTH}&to=09121234567&text=x&charset=klingon"),
            400,
            "Charset or body misformed, rejected",
        ),
        (
            &format!("{AUTH}&to=09121234567&text=%FF%FE"),
            400,
            "Charset or body misformed, rejected",
        ),
    ];
    for (query, status, text) in cases {
        assert_eq!(get(&app, query).await, (status, text.to_owned()), "{query}");
    }
    assert!(bodies(&db).await.is_empty());
}

async fn several_recipients_get_one_message_each_and_bad_ones_are_dropped(db: TestDb) {
    let app = app(&db).await;
    let (status, reply) = get(
        &app,
        &format!(
            "{AUTH}&to=09121234567+09351234567+123+09121234567&text=hi&dlr-mask=3&dlr-url={}",
            enc(b"http://web/dlr?id=7")
        ),
    )
    .await;
    assert_eq!(status, 202, "{reply}");
    assert_eq!(reply.matches("Message-ID").count(), 2);
    let rows: Vec<(String, Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT recipient, callback_url, dlr_mask FROM sms_outbox ORDER BY id")
            .fetch_all(&db.raw().await)
            .await
            .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[1],
        (
            "989351234567".to_owned(),
            Some("http://web/dlr?id=7".to_owned()),
            Some(3)
        )
    );
}

async fn post_takes_a_form_or_kannels_headers(db: TestDb) {
    let app = app(&db).await;
    let form = app
        .client
        .post(app.url("/cgi-bin/sendsms"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "{AUTH}&to=09121234567&text={}",
            enc("سلام".as_bytes())
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 202);
    let plain = app
        .client
        .post(app.url("/cgi-bin/sendsms"))
        .header("content-type", "text/plain; charset=utf-8")
        .header("X-Kannel-Username", "portal")
        .header("X-Kannel-Password", "p4ss")
        .header("X-Kannel-To", "09351234567")
        .body("درود")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 202);
    let json = app
        .client
        .post(app.url("/cgi-bin/sendsms"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (json.status().as_u16(), json.text().await.unwrap()),
        (400, "Invalid content-type".to_owned())
    );
    let texts: Vec<String> = bodies(&db).await.into_iter().map(|(_, b)| b).collect();
    assert_eq!(texts, ["سلام", "درود"]);
}

/// A NUL in the text or sender used to reach the database and come back as
/// "Temporal failure" (503); it is a misformed body, like Kannel says.
async fn a_nul_character_is_a_misformed_body_and_enqueues_nothing(db: TestDb) {
    let app = app(&db).await;
    let base = "username=portal&password=p4ss&to=09121234567";
    for extra in [
        "text=%00abc",
        "text=abc&from=%00",
        "text=abc&dlr-url=http://x/%00",
    ] {
        let (status, body) = get(&app, &format!("{base}&{extra}")).await;
        assert_eq!(
            (status, body.as_str()),
            (400, "Charset or body misformed, rejected"),
            "{extra}"
        );
    }
    assert!(bodies(&db).await.is_empty());
}

crate::on_both_backends!(
    a_nul_character_is_a_misformed_body_and_enqueues_nothing,
    a_utf8_persian_text_is_accepted_with_kannels_reply,
    windows_1256_and_utf16_texts_are_decoded,
    kannels_refusals_come_with_kannels_words,
    several_recipients_get_one_message_each_and_bad_ones_are_dropped,
    post_takes_a_form_or_kannels_headers,
);
