//! The fixture service: the sample menus under `tests/fixtures/menus` with
//! test actions standing in for the registration database. Actions record
//! their writes as "effects" so journeys can assert them.

use dargah::ussd::action::{ActionError, ActionOutcome, ActionRegistry, ActionRequest, ActionSpec};
use dargah::ussd::{UssdService, UssdSettings};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Writes the test actions made, in order.
#[derive(Clone, Default)]
pub struct Effects(Arc<Mutex<Vec<String>>>);

impl Effects {
    pub fn push(&self, line: String) {
        self.0.lock().unwrap().push(line);
    }

    pub fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn settings() -> UssdSettings {
    UssdSettings {
        menus_dir: fixtures().join("menus"),
        hot_reload: false,
        ..UssdSettings::default()
    }
}

/// The fixture service and its effect log.
pub fn service() -> (UssdService, Effects) {
    service_with(settings())
}

pub fn service_with(settings: UssdSettings) -> (UssdService, Effects) {
    super::journal::captured();
    let effects = Effects::default();
    let actions = actions(&effects);
    let service = UssdService::load(settings, actions).unwrap_or_else(|report| panic!("{report}"));
    (service, effects)
}

pub fn actions(effects: &Effects) -> ActionRegistry {
    let mut r = ActionRegistry::new();
    r.register(card_status_spec(), card_status);
    r.register(
        ActionSpec::new("list_offices", &["ok", "full"])
            .params(&["date", "area", "stairs"])
            .list(
                "offices",
                12,
                &[
                    ("id", "12"),
                    ("name", "دفتر پیشخوان شماره ۱۲ تهران"),
                    ("shift", "evening"),
                    ("free", "100"),
                ],
            ),
        list_offices,
    );
    let e = effects.clone();
    r.register(
        ActionSpec::new("book_slot", &["ok", "full"])
            .params(&["national_id", "office", "date", "shift"])
            .output("tracking", "123456789012"),
        move |req: ActionRequest| {
            let e = e.clone();
            async move {
                let line = format!(
                    "book {} office={} date={} shift={}",
                    req.param("national_id"),
                    req.param("office"),
                    req.param("date"),
                    req.param("shift")
                );
                e.push(line);
                Ok(ActionOutcome::new("ok").with("tracking", "987654321"))
            }
        },
    );
    let e = effects.clone();
    r.register(
        ActionSpec::new("change_mobile", &["ok"]).params(&["mobile", "caller"]),
        move |req: ActionRequest| {
            let e = e.clone();
            async move {
                e.push(format!(
                    "mobile {} -> {}",
                    req.param("caller"),
                    req.param("mobile")
                ));
                Ok(ActionOutcome::new("ok"))
            }
        },
    );
    r
}

fn card_status_spec() -> ActionSpec {
    ActionSpec::new("card_status", &["ok", "not_found", "locked"])
        .params(&["national_id", "serial"])
        .output("stage", "appointment")
        .output("stage_text", "درخواست شما پرداخت شده است")
        .output("paid", "yes")
        .output("production_started", "yes")
        .output("appointment", "2024-03-20")
        .output("shift", "evening")
        .output("fee", "1000000")
        .output("tracking", "123456789012")
}

async fn card_status(req: ActionRequest) -> Result<ActionOutcome, ActionError> {
    let paid = |stage: &str, produced: &str| {
        ActionOutcome::new("ok")
            .with("stage", stage)
            .with("stage_text", "درخواست شما پرداخت شده است")
            .with("paid", "yes")
            .with("production_started", produced)
            .with("appointment", "2024-03-20")
            .with("shift", "morning")
            .with("fee", "1000")
            .with("tracking", "123456789")
    };
    match req.param("national_id") {
        "0012345679" => Ok(paid("paid", "no")),
        "3334445550" => Ok(paid("card_produced", "yes")),
        "0499370899" => Ok(ActionOutcome::new("not_found")),
        "1234567891" => Ok(ActionOutcome::new("locked")),
        "1112223339" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(paid("paid", "no"))
        }
        "4445556661" => panic!("a bug in an action"),
        _ => Err(ActionError("registration database unreachable".into())),
    }
}

async fn list_offices(req: ActionRequest) -> Result<ActionOutcome, ActionError> {
    if req.param("area") == "99" {
        return Ok(ActionOutcome::new("full"));
    }
    let offices = (1..=12)
        .map(|i| {
            BTreeMap::from([
                ("id".to_owned(), i.to_string()),
                ("name".to_owned(), format!("دفتر پیشخوان شماره {i}")),
                (
                    "shift".to_owned(),
                    if i % 2 == 0 { "evening" } else { "morning" }.to_owned(),
                ),
                ("free".to_owned(), (100 - i * 5).to_string()),
            ])
        })
        .collect();
    Ok(ActionOutcome::new("ok").with_list("offices", offices))
}
