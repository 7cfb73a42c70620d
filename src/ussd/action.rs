//! Actions: the named Rust behaviour a menu's action screen calls (database
//! reads and writes), registered by name with a declaration of what they produce.
//!
//! The declaration ([`ActionSpec`]) lets the menu validator refuse unknown
//! actions, unknown outcomes and unknown variables before any citizen dials.

use super::session::{Value, Vars};
use super::store::BoxFuture;
use crate::domain::Msisdn;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What an action is given.
#[derive(Debug, Clone)]
pub struct ActionRequest {
    /// The citizen's number.
    pub msisdn: Msisdn,
    /// The parameters the screen wrote, rendered from templates.
    pub params: BTreeMap<String, String>,
    /// All session variables.
    pub vars: Vars,
    /// The session's language.
    pub lang: String,
}

impl ActionRequest {
    /// Parameter `name`, or the empty string.
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map_or("", String::as_str)
    }
}

/// What an action returns: a label the screen routes on, and variables to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionOutcome {
    /// `ok`, `not_found`, `locked`, `full`, … as declared in the spec.
    pub label: String,
    /// Variables to set (texts, or lists rendered as numbered options).
    pub set: Vars,
}

impl ActionOutcome {
    /// An outcome with no variables.
    pub fn new(label: &str) -> Self {
        ActionOutcome {
            label: label.to_owned(),
            set: Vars::new(),
        }
    }

    /// Adds a text variable.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.set.insert(name.to_owned(), Value::Text(value.into()));
        self
    }

    /// Adds a list variable.
    pub fn with_list(mut self, name: &str, items: Vec<BTreeMap<String, String>>) -> Self {
        self.set.insert(name.to_owned(), Value::List(items));
        self
    }
}

/// Why an action failed; the engine routes it as the `error` outcome.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ActionError(pub String);

/// A named behaviour a menu can call.
pub trait Action: Send + Sync + 'static {
    /// Runs once per visit of an action screen.
    fn run(&self, request: ActionRequest) -> BoxFuture<'_, Result<ActionOutcome, ActionError>>;
}

impl<F, Fut> Action for F
where
    F: Fn(ActionRequest) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<ActionOutcome, ActionError>> + Send + 'static,
{
    fn run(&self, request: ActionRequest) -> BoxFuture<'_, Result<ActionOutcome, ActionError>> {
        Box::pin(self(request))
    }
}

/// What an action declares: its parameters, outcomes and outputs with their
/// longest sample values (used by the page-fit check).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionSpec {
    /// The name menus call it by.
    pub name: String,
    /// Parameters a screen must pass.
    pub params: Vec<String>,
    /// Outcome labels it may return (`error` is always possible).
    pub outcomes: Vec<String>,
    /// Text outputs, with their longest sample.
    pub outputs: BTreeMap<String, String>,
    /// List outputs: field → longest sample, and how many items at most.
    pub lists: BTreeMap<String, ListSpec>,
}

/// A list output's shape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListSpec {
    /// Field name → longest sample.
    pub fields: BTreeMap<String, String>,
    /// Most items it returns.
    pub max_items: usize,
}

impl ActionSpec {
    /// An action `name` with the given outcome labels.
    pub fn new(name: &str, outcomes: &[&str]) -> Self {
        ActionSpec {
            name: name.to_owned(),
            outcomes: outcomes.iter().map(|s| s.to_string()).collect(),
            ..ActionSpec::default()
        }
    }

    /// Declares parameters.
    pub fn params(mut self, names: &[&str]) -> Self {
        self.params.extend(names.iter().map(|s| s.to_string()));
        self
    }

    /// Declares a text output and its longest sample.
    pub fn output(mut self, name: &str, sample: &str) -> Self {
        self.outputs.insert(name.to_owned(), sample.to_owned());
        self
    }

    /// Declares a list output with its fields' samples.
    pub fn list(mut self, name: &str, max_items: usize, fields: &[(&str, &str)]) -> Self {
        let fields = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.lists
            .insert(name.to_owned(), ListSpec { fields, max_items });
        self
    }

    /// Whether `label` is an outcome this action can produce.
    pub fn has_outcome(&self, label: &str) -> bool {
        label == "error" || label == "default" || self.outcomes.iter().any(|o| o == label)
    }
}

/// Actions by name. Build it once, then hand it to the service.
#[derive(Clone, Default)]
pub struct ActionRegistry {
    actions: HashMap<String, (ActionSpec, Arc<dyn Action>)>,
}

impl ActionRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `action` under `spec.name` (replacing any earlier one).
    pub fn register(&mut self, spec: ActionSpec, action: impl Action) -> &mut Self {
        self.actions
            .insert(spec.name.clone(), (spec, Arc::new(action)));
        self
    }

    /// The declaration of `name`.
    pub fn spec(&self, name: &str) -> Option<&ActionSpec> {
        self.actions.get(name).map(|(s, _)| s)
    }

    /// The action `name`.
    pub fn get(&self, name: &str) -> Option<Arc<dyn Action>> {
        self.actions.get(name).map(|(_, a)| a.clone())
    }

    /// Registered names, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.actions.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }
}

impl std::fmt::Debug for ActionRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionRegistry")
            .field("actions", &self.names())
            .finish()
    }
}
