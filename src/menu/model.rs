//! The serde model of one `menus/*.toml` file, exactly as a menu author writes it.
//!
//! Kept apart from validation so the file format can be read (and documented)
//! on its own; nothing here knows about actions, pages or sessions.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A text in every language of the service: `text.fa = "…"`, `text.en = "…"`.
pub type Text = BTreeMap<String, String>;

/// One service file: its header, optional label overrides, samples and screens.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MenuFile {
    /// Who the service is and where it starts.
    pub service: ServiceHeader,
    /// Overrides of the engine's built-in texts, per language.
    #[serde(default)]
    pub labels: BTreeMap<String, BTreeMap<String, String>>,
    /// The longest value each variable may take, for the page-fit check.
    #[serde(default)]
    pub samples: BTreeMap<String, String>,
    /// The screens, by id.
    pub screens: BTreeMap<String, Spanned<Screen>>,
}

/// The `[service]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceHeader {
    /// A short unique name (`national-card`).
    pub id: String,
    /// The USSD codes that reach it (`*4*6090#`).
    pub codes: Vec<String>,
    /// Its languages; the first is the default.
    pub languages: Vec<String>,
    /// The first screen (also where `00` leads).
    pub start: String,
    /// How many invalid inputs a screen tolerates before the session ends.
    #[serde(default = "default_retries")]
    pub retries: u8,
}

fn default_retries() -> u8 {
    3
}

/// One screen; `kind` picks which of the fields apply.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Screen {
    /// Numbered options, static or from a list variable.
    Menu(MenuScreen),
    /// A prompt whose answer is validated and stored.
    Input(InputScreen),
    /// A call to a named Rust action, routed on its outcome.
    Action(ActionScreen),
    /// The last page: text, then the session ends.
    Message(MessageScreen),
}

/// `kind = "menu"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MenuScreen {
    /// The heading above the options.
    pub text: Text,
    /// Static options, numbered in order among those whose condition holds.
    #[serde(default)]
    pub options: Vec<MenuOption>,
    /// A dynamic list instead of (or after) the static options.
    pub list: Option<ListSource>,
}

/// One static option.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MenuOption {
    /// What the citizen reads after the number.
    pub label: Text,
    /// The screen it leads to.
    pub target: String,
    /// Shown only when this condition holds (`stage == 'paid'`).
    pub when: Option<String>,
    /// Variables set when chosen (`set = { lang = "en" }`).
    #[serde(default)]
    pub set: BTreeMap<String, String>,
}

/// `list = { from = "offices", item = "{name} {shift|shift}", store = "office", target = "…" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListSource {
    /// The list variable (set by an action).
    pub from: String,
    /// How one item reads; its fields are the template's variables.
    pub item: Text,
    /// The chosen item's fields are stored as `store.field`.
    pub store: String,
    /// The screen a choice leads to.
    pub target: String,
}

/// `kind = "input"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputScreen {
    /// The prompt.
    pub text: Text,
    /// What a valid answer is.
    pub validator: crate::menu::validate::Validator,
    /// The variable the normalised answer goes to.
    pub store: String,
    /// The one-line error shown above the prompt after an invalid answer.
    pub error: Text,
    /// The screen after a valid answer.
    pub next: String,
    /// Overrides the service's retry limit.
    pub retries: Option<u8>,
}

/// `kind = "action"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionScreen {
    /// The registered action's name.
    pub action: String,
    /// Parameters, each a template over session variables.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// Outcome label → next screen; `default` catches the rest.
    pub on: BTreeMap<String, String>,
}

/// `kind = "message"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageScreen {
    /// The final text (paged with "more" when long; the last page ends the session).
    pub text: Text,
}

impl Screen {
    /// Every screen id this screen can lead to.
    pub fn targets(&self) -> Vec<&str> {
        match self {
            Screen::Menu(m) => m
                .options
                .iter()
                .map(|o| o.target.as_str())
                .chain(m.list.iter().map(|l| l.target.as_str()))
                .collect(),
            Screen::Input(i) => vec![i.next.as_str()],
            Screen::Action(a) => a.on.values().map(String::as_str).collect(),
            Screen::Message(_) => Vec::new(),
        }
    }
}
