//! Group commit of single-message enqueues (`sms::outbox::CoalescingOutbox`),
//! on both backends: many callers at once each get their own committed row,
//! a repeated idempotency key inside one batch is answered as a duplicate,
//! and a row the database refuses fails only its own caller.

use crate::helpers::TestDb;
use crate::on_both_backends;
use dargah::config::DatabaseUrl;
use dargah::domain::Msisdn;
use dargah::sms::outbox::{CoalescingOutbox, Enqueued, NewSms, Priority, SharedOutbox};
use std::collections::HashSet;

fn sms(i: usize, body: &str, key: Option<&str>) -> NewSms {
    NewSms {
        client: "web".into(),
        client_ref: Some(format!("r{i}")),
        idempotency_key: key.map(str::to_owned),
        recipient: Msisdn::parse(&format!("0912{i:07}")).unwrap(),
        sender: None,
        body: body.to_owned(),
        priority: Priority::NORMAL,
        valid_until: None,
        callback_url: None,
        dlr_mask: None,
    }
}

async fn outbox(db: &TestDb) -> SharedOutbox {
    db.registry().await;
    let inner = dargah::registry::connect_lazy(&db.settings().database)
        .unwrap()
        .outbox;
    CoalescingOutbox::start(inner, 4)
}

/// Enqueues every message at once; the answers in order.
async fn all_at_once(
    outbox: &SharedOutbox,
    batch: Vec<NewSms>,
) -> Vec<dargah::registry::Result<Enqueued>> {
    let tasks: Vec<_> = batch
        .into_iter()
        .map(|m| {
            let o = outbox.clone();
            tokio::spawn(async move { o.enqueue(&m).await })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    answers
}

async fn count(db: &TestDb) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sms_outbox")
        .fetch_one(&db.raw().await)
        .await
        .unwrap();
    n
}

async fn concurrent_enqueues_each_get_their_own_committed_row(db: TestDb) {
    let outbox = outbox(&db).await;
    let batch = (0..600)
        .map(|i| sms(i, "کد ورود شما: ۴۸۲۱", None))
        .collect();
    let answers = all_at_once(&outbox, batch).await;
    let ids: HashSet<i64> = answers
        .iter()
        .map(|a| match a {
            Ok(Enqueued::New(id)) => *id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids.len(), 600, "distinct ids");
    assert_eq!(count(&db).await, 600);
    let row = outbox
        .sms(*ids.iter().max().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.body, "کد ورود شما: ۴۸۲۱");
}

async fn a_repeated_key_in_one_batch_is_a_duplicate_of_the_first(db: TestDb) {
    let outbox = outbox(&db).await;
    let batch = (0..40).map(|i| sms(i, "x", Some("same-key"))).collect();
    let answers = all_at_once(&outbox, batch).await;
    let new: Vec<_> = answers
        .iter()
        .filter(|a| matches!(a, Ok(Enqueued::New(_))))
        .collect();
    assert_eq!(new.len(), 1, "{answers:?}");
    let id = answers[0].as_ref().unwrap().id();
    assert!(answers.iter().all(|a| a.as_ref().unwrap().id() == id));
    assert_eq!(count(&db).await, 1);
}

async fn a_refused_row_fails_only_its_own_caller(db: TestDb) {
    let outbox = outbox(&db).await;
    let statements: &[&str] = match &db.url {
        DatabaseUrl::Sqlite(_) => &["CREATE TRIGGER refuse_poison BEFORE INSERT ON sms_outbox \
             WHEN NEW.body = 'poison' BEGIN SELECT RAISE(ABORT, 'poison refused'); END"],
        DatabaseUrl::Postgres(_) => &[
            "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN \
             IF NEW.body = 'poison' THEN RAISE EXCEPTION 'poison refused'; END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_poison BEFORE INSERT ON sms_outbox \
             FOR EACH ROW EXECUTE FUNCTION refuse_poison()",
        ],
    };
    let raw = db.raw().await;
    for sql in statements {
        sqlx::query(sql).execute(&raw).await.unwrap();
    }
    let batch = (0..200)
        .map(|i| sms(i, if i == 77 { "poison" } else { "ok" }, None))
        .collect();
    let answers = all_at_once(&outbox, batch).await;
    for (i, a) in answers.iter().enumerate() {
        assert_eq!(a.is_err(), i == 77, "message {i}: {a:?}");
    }
    assert_eq!(count(&db).await, 199);
}

on_both_backends!(
    concurrent_enqueues_each_get_their_own_committed_row,
    a_repeated_key_in_one_batch_is_a_duplicate_of_the_first,
    a_refused_row_fails_only_its_own_caller,
);
