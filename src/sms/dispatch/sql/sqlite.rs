//! SQLite statements. Bulk rows travel as one JSON text per statement, read with
//! `json_each`: one statement per kind per batch, parsed inside SQLite,
//! instead of a round trip to sqlx's worker thread per row. Claims live in
//! memory ([`super::in_flight`]), so claiming takes no write lock.

use super::rows::FateRows;
use super::ts;
use crate::registry::Result;
use crate::registry::sqlite::SqliteBackend;
use crate::sms::dispatch::store::json_text;
use crate::sms::dispatch::{Claimed, Fate, ReceiptUpdate};
use chrono::{DateTime, Utc};
use sqlx::{SqliteConnection, SqlitePool};

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
const SUBMITTED: &str = "UPDATE sms_outbox SET state = 'submitted', carrier = j.c, parts = j.p, \
    attempts = attempts + 1, error = NULL, claimed_at = NULL, updated_at = $1 FROM (SELECT value->>0 AS id, \
    value->>1 AS c, value->>2 AS p FROM json_each($2)) AS j WHERE sms_outbox.id = j.id";
const PARTS: &str = "INSERT INTO sms_parts (outbox_id, part_no, carrier, smsc_message_id, \
    smsc_key, submitted_at) SELECT value->>0, value->>1, value->>2, value->>3, value->>4, $1 \
    FROM json_each($2) WHERE true ON CONFLICT (outbox_id, part_no) DO UPDATE SET \
    carrier = excluded.carrier, smsc_message_id = excluded.smsc_message_id, smsc_key = excluded.smsc_key, \
    submitted_at = excluded.submitted_at, receipt_state = NULL, receipt_error = NULL, receipt_at = NULL";
const RETRY: &str = "UPDATE sms_outbox SET state = 'queued', next_attempt_at = j.at, \
    attempts = attempts + 1, error = j.e, claimed_at = NULL, updated_at = $1 FROM (SELECT value->>0 AS id, \
    value->>1 AS at, value->>2 AS e FROM json_each($2)) AS j WHERE sms_outbox.id = j.id";
const FAILED: &str = "UPDATE sms_outbox SET state = 'failed', error = j.e, claimed_at = NULL, attempts = attempts + 1, \
    updated_at = $1 FROM (SELECT value->>0 AS id, value->>1 AS e FROM json_each($2)) AS j \
    WHERE sms_outbox.id = j.id";
const EXPIRED: &str = "UPDATE sms_outbox SET state = 'expired', claimed_at = NULL, \
    attempts = attempts + 1, updated_at = $1 WHERE id IN (SELECT value FROM json_each($2))";
const RECEIPTS: &str = "UPDATE sms_parts SET receipt_state = j.s, receipt_error = j.e, \
    receipt_at = $1 FROM (SELECT value->>0 AS c, value->>1 AS k, value->>2 AS s, \
    value->>3 AS e FROM json_each($2)) AS j WHERE sms_parts.carrier = j.c AND sms_parts.smsc_key = j.k \
    RETURNING outbox_id, carrier, smsc_key";
const AGGREGATE: &str = concat!(
    "UPDATE sms_outbox SET updated_at = $1, state = ",
    super::aggregate_state!(),
    " WHERE id IN (SELECT value FROM json_each($2)) AND state = 'submitted'"
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
    let now = ts(Utc::now());
    let ask = i64::from(limit) + b.in_flight.claimed() as i64;
    let due: Vec<(i64,)> = sqlx::query_as(DUE)
        .bind(&now)
        .bind(ask)
        .fetch_all(&b.pool)
        .await?;
    let due: Vec<i64> = due.into_iter().map(|(id,)| id).collect();
    let taken = b.in_flight.take(&due, limit as usize, Utc::now());
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
    let now = ts(Utc::now());
    let mut tx = b.begin_write().await?;
    record(&mut tx, &now, &rows).await?;
    tx.commit().await?;
    b.in_flight.release(fates.iter().map(Fate::id));
    Ok(())
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

/// Writes every kind of fate in `rows`, one statement per non-empty kind.
pub async fn record(c: &mut SqliteConnection, now: &str, rows: &FateRows<'_>) -> sqlx::Result<()> {
    let statements = [
        (
            SUBMITTED,
            rows.submitted.is_empty(),
            json_text(&rows.submitted),
        ),
        (PARTS, rows.parts.is_empty(), json_text(&rows.parts)),
        (RETRY, rows.retry.is_empty(), json_text(&rows.retry)),
        (FAILED, rows.failed.is_empty(), json_text(&rows.failed)),
        (EXPIRED, rows.expired.is_empty(), json_text(&rows.expired)),
    ];
    for (sql, empty, json) in statements {
        if !empty {
            sqlx::query(sql)
                .bind(now)
                .bind(json)
                .execute(&mut *c)
                .await?;
        }
    }
    Ok(())
}

/// Applies `receipts` to their parts; returns (outbox id, carrier, key) of each match.
pub async fn receipts(
    c: &mut SqliteConnection,
    now: &str,
    receipts: &[ReceiptUpdate],
) -> sqlx::Result<Vec<(i64, String, String)>> {
    sqlx::query_as(RECEIPTS)
        .bind(now)
        .bind(json_text(&receipts))
        .fetch_all(c)
        .await
}

/// Sets the state of the messages `ids` from their parts' receipts.
pub async fn aggregate(c: &mut SqliteConnection, now: &str, ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query(AGGREGATE)
        .bind(now)
        .bind(json_text(&ids))
        .execute(c)
        .await?;
    Ok(())
}
