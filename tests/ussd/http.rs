//! The HTTP dialects: cumulative form posts and per-hop JSON, and their 400s.

use super::support::service;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use dargah::ussd::transport::http::router;
use tower::ServiceExt;

async fn post(
    app: &axum::Router,
    path: &str,
    content_type: &str,
    body: String,
) -> (StatusCode, String) {
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

fn form(session: &str, phone: &str, text: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    format!(
        "sessionId={session}&serviceCode={}&phoneNumber={}&networkCode=43211&text={}",
        enc("*4*6090#"),
        enc(phone),
        enc(text)
    )
}

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test]
async fn the_cumulative_dialect_takes_the_newest_input_from_the_text() {
    let app = router(service().0);
    let (status, body) = post(
        &app,
        "/ussd/africastalking",
        FORM,
        form("AT1", "+989121234567", ""),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.starts_with("CON ") && body.contains("۱- وضعیت کارت"),
        "{body}"
    );
    let (_, body) = post(
        &app,
        "/ussd/africastalking",
        FORM,
        form("AT1", "+989121234567", "1"),
    )
    .await;
    assert!(
        body.starts_with("CON ") && body.contains("کد ملی"),
        "{body}"
    );
    let (_, body) = post(
        &app,
        "/ussd/africastalking",
        FORM,
        form("AT1", "+989121234567", "1*0499370899"),
    )
    .await;
    assert!(body.starts_with("CON ") && body.contains("سریال"), "{body}");
    let (_, body) = post(
        &app,
        "/ussd/africastalking",
        FORM,
        form("AT1", "+989121234567", "1*0499370899*123456"),
    )
    .await;
    assert!(
        body.starts_with("END ") && body.contains("پیدا نشد"),
        "{body}"
    );
}

#[tokio::test]
async fn a_first_cumulative_callback_with_text_is_a_deep_link() {
    let app = router(service().0);
    let (_, body) = post(
        &app,
        "/ussd/africastalking",
        FORM,
        form("AT2", "09121234567", "1*0012345679"),
    )
    .await;
    assert!(body.starts_with("CON ") && body.contains("سریال"), "{body}");
}

#[tokio::test]
async fn bad_cumulative_requests_get_400_with_a_reason() {
    let app = router(service().0);
    let (status, body) = post(
        &app,
        "/ussd/africastalking",
        FORM,
        form("AT3", "02112345678", ""),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("phoneNumber"), "{body}");
    let (status, body) = post(&app, "/ussd/africastalking", FORM, "sessionId=x".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("missing field"), "{body}");
}

fn hop(session: &str, kind: &str, message: &str) -> String {
    serde_json::json!({"SessionId": session, "Mobile": "233244000000", "ServiceCode": "*4*6090#", "Type": kind, "Message": message, "Operator": "x"})
        .to_string()
        .replace("233244000000", "989121234567")
}

#[tokio::test]
async fn the_per_hop_json_dialect_answers_response_then_release() {
    let app = router(service().0);
    let json = "application/json";
    let (status, body) = post(
        &app,
        "/ussd/hubtel",
        json,
        hop("H1", "Initiation", "*4*6090*1#"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let reply: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(reply["Type"], "Response");
    assert!(reply["Message"].as_str().unwrap().contains("کد ملی"));
    let (_, body) = post(&app, "/ussd/hubtel", json, hop("H1", "Response", "0")).await;
    assert!(body.contains("وضعیت کارت"), "{body}");
    let (_, body) = post(&app, "/ussd/hubtel", json, hop("H1", "Release", "")).await;
    let reply: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(reply["Type"], "Release");
}

#[tokio::test]
async fn bad_per_hop_requests_get_400_with_a_reason() {
    let app = router(service().0);
    let json = "application/json";
    let (status, body) = post(&app, "/ussd/hubtel", json, hop("H2", "Dance", "")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("Type \"Dance\""), "{body}");
    let (status, _) = post(&app, "/ussd/hubtel", json, "{not json".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = post(
        &app,
        "/ussd/hubtel",
        json,
        hop("H3", "Initiation", "hello").replace("*4*6090#", ""),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("ServiceCode"), "{body}");
}
