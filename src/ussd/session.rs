//! The state of one USSD dialogue, serialisable so that any [`SessionStore`]
//! (memory today, Redis later) can keep it between hops.
//!
//! [`SessionStore`]: crate::ussd::store::SessionStore

use super::journey::Pseudonym;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// A session variable: a text, or a list of records an action returned (offices, slots).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A single text.
    Text(String),
    /// Records rendered as numbered options by a menu's `list`.
    List(Vec<BTreeMap<String, String>>),
}

pub use super::vars::Vars;

/// The text of variable `name`, if it is a text.
pub fn text<'a>(vars: &'a Vars, name: &str) -> Option<&'a str> {
    match vars.get(name) {
        Some(Value::Text(t)) => Some(t),
        _ => None,
    }
}

/// Where a dialogue stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Waiting for the citizen's next reply.
    Active,
    /// Dropped (released, timed out, superseded) and kept for resuming.
    Dropped,
    /// Showing "continue where you were / start over".
    OfferingResume,
}

/// One dialogue: where the citizen is, what they typed, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The carrier's or aggregator's session id for the current dial.
    pub carrier_session: String,
    /// The menu service (its `id`).
    pub service: String,
    /// The language texts are shown in.
    pub lang: String,
    /// The current screen.
    pub screen: String,
    /// The page of the current screen (0-based).
    pub page: usize,
    /// Screens to go back to, most recent last.
    pub history: Vec<String>,
    /// Variables set by inputs, options and actions.
    pub vars: Vars,
    /// Invalid inputs on the current screen so far.
    pub retries: u8,
    /// Whether the next render shows the one-line error.
    pub show_error: bool,
    /// Inputs from a deep link, still to be fed to the next screens.
    pub pending: VecDeque<String>,
    /// See [`Phase`].
    pub phase: Phase,
    /// When the dialogue began (ms since the Unix epoch).
    pub started_ms: u64,
    /// When the last hop was answered (ms since the Unix epoch).
    pub last_ms: u64,
    /// The caller's pseudonym for the journey log, hashed once per dialogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pseudonym: Option<Pseudonym>,
}

impl Session {
    /// A new dialogue on `service`'s `start` screen.
    pub fn new(carrier_session: &str, service: &str, lang: &str, start: &str, now_ms: u64) -> Self {
        Session {
            carrier_session: carrier_session.to_owned(),
            service: service.to_owned(),
            lang: lang.to_owned(),
            screen: start.to_owned(),
            page: 0,
            history: Vec::new(),
            vars: Vars::new(),
            retries: 0,
            show_error: false,
            pending: VecDeque::new(),
            phase: Phase::Active,
            started_ms: now_ms,
            last_ms: now_ms,
            pseudonym: None,
        }
    }

    /// Whether the citizen got anywhere worth resuming (past the start screen).
    pub fn is_mid_flow(&self, start: &str) -> bool {
        self.screen != start || !self.history.is_empty()
    }

    /// Moves to `screen`, page 0, with a fresh retry count.
    pub fn go(&mut self, screen: &str) {
        self.screen = screen.to_owned();
        self.page = 0;
        self.retries = 0;
        self.show_error = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typical_session_serialises_well_under_one_kilobyte() {
        let mut s = Session::new(
            "ATUid_1234567890abcdef",
            "national-card",
            "fa",
            "main",
            1_700_000_000_000,
        );
        s.history = vec!["main".into(), "status_menu".into(), "ask_nid".into()];
        s.vars
            .insert("national_id".into(), Value::Text("0012345679".into()));
        s.vars.insert("serial".into(), Value::Text("123456".into()));
        s.vars
            .insert("stage".into(), Value::Text("appointment_chosen".into()));
        s.screen = "ask_serial".into();
        let bytes = serde_json::to_vec(&s).unwrap();
        assert!(bytes.len() < 1024, "{} bytes", bytes.len());
        assert_eq!(serde_json::from_slice::<Session>(&bytes).unwrap(), s);
    }

    #[test]
    fn list_and_text_values_round_trip_untagged() {
        let v = Value::List(vec![BTreeMap::from([(
            "name".to_owned(),
            "دفتر ۱".to_owned(),
        )])]);
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&json).unwrap(), v);
    }
}
