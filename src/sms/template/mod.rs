//! Persian SMS templates: TOML files beside the menus (`menus/sms/*.toml`),
//! each a `[samples]` table (every variable a template may use, with its
//! longest value) and `[templates.NAME]` texts in the menu template language
//! (`{name|filter}`, see `crate::menu::template`).
//!
//! Separate from the menus because an SMS is not a screen: it has no options
//! and no pages, but it must fit `sms.max_parts` parts with the longest values,
//! and its variables come from the code that sends it, not from a session.

mod check;

use crate::menu::template::Template;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub use check::{load_dir, load_file};

/// Why a template could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// No template has this name.
    #[error("no SMS template named {0:?}")]
    Unknown(String),
    /// The sender did not give a variable the template uses.
    #[error("SMS template {template:?} needs variable {variable:?}")]
    Missing {
        /// The template.
        template: String,
        /// The missing variable.
        variable: String,
    },
}

/// One compiled template.
#[derive(Debug, Clone)]
pub struct SmsTemplate {
    /// The file it came from.
    pub file: PathBuf,
    text: Template,
}

/// Every template, by name; names are unique across files.
#[derive(Debug, Clone, Default)]
pub struct TemplateSet {
    templates: BTreeMap<String, SmsTemplate>,
}

impl TemplateSet {
    /// Whether a template `name` exists.
    pub fn contains(&self, name: &str) -> bool {
        self.templates.contains_key(name)
    }

    /// Template names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.templates.keys().map(String::as_str)
    }

    /// How many templates there are.
    pub fn len(&self) -> usize {
        self.templates.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.templates.is_empty()
    }

    /// The variables template `name` reads.
    pub fn variables(&self, name: &str) -> Result<BTreeSet<String>, TemplateError> {
        let t = self.get(name)?;
        Ok(t.text.variables().map(str::to_owned).collect())
    }

    /// Renders template `name`; every variable it uses must be given (an SMS
    /// with a hole in it is worse than no SMS).
    pub fn render(
        &self,
        name: &str,
        vars: &BTreeMap<String, String>,
    ) -> Result<String, TemplateError> {
        let t = self.get(name)?;
        if let Some(missing) = t.text.variables().find(|v| !vars.contains_key(*v)) {
            return Err(TemplateError::Missing {
                template: name.to_owned(),
                variable: missing.to_owned(),
            });
        }
        Ok(t.text.render(|v| vars.get(v).map(String::as_str)))
    }

    /// The names in `required` that no file defines.
    pub fn missing<'a>(&self, required: &[&'a str]) -> Vec<&'a str> {
        required
            .iter()
            .copied()
            .filter(|n| !self.contains(n))
            .collect()
    }

    fn get(&self, name: &str) -> Result<&SmsTemplate, TemplateError> {
        self.templates
            .get(name)
            .ok_or_else(|| TemplateError::Unknown(name.to_owned()))
    }

    fn insert(&mut self, name: String, template: SmsTemplate) -> Option<SmsTemplate> {
        self.templates.insert(name, template)
    }
}

/// The templates folder of a menus folder: `menus/sms`.
pub fn dir_of(menus_dir: &Path) -> PathBuf {
    menus_dir.join("sms")
}

#[cfg(test)]
mod tests;
