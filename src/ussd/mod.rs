//! The USSD engine: sessions, the pure dialogue step, pagination by encoding,
//! the driver that runs actions, and the carrier transports.
//!
//! Transports turn carrier messages into a transport-neutral [`UssdRequest`]
//! and a [`UssdReply`] back; everything between is carrier-agnostic.

pub mod action;
pub mod dial;
pub mod engine;
mod evict;
pub mod input;
pub mod journey;
pub mod page;
pub mod reload;
pub mod render;
pub mod service;
pub mod session;
pub mod settings;
pub mod store;
pub mod transport;
pub mod vars;

pub use action::{Action, ActionError, ActionOutcome, ActionRegistry, ActionRequest, ActionSpec};
pub use service::UssdService;
pub use settings::UssdSettings;
pub use store::{MemoryStore, SessionStore};

use crate::domain::{Msisdn, ServiceCode};

/// Where in a dialogue a carrier message sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    /// The citizen dialled a code.
    Begin,
    /// The citizen replied to a page.
    Continue,
    /// The citizen (or phone) released the session.
    Abort,
    /// The carrier gave up waiting.
    Timeout,
}

/// One carrier message, whatever the transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UssdRequest {
    /// The carrier's session id.
    pub session_id: String,
    /// The citizen's number.
    pub msisdn: Msisdn,
    /// What was dialled (with any deep-link segments); required on `Begin`.
    pub dialled: Option<ServiceCode>,
    /// The citizen's reply on `Continue` (ignored otherwise).
    pub input: String,
    /// See [`RequestKind`].
    pub kind: RequestKind,
    /// The carrier or route name, for per-carrier limits.
    pub carrier: Option<String>,
}

/// The page to send back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UssdReply {
    /// Page text.
    pub text: String,
    /// `true` for END (release), `false` for CON (wait for a reply).
    pub end: bool,
}
