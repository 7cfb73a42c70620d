//! The journey log: one structured event per hop, with the MSISDN hashed and inputs masked.

use super::support::service;
use dargah::domain::{Msisdn, ServiceCode};
use dargah::ussd::journey::hash_msisdn;
use dargah::ussd::{RequestKind, UssdRequest};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};

type Events = Arc<Mutex<Vec<BTreeMap<String, String>>>>;

/// Journey events of the whole test binary. A global subscriber, because a
/// scoped one races with other test threads over tracing's callsite cache.
pub fn captured() -> &'static Events {
    static EVENTS: OnceLock<Events> = OnceLock::new();
    EVENTS.get_or_init(|| {
        let events = Events::default();
        let fmt = std::env::var_os("TEST_LOG")
            .map(|_| tracing_subscriber::fmt::layer().with_test_writer());
        let subscriber = tracing_subscriber::registry()
            .with(Capture(events.clone()))
            .with(fmt);
        let _ = tracing::subscriber::set_global_default(subscriber);
        events
    })
}

struct Capture(Events);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(
            field.name().to_owned(),
            format!("{value:?}").trim_matches('"').to_owned(),
        );
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "dargah::journey" {
            let mut fields = BTreeMap::new();
            event.record(&mut Fields(&mut fields));
            self.0.lock().unwrap().push(fields);
        }
    }
}

fn request(kind: RequestKind, input: &str) -> UssdRequest {
    UssdRequest {
        session_id: "journal-1".into(),
        msisdn: Msisdn::parse("09121234567").unwrap(),
        dialled: Some(ServiceCode::parse("*4*6090#").unwrap()),
        input: input.into(),
        kind,
        carrier: None,
    }
}

#[tokio::test]
async fn every_hop_is_logged_without_the_number_or_the_national_id() {
    let (svc, _) = service();
    svc.handle(request(RequestKind::Begin, "")).await;
    svc.handle(request(RequestKind::Continue, "1")).await;
    svc.handle(request(RequestKind::Continue, "0012345679"))
        .await;
    let events: Vec<_> = captured()
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.get("session").is_some_and(|s| s == "journal-1"))
        .cloned()
        .collect();
    assert_eq!(events.len(), 3);
    let last = &events[2];
    assert_eq!(last["msisdn"], hash_msisdn("989121234567"));
    assert_eq!(last["input"], "********79");
    assert_eq!(last["screen"], "ask_serial");
    assert_eq!(last["service"], "card-demo");
    assert_eq!(last["outcome"], "con");
    assert!(last.contains_key("latency_us"));
    let all = format!("{events:?}");
    assert!(
        !all.contains("9121234567") && !all.contains("0012345679"),
        "{all}"
    );
}
