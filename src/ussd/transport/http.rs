//! HTTP aggregator callbacks: one axum route per configured dialect.
//! Bad requests get 400 with a reason; everything else gets a page.

use super::cumulative::{CumulativeForm, body, inputs};
use super::hubtel::{HopReply, HopRequest, kind};
use crate::domain::{Msisdn, ServiceCode};
use crate::ussd::settings::Dialect;
use crate::ussd::{RequestKind, UssdRequest, UssdService};
use axum::Router;
use axum::extract::rejection::{JsonRejection, RawFormRejection};
use axum::extract::{Form, FromRequest, Json, RawForm, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

/// The routes of `service.settings().routes` (by default `POST /ussd/africastalking`
/// and `POST /ussd/hubtel`), ready to merge into the application's router.
pub fn router(service: UssdService) -> Router {
    let mut router = Router::new();
    for route in service.settings().routes.clone() {
        let carrier = route.carrier.clone();
        router = match route.dialect {
            Dialect::Cumulative => router.route(
                &route.path,
                post(
                    move |State(s): State<UssdService>, form: Result<RawForm, RawFormRejection>| {
                        cumulative(s, carrier.clone(), form)
                    },
                ),
            ),
            Dialect::PerHopJson => router.route(
                &route.path,
                post(
                    move |State(s): State<UssdService>,
                          json: Result<Json<HopRequest>, JsonRejection>| {
                        per_hop(s, carrier.clone(), json)
                    },
                ),
            ),
        };
    }
    router.with_state(service)
}

fn bad_request(reason: impl std::fmt::Display) -> Response {
    (StatusCode::BAD_REQUEST, format!("bad request: {reason}")).into_response()
}

async fn cumulative(
    service: UssdService,
    carrier: String,
    form: Result<RawForm, RawFormRejection>,
) -> Response {
    let form = match form {
        Ok(RawForm(body)) => match decode(body).await {
            Ok(f) => f,
            Err(reason) => return bad_request(reason),
        },
        // The content type and body checks `Form` makes, with its texts.
        Err(e) => return bad_request(e.body_text()),
    };
    let msisdn = match Msisdn::parse(&form.phone_number) {
        Ok(m) => m,
        Err(e) => return bad_request(format!("phoneNumber: {e}")),
    };
    let code = match ServiceCode::parse(&form.service_code) {
        Ok(c) => c,
        Err(e) => return bad_request(format!("serviceCode: {e}")),
    };
    let parts = inputs(&form.text);
    let known = service.knows_session(&msisdn, &form.session_id).await;
    let (kind, dialled, input) = match (known, parts.last()) {
        (true, Some(last)) => (RequestKind::Continue, None, last.to_string()),
        _ => (
            RequestKind::Begin,
            Some(deep_link(&code, &parts)),
            String::new(),
        ),
    };
    let request = UssdRequest {
        session_id: form.session_id,
        msisdn,
        dialled,
        input,
        kind,
        carrier: Some(carrier),
    };
    let reply = service.handle(request).await;
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body(&reply.text, reply.end),
    )
        .into_response()
}

/// The callback's fields: read directly when the body is well formed, else
/// through axum's `Form`, so a bad body gets exactly `Form`'s reason.
async fn decode(body: bytes::Bytes) -> Result<CumulativeForm, String> {
    if let Some(form) = CumulativeForm::parse(&body) {
        return Ok(form);
    }
    let req = axum::http::Request::post("/")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body))
        .map_err(|e| e.to_string())?;
    match Form::<CumulativeForm>::from_request(req, &()).await {
        Ok(Form(form)) => Ok(form),
        Err(e) => Err(e.body_text()),
    }
}

/// `*4*6090#` with inputs `["1", "0012345679"]` → `*4*6090*1*0012345679#`.
fn deep_link(code: &ServiceCode, parts: &[&str]) -> ServiceCode {
    let extra: Vec<String> = parts
        .iter()
        .map(|p| crate::domain::digits::normalize_digits(p).into_owned())
        .collect();
    if extra.is_empty()
        || extra
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return code.clone();
    }
    ServiceCode::parse(&format!(
        "*{}*{}#",
        code.segments().join("*"),
        extra.join("*")
    ))
    .unwrap_or_else(|_| code.clone())
}

async fn per_hop(
    service: UssdService,
    carrier: String,
    json: Result<Json<HopRequest>, JsonRejection>,
) -> Response {
    let hop = match json {
        Ok(Json(h)) => h,
        Err(e) => return bad_request(e.body_text()),
    };
    let Some(kind) = kind(&hop.kind) else {
        return bad_request(format!(
            "Type {:?} is not Initiation, Response, Release or Timeout",
            hop.kind
        ));
    };
    let msisdn = match Msisdn::parse(&hop.mobile) {
        Ok(m) => m,
        Err(e) => return bad_request(format!("Mobile: {e}")),
    };
    let dialled = match kind {
        RequestKind::Begin => match dialled(&hop) {
            Some(code) => Some(code),
            None => return bad_request("ServiceCode: not a USSD service code like *4*6090#"),
        },
        _ => None,
    };
    let input = if kind == RequestKind::Continue {
        hop.message
    } else {
        String::new()
    };
    let request = UssdRequest {
        session_id: hop.session_id,
        msisdn,
        dialled,
        input,
        kind,
        carrier: Some(carrier),
    };
    let reply = service.handle(request).await;
    Json(HopReply::new(reply.text, reply.end)).into_response()
}

/// On initiation the message holds the full dialled string (with any deep link).
fn dialled(hop: &HopRequest) -> Option<ServiceCode> {
    ServiceCode::parse(&hop.message)
        .or_else(|_| ServiceCode::parse(&hop.service_code))
        .ok()
}
