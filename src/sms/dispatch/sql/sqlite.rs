//! SQLite statements. Bulk rows travel as one JSON text per kind, read with
//! `json_each`: one statement per kind per batch, parsed inside SQLite,
//! instead of a round trip to sqlx's worker thread per row. A batch's
//! writes go as one text with its own transaction, one round trip in all
//! (see [`OneTrip`](crate::registry::write_turn::OneTrip)). Claims live in
//! memory ([`super::in_flight`]), so claiming takes no write lock.

use super::rows::FateRows;
use super::ts;
use crate::registry::Result;
use crate::registry::sqlite::SqliteBackend;
use crate::sms::dispatch::store::json_text;
use crate::sms::dispatch::{Claimed, Fate, ReceiptUpdate};
use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

const REQUEUE_STALE: &str = "UPDATE sms_outbox SET state = 'queued', claimed_at = NULL, \
    next_attempt_at = $1, updated_at = $1 WHERE state = 'submitting' AND claimed_at < $2";
/// Due rows in claim order, ids only: read from the `sms_outbox_queued`
/// index alone, outside the write lock. Rows this process is submitting are
/// still `queued`, so the claim asks for as many more as it has in flight.
const DUE: &str = "SELECT id FROM sms_outbox WHERE state = 'queued' AND next_attempt_at <= $1 \
    ORDER BY priority, next_attempt_at LIMIT $2";
/// The claimed rows, read after the in-flight set took their ids: a row
/// recorded meanwhile (no longer `queued`, or retried for later) is left out.
const CLAIMED: &str = "SELECT id, recipient, sender, body, priority, attempts + 1 AS attempts, \
    valid_until, created_at FROM sms_outbox WHERE id IN (SELECT value FROM json_each($2)) \
    AND state = 'queued' AND next_attempt_at <= $1";
const PORTED: &str = "SELECT msisdn, carrier FROM sms_number_routes \
    WHERE msisdn IN (SELECT value FROM json_each($1))";
/// A batch of fates, written as one text in one round trip (see
/// [`OneTrip`](crate::registry::write_turn::OneTrip)): `$1` the instant,
/// then one JSON array of rows per kind, `'[]'` when a kind has none (an
/// empty `json_each` costs a statement a few microseconds).
const RECORD: &str = "BEGIN IMMEDIATE; \
    UPDATE sms_outbox SET state = 'submitted', carrier = j.c, parts = j.p, \
    attempts = attempts + 1, error = NULL, updated_at = $1 FROM (SELECT value->>0 AS id, \
    value->>1 AS c, value->>2 AS p FROM json_each($2)) AS j WHERE sms_outbox.id = j.id; \
    INSERT INTO sms_parts (outbox_id, part_no, carrier, smsc_message_id, \
    smsc_key, submitted_at) SELECT value->>0, value->>1, value->>2, value->>3, value->>4, $1 \
    FROM json_each($3) WHERE true ON CONFLICT (outbox_id, part_no) DO UPDATE SET \
    carrier = excluded.carrier, smsc_message_id = excluded.smsc_message_id, smsc_key = excluded.smsc_key, \
    submitted_at = excluded.submitted_at, receipt_state = NULL, receipt_error = NULL, receipt_at = NULL; \
    UPDATE sms_outbox SET state = 'queued', next_attempt_at = j.at, \
    attempts = attempts + 1, error = j.e, updated_at = $1 FROM (SELECT value->>0 AS id, \
    value->>1 AS at, value->>2 AS e FROM json_each($4)) AS j WHERE sms_outbox.id = j.id; \
    UPDATE sms_outbox SET state = 'failed', error = j.e, attempts = attempts + 1, \
    updated_at = $1 FROM (SELECT value->>0 AS id, value->>1 AS e FROM json_each($5)) AS j \
    WHERE sms_outbox.id = j.id; \
    UPDATE sms_outbox SET state = 'expired', attempts = attempts + 1, updated_at = $1 \
    WHERE id IN (SELECT value FROM json_each($6)); \
    COMMIT";
/// A batch of receipts, as one text in one round trip: the parts they
/// match (returned: carrier, key), then those parts' messages'
/// states, found again through the same `(carrier, smsc_key)` index.
const RECEIPTS: &str = concat!(
    "BEGIN IMMEDIATE; \
    UPDATE sms_parts SET receipt_state = j.s, receipt_error = j.e, \
    receipt_at = $1 FROM (SELECT value->>0 AS c, value->>1 AS k, value->>2 AS s, \
    value->>3 AS e FROM json_each($2)) AS j WHERE sms_parts.carrier = j.c AND sms_parts.smsc_key = j.k \
    RETURNING carrier, smsc_key; \
    UPDATE sms_outbox SET updated_at = $1, state = ",
    super::aggregate_state!(),
    " WHERE id IN (SELECT p.outbox_id FROM (SELECT value->>0 AS c, value->>1 AS k FROM json_each($2)) AS j \
    JOIN sms_parts p ON p.carrier = j.c AND p.smsc_key = j.k) AND state = 'submitted'; \
    COMMIT"
);
/// Two counts, so that each is answered from its partial index.
pub const DEPTH: &str = "SELECT (SELECT count(*) FROM sms_outbox WHERE state = 'queued') \
    + (SELECT count(*) FROM sms_outbox WHERE state = 'submitting')";
pub const SET_ROUTE: &str = "INSERT INTO sms_number_routes (msisdn, carrier) VALUES ($1, $2) \
    ON CONFLICT (msisdn) DO UPDATE SET carrier = excluded.carrier, \
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// Claims up to `limit` due rows in this process's memory (see
/// [`super::in_flight`]): a read, no write. None while another gateway
/// holds the dispatcher lock.
pub async fn claim(b: &SqliteBackend, limit: u32) -> Result<Vec<Claimed>> {
    if !b.in_flight.dispatcher_lock() {
        return Ok(Vec::new());
    }
    let at = Utc::now();
    let now = ts(at);
    let ask = i64::from(limit) + b.in_flight.claimed() as i64;
    let due: Vec<(i64,)> = sqlx::query_as(DUE)
        .bind(&now)
        .bind(ask)
        .fetch_all(&b.pool)
        .await?;
    let due: Vec<i64> = due.into_iter().map(|(id,)| id).collect();
    let taken = b.in_flight.take(&due, limit as usize, at);
    if taken.is_empty() {
        return Ok(Vec::new());
    }
    let rows: std::result::Result<Vec<Claimed>, _> = sqlx::query_as(CLAIMED)
        .bind(&now)
        .bind(json_text(&taken))
        .fetch_all(&b.pool)
        .await;
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => {
            b.in_flight.release(taken);
            return Err(e.into());
        }
    };
    if rows.len() < taken.len() {
        let kept: std::collections::HashSet<i64> = rows.iter().map(|r| r.id).collect();
        b.in_flight
            .release(taken.into_iter().filter(|id| !kept.contains(id)));
    }
    Ok(rows)
}

/// Records `fates` in one transaction, then forgets their claims.
pub async fn record_fates(b: &SqliteBackend, fates: &[Fate]) -> Result<()> {
    let rows = FateRows::new(fates, ts);
    // Serialised before the turn: 2,000 rows of JSON is work the lock need not wait for.
    let query = sqlx::query(RECORD)
        .bind(ts(Utc::now()))
        .bind(json_text(&rows.submitted))
        .bind(json_text(&rows.parts))
        .bind(json_text(&rows.retry))
        .bind(json_text(&rows.failed))
        .bind(json_text(&rows.expired));
    let mut write = b.one_trip().await?;
    query.execute(write.conn()).await?;
    write.done();
    b.in_flight.release(fates.iter().map(Fate::id));
    Ok(())
}

/// Applies `receipts` to their parts and sets their messages' states, in
/// one transaction; returns the (carrier, key) of each part matched.
pub async fn apply_receipts(
    b: &SqliteBackend,
    receipts: &[ReceiptUpdate],
) -> Result<Vec<(String, String)>> {
    let query = sqlx::query_as(RECEIPTS)
        .bind(ts(Utc::now()))
        .bind(json_text(&receipts));
    let mut write = b.one_trip().await?;
    let matched: Vec<(String, String)> = query.fetch_all(write.conn()).await?;
    write.done();
    Ok(matched)
}

/// Forgets this process's claims older than `before` and queues again the
/// rows a persisted claim left `submitting` (a gateway before in-memory
/// claims); returns how many of both.
pub async fn requeue_stale(b: &SqliteBackend, before: DateTime<Utc>) -> Result<u64> {
    let forgotten = b.in_flight.expire(before);
    let done = sqlx::query(REQUEUE_STALE)
        .bind(ts(Utc::now()))
        .bind(ts(before))
        .execute(&b.pool)
        .await?;
    Ok(forgotten + done.rows_affected())
}

/// The ported-number overrides of `numbers`.
pub async fn ported(pool: &SqlitePool, numbers: &[&str]) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(PORTED)
        .bind(json_text(&numbers))
        .fetch_all(pool)
        .await
}
