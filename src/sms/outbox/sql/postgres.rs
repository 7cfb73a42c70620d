//! PostgreSQL: the new messages of a batch (those without an idempotency
//! key) are one statement, however many, instead of one round trip each.
//! Columns travel as typed arrays (`UNNEST`, binary binds); each row draws
//! its id from the table's own sequence inside the statement, and the ids are
//! answered in the batch's order (`WITH ORDINALITY`), so no caller depends on
//! the order `RETURNING` happens to produce.

use crate::registry::Result;
use crate::sms::outbox::NewSms;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// `j` is materialised once (volatile `nextval`, two readers), so the ids
/// inserted are the ids read back; `i` runs to completion unread.
const INSERT: &str = "WITH j AS MATERIALIZED (\
    SELECT nextval('sms_outbox_id_seq') AS id, j.* FROM UNNEST($1::text[], $2::text[], $3::text[], \
    $4::text[], $5::text[], $6::bigint[], $7::timestamptz[], $8::text[], $9::bigint[]) \
    WITH ORDINALITY AS j(client, client_ref, recipient, sender, body, priority, valid_until, \
    callback_url, dlr_mask, n)), \
    i AS (INSERT INTO sms_outbox (id, client, client_ref, recipient, sender, body, priority, \
    valid_until, callback_url, dlr_mask) SELECT id, client, client_ref, recipient, sender, body, \
    priority, valid_until, callback_url, dlr_mask FROM j) \
    SELECT id FROM j ORDER BY n";

/// Inserts `batch` (no idempotency keys) in one statement; the new ids in
/// the batch's order.
pub(crate) async fn insert_new(conn: &mut PgConnection, batch: &[&NewSms]) -> Result<Vec<i64>> {
    let c = Columns::of(batch);
    let ids: Vec<(i64,)> = sqlx::query_as(INSERT)
        .bind(c.client)
        .bind(c.client_ref)
        .bind(c.recipient)
        .bind(c.sender)
        .bind(c.body)
        .bind(c.priority)
        .bind(c.valid_until)
        .bind(c.callback_url)
        .bind(c.dlr_mask)
        .fetch_all(conn)
        .await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// The batch column by column, borrowing its text.
struct Columns<'a> {
    client: Vec<&'a str>,
    client_ref: Vec<Option<&'a str>>,
    recipient: Vec<&'a str>,
    sender: Vec<Option<&'a str>>,
    body: Vec<&'a str>,
    priority: Vec<i64>,
    valid_until: Vec<Option<DateTime<Utc>>>,
    callback_url: Vec<Option<&'a str>>,
    dlr_mask: Vec<Option<i64>>,
}

impl<'a> Columns<'a> {
    fn of(batch: &[&'a NewSms]) -> Self {
        Columns {
            client: batch.iter().map(|s| s.client.as_str()).collect(),
            client_ref: batch.iter().map(|s| s.client_ref.as_deref()).collect(),
            recipient: batch.iter().map(|s| s.recipient.as_str()).collect(),
            sender: batch.iter().map(|s| s.sender.as_deref()).collect(),
            body: batch.iter().map(|s| s.body.as_str()).collect(),
            priority: batch.iter().map(|s| i64::from(s.priority.get())).collect(),
            valid_until: batch.iter().map(|s| s.valid_until).collect(),
            callback_url: batch.iter().map(|s| s.callback_url.as_deref()).collect(),
            dlr_mask: batch.iter().map(|s| s.dlr_mask.map(i64::from)).collect(),
        }
    }
}
