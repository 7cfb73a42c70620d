//! Declarative menus: the `menus/*.toml` format, its loader and validator, and
//! the compiled [`MenuSet`] the USSD engine walks.
//!
//! Separate from `ussd` because menus are data authored outside Rust: this
//! module owns everything that can be wrong in a file, with file and line.

pub mod check;
pub mod condition;
pub mod filter;
pub mod labels;
pub mod load;
pub mod model;
pub mod set;
pub mod template;
pub mod validate;

pub use check::{CheckEnv, Problem};
pub use load::Report;
pub use set::MenuSet;

use crate::ussd::{ActionRegistry, UssdSettings};
use std::path::PathBuf;

/// `dargah menus check`: validates the menu files under `paths` (files or
/// directories) against the registered actions and the page limits in `settings`.
pub fn check(paths: &[PathBuf], settings: &UssdSettings, actions: &ActionRegistry) -> Report {
    load::load(paths, CheckEnv { actions, settings }).1
}

/// Loads a valid menu set from `settings.menus_dir`, or the report of what is wrong.
pub fn load_dir(settings: &UssdSettings, actions: &ActionRegistry) -> Result<MenuSet, Report> {
    match load::load(
        std::slice::from_ref(&settings.menus_dir),
        CheckEnv { actions, settings },
    ) {
        (Some(set), _) => Ok(set),
        (None, report) => Err(report),
    }
}
