//! Group commit of single-message enqueues (`sms::outbox::CoalescingOutbox`),
//! on both backends: many callers at once each get their own committed row,
//! a repeated idempotency key inside one batch is answered as a duplicate,
//! and a row the database refuses fails only its own caller. Underneath, one
//! batch writes its messages without an idempotency key in one statement:
//! each must still be answered with its own row, stored as the row path stores it.

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
    CoalescingOutbox::start(plain_outbox(db).await, 4)
}

/// The backend's own outbox, without group commit.
async fn plain_outbox(db: &TestDb) -> SharedOutbox {
    db.registry().await;
    dargah::registry::connect_lazy(&db.settings().database)
        .unwrap()
        .outbox
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

/// client_ref, idempotency_key, sender, body, priority, callback_url, dlr_mask.
type StoredColumns = (
    String,
    Option<String>,
    Option<String>,
    String,
    i64,
    Option<String>,
    Option<i64>,
);

/// Message `i` with every optional column set from `i`, a key on every 7th.
fn varied(i: usize) -> NewSms {
    let mut m = sms(i, &format!("body {i}"), None);
    m.idempotency_key = (i % 7 == 3).then(|| format!("k{i}"));
    m.sender = i.is_multiple_of(2).then(|| format!("30{i}"));
    m.priority = Priority::new((i % 10) as u8).unwrap();
    m.valid_until = i
        .is_multiple_of(3)
        .then(|| chrono::DateTime::from_timestamp(1_800_000_000 + i as i64, 123_000_000).unwrap());
    m.callback_url = (i % 4 == 1).then(|| format!("https://web.example/cb/{i}"));
    m.dlr_mask = (i % 5 == 2).then_some((i % 32) as u8);
    m
}

async fn a_mixed_batch_answers_each_message_with_its_own_row(db: TestDb) {
    let outbox = plain_outbox(&db).await;
    outbox.enqueue(&varied(0)).await.unwrap();
    let mut batch: Vec<NewSms> = (1..60).map(varied).collect();
    batch.push(varied(3)); // a key repeated inside the batch
    let answers = outbox.enqueue_batch(&batch).await.unwrap();
    assert_eq!(answers.len(), batch.len());
    assert_eq!(
        answers[59],
        Enqueued::Duplicate(answers[2].id()),
        "{answers:?}"
    );
    let raw = db.raw().await;
    for (m, a) in batch.iter().zip(&answers).take(59) {
        assert!(matches!(a, Enqueued::New(_)), "{a:?}");
        let row: StoredColumns = sqlx::query_as(
                "SELECT client_ref, idempotency_key, sender, body, priority, callback_url, dlr_mask                  FROM sms_outbox WHERE id = $1",
            )
            .bind(a.id())
            .fetch_one(&raw)
            .await
            .unwrap();
        let want = (
            m.client_ref.clone().unwrap(),
            m.idempotency_key.clone(),
            m.sender.clone(),
            m.body.clone(),
            i64::from(m.priority.get()),
            m.callback_url.clone(),
            m.dlr_mask.map(i64::from),
        );
        assert_eq!(row, want, "message {:?} got row {}", m.client_ref, a.id());
        let stored = outbox.sms(a.id()).await.unwrap().unwrap();
        assert_eq!(
            (stored.valid_until, stored.recipient),
            (m.valid_until, m.recipient.clone())
        );
    }
    assert_eq!(count(&db).await, 60);
    // Both paths store the same instant the same way (SQLite keeps text).
    let at = |r: &str| {
        let mut m = sms(99, "t", None);
        m.client_ref = Some(r.into());
        m.valid_until = chrono::DateTime::from_timestamp(1_800_000_000, 5_000_000);
        m
    };
    outbox.enqueue(&at("row")).await.unwrap();
    outbox
        .enqueue_batch(&[at("bulk"), at("bulk")])
        .await
        .unwrap();
    let (distinct,): (i64,) = sqlx::query_as(
        "SELECT COUNT(DISTINCT valid_until) FROM sms_outbox WHERE client_ref IN ('row', 'bulk')",
    )
    .fetch_one(&raw)
    .await
    .unwrap();
    assert_eq!(distinct, 1);
}

on_both_backends!(
    a_mixed_batch_answers_each_message_with_its_own_row,
    concurrent_enqueues_each_get_their_own_committed_row,
    a_repeated_key_in_one_batch_is_a_duplicate_of_the_first,
    a_refused_row_fails_only_its_own_caller,
);
