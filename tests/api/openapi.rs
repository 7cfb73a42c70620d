//! `GET /openapi.json`: the JSON API's OpenAPI 3 document parses, lists every
//! JSON route the router serves, and each route it lists is really served.

use crate::helpers::{TestApp, spawn_app};
use serde_json::Value;
use std::collections::BTreeSet;

/// (method, path) of every JSON route the gateway serves.
const JSON_ROUTES: &[(&str, &str)] = &[
    ("get", "/v1/sms/{id}"),
    ("post", "/v1/otp"),
    ("post", "/v1/otp/verify"),
    ("post", "/v1/sms"),
];

async fn document(app: &TestApp) -> Value {
    let r = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    r.json().await.expect("the document is JSON")
}

fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            let methods = item.as_object().expect("a path item").keys();
            methods.map(move |m| (m.clone(), path.clone()))
        })
        .collect()
}

#[tokio::test]
async fn the_document_is_openapi_3_and_lists_every_json_route() {
    let (app, _db) = spawn_app().await;
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    let expected: BTreeSet<_> = JSON_ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(operations(&doc), expected);
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for schema in [
        "SmsRequest",
        "Sms",
        "ErrorBody",
        "Accepted",
        "OtpRequest",
        "OtpVerdict",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} is described"
        );
    }
}

#[tokio::test]
async fn every_route_in_the_document_is_served_and_asks_for_a_key() {
    let (app, _db) = spawn_app().await;
    let doc = document(&app).await;
    for (method, path) in operations(&doc) {
        let url = app.url(&path.replace("{id}", "1"));
        let request = match method.as_str() {
            "get" => app.client.get(url),
            "post" => app.client.post(url).json(&serde_json::json!({})),
            other => panic!("unexpected method {other}"),
        };
        let r = request.send().await.unwrap();
        assert_eq!(r.status(), 401, "{method} {path} without a key");
        let body: Value = r.json().await.unwrap();
        assert!(body["error"].is_string(), "{method} {path}: {body}");
        let documented = &doc["paths"][&path][&method]["responses"]["401"];
        assert!(documented.is_object(), "{method} {path} documents its 401");
    }
}
