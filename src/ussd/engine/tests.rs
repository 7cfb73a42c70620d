//! The pure step over a small inline menu: no store, no clock, no actions run.

use super::*;
use crate::menu::check::{CheckEnv, compile_file};
use crate::ussd::action::{ActionOutcome, ActionRegistry, ActionSpec};
use crate::ussd::session::Value;
use crate::ussd::settings::UssdSettings;
use std::path::Path;

const MENU: &str = r#"
[service]
id = "t"
codes = ["*1#"]
languages = ["en"]
start = "main"
retries = 1

[samples]
vip = "yes"

[screens.main]
kind = "menu"
text.en = "Main"
options = [
  { label.en = "Look up", target = "ask" },
  { label.en = "Secret {name}", target = "done", when = "vip" },
]

[screens.ask]
kind = "input"
text.en = "Code?"
validator = { digits = { min = 3, max = 3 } }
store = "code"
error.en = "Three digits."
next = "lookup"

[screens.lookup]
kind = "action"
action = "find"
params = { code = "{code}" }
on = { ok = "done", loop = "lookup" }

[screens.done]
kind = "message"
text.en = "Found {name} for {code}."
"#;

fn service() -> Service {
    let mut actions = ActionRegistry::new();
    let spec = ActionSpec::new("find", &["ok", "loop", "odd"])
        .params(&["code"])
        .output("name", "Someone");
    actions.register(spec, |_req| async { Ok(ActionOutcome::new("ok")) });
    let settings = UssdSettings::default();
    let env = CheckEnv {
        actions: &actions,
        settings: &settings,
    };
    compile_file(Path::new("t.toml"), MENU, env).unwrap()
}

fn run(service: &Service, s: &mut Session, event: Event) -> Step {
    let keys = NavKeys::default();
    let limits = PageLimits::default();
    step(
        &Ctx {
            service,
            keys: &keys,
            limits: &limits,
        },
        s,
        event,
    )
}

fn reply(step: Step) -> Reply {
    match step {
        Step::Reply(r) => r,
        Step::Run(c) => panic!("expected a reply, got a call to {}", c.action),
    }
}

fn session() -> Session {
    Session::new("c1", "t", "en", "main", 0)
}

#[test]
fn an_action_screen_asks_the_driver_and_routes_on_the_outcome() {
    let svc = service();
    let mut s = session();
    assert_eq!(
        reply(run(&svc, &mut s, Event::Begin)).text,
        "Main\n1- Look up"
    );
    assert!(
        reply(run(&svc, &mut s, Event::Input("1".into())))
            .text
            .starts_with("Code?")
    );
    let call = run(&svc, &mut s, Event::Input("۱۲۳#".into()));
    assert_eq!(
        call,
        Step::Run(Call {
            action: "find".into(),
            params: [("code".into(), "123".into())].into()
        })
    );
    let done = reply(run(
        &svc,
        &mut s,
        Event::Outcome(ActionOutcome::new("ok").with("name", "Sara")),
    ));
    assert_eq!(done.text, "Found Sara for 123.");
    assert_eq!(done.after, After::Done);
}

#[test]
fn conditions_on_variables_show_hidden_options() {
    let svc = service();
    let mut s = session();
    s.vars.insert("vip".into(), Value::Text("yes".into()));
    assert!(
        reply(run(&svc, &mut s, Event::Begin))
            .text
            .contains("2- Secret")
    );
}

#[test]
fn a_live_value_longer_than_its_sample_wraps_instead_of_failing() {
    let svc = service();
    let mut s = session();
    s.vars.insert("vip".into(), Value::Text("yes".into()));
    s.vars.insert("name".into(), Value::Text("x".repeat(300)));
    let first = reply(run(&svc, &mut s, Event::Begin));
    assert!(first.text.contains("2- Secret"), "{}", first.text);
    assert!(first.text.ends_with("98- more"), "{}", first.text);
    assert!(PageLimits::default().fits(&first.text));
    let second = reply(run(&svc, &mut s, Event::Input("98".into())));
    assert!(second.text.starts_with("xxx"), "{}", second.text);
}

#[test]
fn invalid_input_repeats_with_an_error_until_the_limit() {
    let svc = service();
    let mut s = session();
    run(&svc, &mut s, Event::Begin);
    run(&svc, &mut s, Event::Input("1".into()));
    let again = reply(run(&svc, &mut s, Event::Input("12".into())));
    assert_eq!(again.text, "Three digits.\nCode?\n0- back");
    let end = reply(run(&svc, &mut s, Event::Input("12".into())));
    assert_eq!(end.after, After::Done);
    assert!(end.text.contains("Too many errors"));
}

#[test]
fn back_and_home_walk_the_history() {
    let svc = service();
    let mut s = session();
    run(&svc, &mut s, Event::Begin);
    run(&svc, &mut s, Event::Input("1".into()));
    assert!(
        reply(run(&svc, &mut s, Event::Input("0".into())))
            .text
            .starts_with("Main")
    );
    run(&svc, &mut s, Event::Input("1".into()));
    assert!(
        reply(run(&svc, &mut s, Event::Input("00".into())))
            .text
            .starts_with("Main")
    );
    assert!(s.history.is_empty());
}

#[test]
fn pending_deep_link_inputs_are_fed_in_order() {
    let svc = service();
    let mut s = session();
    s.pending = ["1".to_owned(), "456".to_owned()].into();
    let call = run(&svc, &mut s, Event::Begin);
    assert!(matches!(call, Step::Run(c) if c.params["code"] == "456"));
}

#[test]
fn unrouted_outcomes_and_errors_end_in_an_apology_kept_for_resume() {
    let svc = service();
    for label in ["odd", "error"] {
        let mut s = session();
        s.go("lookup");
        let end = reply(run(&svc, &mut s, Event::Outcome(ActionOutcome::new(label))));
        assert_eq!(end.after, After::Dropped);
        assert!(end.text.contains("Sorry"));
    }
}

#[test]
fn the_resume_offer_continues_or_starts_over() {
    let svc = service();
    let mut s = session();
    run(&svc, &mut s, Event::Begin);
    run(&svc, &mut s, Event::Input("1".into()));
    let offer = reply(run(&svc, &mut s, Event::OfferResume));
    assert!(offer.text.contains("1- continue where you were"));
    assert!(
        reply(run(&svc, &mut s, Event::Input("1".into())))
            .text
            .starts_with("Code?")
    );
    run(&svc, &mut s, Event::OfferResume);
    assert!(
        reply(run(&svc, &mut s, Event::Input("2".into())))
            .text
            .starts_with("Main")
    );
    assert_eq!(s.screen, "main");
}
