//! Bringing up the USSD engine: the menus in `ussd.menus_dir` with the actions
//! the services register, and the hot-reload watcher.

use super::StartupError;
use crate::config::Settings;
use crate::menu::Problem;
use crate::registry::Database;
use crate::services::national_card;
use crate::shutdown::Shutdown;
use crate::sms::notifier::Notifier;
use crate::sms::template;
use crate::sms::template::TemplateSet;
use crate::ussd::{ActionRegistry, UssdService};
use std::path::{Path, PathBuf};

/// The actions menus may call. Services register theirs here as they arrive;
/// `dargah menus check` validates against the same set.
pub fn actions(db: &Database, notifier: &Notifier, settings: &Settings) -> ActionRegistry {
    let mut actions = ActionRegistry::new();
    let card =
        national_card::Service::new(db.clone(), notifier.clone(), settings.national_card.clone());
    national_card::register(&mut actions, &card);
    actions
}

/// The SMS templates beside the menus (`ussd.menus_dir/sms`) as a notifier
/// over the outbox. No folder means no templates; a broken file stops the start.
pub fn notifier(settings: &Settings, db: &Database) -> Result<Notifier, StartupError> {
    let dir = template::dir_of(&settings.ussd.menus_dir);
    let templates = templates(&dir, settings.sms.max_parts)
        .map_err(|problems| StartupError::Menus(lines(&problems)))?;
    Ok(Notifier::new(db.outbox.clone(), templates))
}

/// The templates in `dir`, checked; a folder that has templates must have
/// every one the national card service sends.
fn templates(dir: &Path, max_parts: usize) -> Result<TemplateSet, Vec<Problem>> {
    let set = template::load_dir(dir, max_parts)?;
    let missing = set.missing(national_card::TEMPLATES);
    if set.is_empty() || missing.is_empty() {
        return Ok(set);
    }
    Err(vec![Problem {
        file: dir.to_owned(),
        line: 1,
        message: format!("the national card service needs SMS templates {missing:?}"),
    }])
}

/// `dargah menus check` for SMS templates: the `sms` folder of each menus
/// folder in `paths` (of `ussd.menus_dir` when only files are given).
pub fn check_templates(settings: &Settings, paths: &[PathBuf]) -> Vec<Problem> {
    let mut dirs: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.is_dir())
        .map(|p| template::dir_of(p))
        .collect();
    if dirs.is_empty() {
        dirs.push(template::dir_of(&settings.ussd.menus_dir));
    }
    dirs.iter()
        .filter_map(|d| templates(d, settings.sms.max_parts).err())
        .flatten()
        .collect()
}

fn lines(problems: &[Problem]) -> String {
    let all: Vec<String> = problems.iter().map(ToString::to_string).collect();
    all.join("\n")
}

/// The USSD service, or `None` (with a warning) when there is no menus folder:
/// a gateway used only for SMS needs none. An invalid menu set stops the start.
pub fn build(
    settings: &Settings,
    db: &Database,
    notifier: &Notifier,
    shutdown: &Shutdown,
) -> Result<Option<UssdService>, StartupError> {
    let dir = &settings.ussd.menus_dir;
    if !dir.is_dir() {
        tracing::warn!(menus_dir = %dir.display(), "no menus folder: USSD is off");
        return Ok(None);
    }
    let service = UssdService::load(settings.ussd.clone(), actions(db, notifier, settings))
        .map_err(|report| StartupError::Menus(report.to_string()))?;
    if let Some(watcher) = crate::ussd::reload::spawn(service.clone(), shutdown.token()) {
        shutdown.spawn(async move {
            let _ = watcher.await;
        });
    }
    tracing::info!(menus_dir = %dir.display(), "USSD menus loaded");
    Ok(Some(service))
}
