//! The OpenAPI 3 document of the JSON API, served at `GET /openapi.json`.
//! Paths come from the `#[utoipa::path]` attributes on the handlers and are
//! registered together with their routes (`utoipa_axum`), so a route cannot
//! exist without its description or the other way round.

use axum::http::header;
use axum::response::IntoResponse;
use std::sync::Arc;
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The fixed parts of the document; paths are added by the router.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "dargah SMS API",
        description = "Send SMS and one-time codes through the dargah gateway. \
            Every call takes `Authorization: Bearer KEY` of a client in `[api.clients.NAME]`."
    ),
    modifiers(&BearerAuth),
    tags((name = "sms", description = "Outgoing messages"), (name = "otp", description = "One-time codes"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The route serving `doc`, rendered once.
pub(super) fn route(doc: &Document) -> axum::Router {
    let json: Arc<str> = doc.to_json().unwrap_or_default().into();
    let serve = move || {
        let json = json.clone();
        async move {
            (
                [(header::CONTENT_TYPE, "application/json")],
                json.to_string(),
            )
                .into_response()
        }
    };
    axum::Router::new().route("/openapi.json", axum::routing::get(serve))
}
