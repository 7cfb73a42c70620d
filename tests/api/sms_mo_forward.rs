//! MO forwarding end to end: the in-repo sink sends deliver_sm to a running
//! gateway; MO messages no keyword claims are forwarded to a real local
//! HTTP receiver (GET with Kannel escapes, POST JSON), retried on 503,
//! failed at once on 404, kept across a restart, on both backends.

use crate::fixtures::*;
use crate::helpers::{TestDb, spawn_app_with};
use crate::on_both_backends;
use crate::receiver::{Hit, Receiver};
use crate::sms_mo::{mo, rows, settings as mo_settings, stop};
use axum::http::Method;
use dargah::config::Settings;
use dargah::registry::model::RequestState;
use dargah::sim::sink::Sink;
use dargah::sms::mo_forward::ForwardMethod;
use percent_encoding::percent_decode_str;
use std::time::Duration;

/// A question no keyword claims.
const QUESTION: &str = "سلام،  کارت من کی می‌رسد؟";

fn settings(db: &TestDb, sink: &Sink, url: String) -> Settings {
    let mut s = mo_settings(db, sink);
    let f = &mut s.sms.mo_forward;
    f.url = Some(url);
    f.poll_interval = Duration::from_millis(50);
    f.backoff_min = Duration::from_millis(100);
    f.backoff_max = Duration::from_millis(400);
    f.attempts = 5;
    s
}

/// Inbox states and texts, once `n` messages reached a final state.
async fn settled(db: &TestDb, n: usize) -> Vec<(String, Option<String>)> {
    let sql = "SELECT state, text FROM sms_inbox \
               WHERE state IN ('forwarded', 'forward_failed', 'replied') ORDER BY id";
    rows(db, sql, n).await
}

/// `(attempt, status code)` of every recorded forward attempt.
async fn attempts(db: &TestDb) -> Vec<(i64, Option<i64>)> {
    sqlx::query_as(
        "SELECT CAST(attempt AS BIGINT), CAST(status_code AS BIGINT) \
         FROM sms_mo_forward_attempts ORDER BY inbox_id, attempt",
    )
    .fetch_all(&db.raw().await)
    .await
    .unwrap()
}

/// The query's `(name, value)` pairs, percent-decoded as UTF-8.
fn query(hit: &Hit) -> Vec<(String, String)> {
    let decode = |s: &str| percent_decode_str(s).decode_utf8().unwrap().into_owned();
    let q = hit.uri.query().unwrap_or_default();
    q.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(n, v)| (decode(n), decode(v)))
        .collect()
}

async fn an_unclaimed_persian_mo_is_forwarded_with_get_and_kannel_escapes(db: TestDb) {
    db.registry().await;
    let sink = Sink::start(false).await.unwrap();
    let web = Receiver::start(&[], 200, "").await;
    let url = web.url("/mo?from=%p&to=%P&text=%a&raw=%b&kw=%k&rest=%r&coding=%c&smsc=%i&id=%I");
    let app = spawn_app_with(settings(&db, &sink, url)).await;
    sink.send_mo(mo("09350000003", QUESTION));

    let states = settled(&db, 1).await;
    assert_eq!(
        states,
        vec![("forwarded".to_owned(), Some(QUESTION.to_owned()))]
    );
    let hits = web.hits();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].method, Method::GET);
    let raw = hits[0].uri.query().unwrap();
    assert!(
        raw.contains("text=%D8%B3%D9%84%D8%A7%D9%85"),
        "UTF-8, percent-encoded: {raw}"
    );
    let q = query(&hits[0]);
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("from"), Some("09350000003"));
    assert_eq!(get("to"), Some("6090"));
    assert_eq!(
        get("text"),
        Some("سلام، کارت من کی می‌رسد؟"),
        "words squeezed"
    );
    assert_eq!(get("raw"), Some(QUESTION), "as received");
    assert_eq!(get("kw"), Some("سلام،"));
    assert_eq!(get("rest"), Some("کارت من کی می‌رسد؟"));
    assert_eq!(get("coding"), Some("2"));
    assert_eq!(get("smsc"), Some("mci"));
    assert_eq!(attempts(&db).await, vec![(1, Some(200))]);
    stop(app).await;
}

async fn post_sends_json_with_the_token_and_the_answer_is_sent_back_by_sms(db: TestDb) {
    db.registry().await;
    let sink = Sink::start(false).await.unwrap();
    let web = Receiver::start(&[], 200, "پیام شما رسید").await;
    let mut s = settings(&db, &sink, web.url("/mo"));
    s.sms.mo_forward.method = ForwardMethod::Post;
    s.sms.mo_forward.bearer_token = Some("t0ken-S3cret".into());
    s.sms.mo_forward.reply = true;
    let app = spawn_app_with(s).await;
    sink.send_mo(mo("09350000004", QUESTION));

    assert_eq!(settled(&db, 1).await[0].0, "forwarded");
    let hits = web.hits();
    assert_eq!((hits.len(), &hits[0].method), (1, &Method::POST));
    assert_eq!(hits[0].headers["authorization"], "Bearer t0ken-S3cret");
    let body: serde_json::Value = serde_json::from_str(&hits[0].body).unwrap();
    assert_eq!(body["from"], "09350000004");
    assert_eq!(body["to"], "6090");
    assert_eq!(body["text"], QUESTION);
    assert_eq!(
        (body["parts"].as_i64(), body["coding"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(body["carrier"], "mci");
    assert!(
        body["id"].as_i64().is_some() && body["received_at"].is_string(),
        "{body}"
    );
    let sent: Vec<(String, String, String)> = rows(
        &db,
        "SELECT recipient, body, client FROM sms_outbox WHERE id = \
         (SELECT reply_outbox_id FROM sms_inbox)",
        1,
    )
    .await;
    let answer = (
        "989350000004".into(),
        "پیام شما رسید".into(),
        "mo-forward".into(),
    );
    assert_eq!(sent, vec![answer]);
    stop(app).await;
}

async fn a_receiver_failing_twice_with_503_gets_it_on_the_third_attempt(db: TestDb) {
    db.registry().await;
    let sink = Sink::start(false).await.unwrap();
    let web = Receiver::start(&[503, 503], 200, "").await;
    let app = spawn_app_with(settings(&db, &sink, web.url("/mo"))).await;
    sink.send_mo(mo("09350000005", QUESTION));

    assert_eq!(settled(&db, 1).await[0].0, "forwarded");
    assert_eq!(
        attempts(&db).await,
        vec![(1, Some(503)), (2, Some(503)), (3, Some(200))]
    );
    assert_eq!(web.hits().len(), 3);
    let status: Vec<(String, i64)> = rows(
        &db,
        "SELECT status, CAST(attempts AS BIGINT) FROM sms_mo_forwards",
        1,
    )
    .await;
    assert_eq!(status, vec![("sent".to_owned(), 3)]);
    stop(app).await;
}

async fn a_404_fails_permanently_after_one_attempt(db: TestDb) {
    db.registry().await;
    let sink = Sink::start(false).await.unwrap();
    let web = Receiver::start(&[], 404, "").await;
    let app = spawn_app_with(settings(&db, &sink, web.url("/gone"))).await;
    sink.send_mo(mo("09350000006", QUESTION));

    assert_eq!(settled(&db, 1).await[0].0, "forward_failed");
    assert_eq!(attempts(&db).await, vec![(1, Some(404))]);
    let last: Vec<(String, Option<String>)> =
        rows(&db, "SELECT status, last_error FROM sms_mo_forwards", 1).await;
    assert_eq!(
        last,
        vec![("given_up".to_owned(), Some("HTTP 404 Not Found".to_owned()))]
    );
    assert_eq!(web.hits().len(), 1);
    stop(app).await;
}

async fn a_keyword_claimed_mo_is_answered_and_not_forwarded(db: TestDb) {
    let r = db.registry().await;
    request(r.as_ref(), 1, RequestState::ProductionStarted, None).await;
    let sink = Sink::start(false).await.unwrap();
    let web = Receiver::start(&[], 200, "").await;
    let app = spawn_app_with(settings(&db, &sink, web.url("/mo?text=%a"))).await;
    sink.send_mo(mo(&mobile(1).local(), "وضعیت"));
    sink.send_mo(mo("09350000007", QUESTION));

    let mut states = settled(&db, 2).await;
    states.sort();
    assert_eq!(
        states,
        vec![
            ("forwarded".to_owned(), Some(QUESTION.to_owned())),
            ("replied".to_owned(), Some("وضعیت".to_owned())),
        ]
    );
    let hits = web.hits();
    assert_eq!(hits.len(), 1, "only the unclaimed one: {hits:?}");
    assert_eq!(query(&hits[0])[0].1, "سلام، کارت من کی می‌رسد؟");
    assert_eq!(attempts(&db).await.len(), 1);
    stop(app).await;
}

async fn a_forward_pending_when_the_gateway_stops_is_sent_after_a_restart(db: TestDb) {
    db.registry().await;
    let sink = Sink::start(false).await.unwrap();
    let down = Receiver::start(&[], 503, "").await;
    let mut s = settings(&db, &sink, down.url("/mo"));
    // Long enough that the first gateway cannot exhaust its attempts.
    s.sms.mo_forward.attempts = 50;
    s.sms.mo_forward.backoff_min = Duration::from_millis(300);
    let app = spawn_app_with(s).await;
    sink.send_mo(mo("09350000008", QUESTION));
    let _: Vec<(i64,)> = rows(
        &db,
        "SELECT CAST(attempt AS BIGINT) FROM sms_mo_forward_attempts",
        1,
    )
    .await;
    stop(app).await;

    let up = Receiver::start(&[], 200, "").await;
    let app = spawn_app_with(settings(&db, &sink, up.url("/mo"))).await;
    assert_eq!(settled(&db, 1).await[0].0, "forwarded");
    assert_eq!(up.hits().len(), 1);
    let recorded = attempts(&db).await;
    assert_eq!(recorded.last().unwrap().1, Some(200), "{recorded:?}");
    assert!(
        recorded[..recorded.len() - 1]
            .iter()
            .all(|a| a.1 == Some(503)),
        "{recorded:?}"
    );
    stop(app).await;
}

async fn without_a_url_unclaimed_mo_stay_unclaimed(db: TestDb) {
    db.registry().await;
    let sink = Sink::start(false).await.unwrap();
    let app = spawn_app_with(mo_settings(&db, &sink)).await;
    sink.send_mo(mo("09350000009", QUESTION));
    let stored: Vec<(String,)> = rows(
        &db,
        "SELECT state FROM sms_inbox WHERE state <> 'received'",
        1,
    )
    .await;
    assert_eq!(stored, vec![("unclaimed".to_owned(),)]);
    let forwards: Vec<(i64,)> = rows(&db, "SELECT COUNT(*) FROM sms_mo_forwards", 1).await;
    assert_eq!(forwards, vec![(0,)]);
    stop(app).await;
}

on_both_backends!(
    an_unclaimed_persian_mo_is_forwarded_with_get_and_kannel_escapes,
    post_sends_json_with_the_token_and_the_answer_is_sent_back_by_sms,
    a_receiver_failing_twice_with_503_gets_it_on_the_third_attempt,
    a_404_fails_permanently_after_one_attempt,
    a_keyword_claimed_mo_is_answered_and_not_forwarded,
    a_forward_pending_when_the_gateway_stops_is_sent_after_a_restart,
    without_a_url_unclaimed_mo_stay_unclaimed,
);
