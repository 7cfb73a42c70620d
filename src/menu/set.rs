//! The validated, compiled menu set the engine walks: templates and conditions
//! parsed once, every target known to exist.
//!
//! Only [`crate::menu::check`] builds these, so holding a [`MenuSet`] means the
//! menus passed validation.

use super::condition::Condition;
use super::labels::Labels;
use super::template::Template;
use super::validate::Rule;
use crate::domain::ServiceCode;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A template in each language of the service.
#[derive(Debug, Clone)]
pub struct LangText(pub(crate) BTreeMap<String, Template>);

impl LangText {
    /// The template for `lang`, else the first one.
    pub fn get(&self, lang: &str) -> Option<&Template> {
        self.0.get(lang).or_else(|| self.0.values().next())
    }
}

/// All services, by the codes that reach them.
#[derive(Debug, Clone, Default)]
pub struct MenuSet {
    pub(crate) services: Vec<Arc<Service>>,
}

impl MenuSet {
    /// The service a dialled string reaches, and its deep-link segments.
    pub fn resolve(&self, dialled: &ServiceCode) -> Option<(&Arc<Service>, Vec<String>)> {
        self.services.iter().find_map(|s| {
            s.codes
                .iter()
                .find_map(|c| dialled.deep_link_under(c))
                .map(|rest| (s, rest.to_vec()))
        })
    }

    /// The service named `id`.
    pub fn service(&self, id: &str) -> Option<&Arc<Service>> {
        self.services.iter().find(|s| s.id == id)
    }

    /// All services.
    pub fn services(&self) -> &[Arc<Service>] {
        &self.services
    }
}

/// One service, compiled.
#[derive(Debug, Clone)]
pub struct Service {
    /// Its id.
    pub id: String,
    /// Its codes.
    pub codes: Vec<ServiceCode>,
    /// Its languages, default first.
    pub languages: Vec<String>,
    /// Its first screen.
    pub start: String,
    /// Invalid choices tolerated on a menu screen.
    pub retries: u8,
    /// Engine texts per language.
    pub labels: Labels,
    /// Screens by id.
    pub screens: HashMap<String, Screen>,
}

impl Service {
    /// The default language.
    pub fn default_lang(&self) -> &str {
        self.languages.first().map_or("fa", String::as_str)
    }
}

/// A compiled screen.
#[derive(Debug, Clone)]
pub enum Screen {
    /// Numbered options.
    Menu(Menu),
    /// A validated prompt.
    Input(Input),
    /// A call to a named action.
    Action(ActionCall),
    /// A final text.
    Message(LangText),
}

impl Screen {
    /// Whether the citizen types something here (so it enters the back history).
    pub fn waits_for_input(&self) -> bool {
        matches!(self, Screen::Menu(_) | Screen::Input(_))
    }
}

/// A compiled menu screen.
#[derive(Debug, Clone)]
pub struct Menu {
    /// Heading.
    pub text: LangText,
    /// Static options.
    pub options: Vec<Choice>,
    /// Dynamic list after the static options.
    pub list: Option<List>,
}

/// A compiled static option.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Label.
    pub label: LangText,
    /// Where it leads.
    pub target: String,
    /// When it shows.
    pub when: Option<Condition>,
    /// What it sets.
    pub set: BTreeMap<String, String>,
}

/// A compiled dynamic list.
#[derive(Debug, Clone)]
pub struct List {
    /// The list variable.
    pub from: String,
    /// How an item reads.
    pub item: LangText,
    /// Prefix for the chosen item's fields.
    pub store: String,
    /// Where a choice leads.
    pub target: String,
}

/// A compiled input screen.
#[derive(Debug, Clone)]
pub struct Input {
    /// Prompt.
    pub text: LangText,
    /// Acceptance rule.
    pub validator: Rule,
    /// Variable to store into.
    pub store: String,
    /// Error line.
    pub error: LangText,
    /// Next screen.
    pub next: String,
    /// Invalid inputs tolerated.
    pub retries: u8,
}

/// A compiled action screen.
#[derive(Debug, Clone)]
pub struct ActionCall {
    /// Action name.
    pub action: String,
    /// Parameter templates.
    pub params: BTreeMap<String, Template>,
    /// Outcome → screen.
    pub on: BTreeMap<String, String>,
}
