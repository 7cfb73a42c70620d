//! The per-hop JSON dialect (Hubtel style): one JSON object per hop with an
//! explicit `Type`, the reply `{Message, Type: Response|Release}`.

use crate::ussd::RequestKind;
use serde::{Deserialize, Serialize};

/// One callback (fields the gateway does not use are ignored).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HopRequest {
    /// The aggregator's session id.
    pub session_id: String,
    /// The citizen's number.
    pub mobile: String,
    /// The service code.
    #[serde(default)]
    pub service_code: String,
    /// `Initiation`, `Response`, `Release` or `Timeout`.
    #[serde(rename = "Type")]
    pub kind: String,
    /// The dialled string on initiation, the reply afterwards.
    #[serde(default)]
    pub message: String,
}

/// The reply object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HopReply {
    /// Page text.
    pub message: String,
    /// `Response` (wait for a reply) or `Release` (end).
    #[serde(rename = "Type")]
    pub kind: String,
}

/// The request kind for a `Type` value.
pub fn kind(value: &str) -> Option<RequestKind> {
    match value.to_ascii_lowercase().as_str() {
        "initiation" => Some(RequestKind::Begin),
        "response" => Some(RequestKind::Continue),
        "release" => Some(RequestKind::Abort),
        "timeout" => Some(RequestKind::Timeout),
        _ => None,
    }
}

impl HopReply {
    /// The reply for a page.
    pub fn new(text: String, end: bool) -> Self {
        let kind = if end { "Release" } else { "Response" };
        HopReply {
            message: text,
            kind: kind.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_map_to_request_kinds() {
        assert_eq!(kind("Initiation"), Some(RequestKind::Begin));
        assert_eq!(kind("Response"), Some(RequestKind::Continue));
        assert_eq!(kind("Release"), Some(RequestKind::Abort));
        assert_eq!(kind("Timeout"), Some(RequestKind::Timeout));
        assert_eq!(kind("Hello"), None);
    }
}
