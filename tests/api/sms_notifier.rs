//! `sms::Notifier`: templated messages land in the outbox, rendered in
//! Persian, and a notice sent `once` is never enqueued twice.

use crate::helpers::TestDb;
use crate::on_both_backends;
use dargah::domain::Msisdn;
use dargah::sms::notifier::{CLIENT, Notice, Notifier};
use dargah::sms::outbox::{Enqueued, Priority};
use dargah::sms::template;
use std::collections::BTreeMap;
use std::path::Path;

async fn notifier(db: &TestDb) -> Notifier {
    let handles = dargah::registry::connect_lazy(&db.settings().database).unwrap();
    handles.registry.migrate().await.unwrap();
    let templates = template::load_dir(Path::new("menus/sms"), 6).expect("shipped templates");
    Notifier::new(handles.outbox, templates)
}

fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn a_templated_message_is_rendered_into_the_outbox(db: TestDb) {
    let n = notifier(&db).await;
    let to = Msisdn::parse("09121234567").unwrap();
    let v = vars(&[
        ("delivery_office", "اداره پست مرکزی تبریز"),
        ("delivery_address", "تبریز، خیابان امام"),
    ]);
    let id = n
        .send(&to, "delivery_office_changed", &v, Priority::NORMAL)
        .await
        .unwrap();
    let sms = n_outbox(&db).await.sms(id.id()).await.unwrap().unwrap();
    assert_eq!(sms.recipient, to);
    assert_eq!(sms.client, CLIENT);
    assert_eq!(sms.client_ref.as_deref(), Some("delivery_office_changed"));
    assert!(
        sms.body.contains("اداره پست مرکزی تبریز") && sms.body.contains("نشانی: تبریز"),
        "{}",
        sms.body
    );
}

async fn a_notice_sent_once_is_not_enqueued_twice(db: TestDb) {
    let n = notifier(&db).await;
    let to = Msisdn::parse("09121234567").unwrap();
    let v = vars(&[("nid", "0084575948")]);
    let notice = || Notice {
        to: &to,
        template: "mobile_changed_new",
        vars: &v,
        priority: Priority::NORMAL,
        once: Some("mobile:1:989121234567".into()),
    };
    let first = n.notify(notice()).await.unwrap();
    let again = n.notify(notice()).await.unwrap();
    assert!(matches!(first, Enqueued::New(_)));
    assert_eq!(again, Enqueued::Duplicate(first.id()));
}

async fn a_missing_variable_enqueues_nothing_in_a_batch(db: TestDb) {
    let n = notifier(&db).await;
    let to = Msisdn::parse("09121234567").unwrap();
    let good = vars(&[("nid", "0084575948")]);
    let bad = vars(&[]);
    let notice = |vars| Notice {
        to: &to,
        template: "mobile_changed_new",
        vars,
        priority: Priority::NORMAL,
        once: None,
    };
    assert!(n.notify_all(&[notice(&good), notice(&bad)]).await.is_err());
    let ok = n.notify_all(&[notice(&good)]).await.unwrap();
    assert_eq!(ok.len(), 1);
    assert_eq!(ok[0], Enqueued::New(1), "the refused batch left no row");
}

async fn n_outbox(db: &TestDb) -> dargah::sms::outbox::SharedOutbox {
    dargah::registry::connect_lazy(&db.settings().database)
        .unwrap()
        .outbox
}

on_both_backends!(
    a_templated_message_is_rendered_into_the_outbox,
    a_notice_sent_once_is_not_enqueued_twice,
    a_missing_variable_enqueues_nothing_in_a_batch,
);
