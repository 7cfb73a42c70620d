//! The dispatcher's SQL for both backends, expanded by `sql_dispatch!` on the
//! registry's backend structs (one pool). Instants are bound as text
//! (`ts`): SQLite stores them so, PostgreSQL casts them.
//!
//! Bulk rows travel as one JSON array per statement: SQLite reads it with
//! `json_each`, PostgreSQL with `jsonb_to_recordset`.

use chrono::{DateTime, Utc};
use std::sync::Arc;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// An instant as both backends read it, in the format of SQLite's defaults.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// SQLite statements. The single writer makes `BEGIN IMMEDIATE` the claim lock.
pub(crate) mod sqlite {
    pub const REQUEUE_STALE: &str = "UPDATE sms_outbox SET state = 'queued', claimed_at = NULL, \
        next_attempt_at = $1, updated_at = $1 WHERE state = 'submitting' AND claimed_at < $2";
    pub const CLAIM: &str = "UPDATE sms_outbox SET state = 'submitting', claimed_at = $1, \
        attempts = attempts + 1, updated_at = $1 WHERE id IN (SELECT id FROM sms_outbox \
        WHERE state = 'queued' AND next_attempt_at <= $1 ORDER BY priority, next_attempt_at LIMIT $2) \
        RETURNING id, recipient, sender, body, priority, attempts, valid_until, created_at";
    /// The database's clock, as its defaults write it (claims compare with those).
    pub const NOW: &str = "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
    pub const PORTED: &str = "SELECT msisdn, carrier FROM sms_number_routes \
        WHERE msisdn IN (SELECT value FROM json_each($1))";
    pub const SUBMITTED: &str = "UPDATE sms_outbox SET state = 'submitted', carrier = j.c, parts = j.p, \
        error = NULL, claimed_at = NULL, updated_at = $1 FROM (SELECT value->>'id' AS id, \
        value->>'c' AS c, value->>'p' AS p FROM json_each($2)) AS j WHERE sms_outbox.id = j.id";
    pub const PARTS: &str = "INSERT INTO sms_parts (outbox_id, part_no, carrier, smsc_message_id, \
        smsc_key, submitted_at) SELECT value->>'o', value->>'n', value->>'c', value->>'m', value->>'k', $1 \
        FROM json_each($2) WHERE true ON CONFLICT (outbox_id, part_no) DO UPDATE SET \
        carrier = excluded.carrier, smsc_message_id = excluded.smsc_message_id, smsc_key = excluded.smsc_key, \
        submitted_at = excluded.submitted_at, receipt_state = NULL, receipt_error = NULL, receipt_at = NULL";
    pub const RETRY: &str = "UPDATE sms_outbox SET state = 'queued', next_attempt_at = j.at, \
        error = j.e, claimed_at = NULL, updated_at = $1 FROM (SELECT value->>'id' AS id, \
        value->>'at' AS at, value->>'e' AS e FROM json_each($2)) AS j WHERE sms_outbox.id = j.id";
    pub const FAILED: &str = "UPDATE sms_outbox SET state = 'failed', error = j.e, claimed_at = NULL, \
        updated_at = $1 FROM (SELECT value->>'id' AS id, value->>'e' AS e FROM json_each($2)) AS j \
        WHERE sms_outbox.id = j.id";
    pub const EXPIRED: &str = "UPDATE sms_outbox SET state = 'expired', claimed_at = NULL, \
        updated_at = $1 WHERE id IN (SELECT value FROM json_each($2))";
    pub const RECEIPTS: &str = "UPDATE sms_parts SET receipt_state = j.s, receipt_error = j.e, \
        receipt_at = $1 FROM (SELECT value->>'c' AS c, value->>'k' AS k, value->>'s' AS s, \
        value->>'e' AS e FROM json_each($2)) AS j WHERE sms_parts.carrier = j.c AND sms_parts.smsc_key = j.k \
        RETURNING outbox_id, carrier, smsc_key";
    pub const AGGREGATE: &str = concat!(
        "UPDATE sms_outbox SET updated_at = $1, state = ",
        super::aggregate_state!(),
        " WHERE id IN (SELECT value FROM json_each($2)) AND state = 'submitted'"
    );
    pub const DEPTH: &str =
        "SELECT count(*) FROM sms_outbox WHERE state IN ('queued', 'submitting')";
    pub const SET_ROUTE: &str = "INSERT INTO sms_number_routes (msisdn, carrier) VALUES ($1, $2) \
        ON CONFLICT (msisdn) DO UPDATE SET carrier = excluded.carrier, \
        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
}

/// PostgreSQL statements: `FOR UPDATE SKIP LOCKED` lets several nodes claim at once.
pub(crate) mod postgres {
    pub const REQUEUE_STALE: &str = "UPDATE sms_outbox SET state = 'queued', claimed_at = NULL, \
        next_attempt_at = $1::timestamptz, updated_at = $1::timestamptz \
        WHERE state = 'submitting' AND claimed_at < $2::timestamptz";
    pub const CLAIM: &str = "UPDATE sms_outbox o SET state = 'submitting', claimed_at = $1::timestamptz, \
        attempts = o.attempts + 1, updated_at = $1::timestamptz FROM (SELECT id FROM sms_outbox \
        WHERE state = 'queued' AND next_attempt_at <= $1::timestamptz ORDER BY priority, next_attempt_at \
        LIMIT $2 FOR UPDATE SKIP LOCKED) c WHERE o.id = c.id \
        RETURNING o.id, o.recipient, o.sender, o.body, o.priority, o.attempts, o.valid_until, o.created_at";
    /// The database's clock, as its defaults write it (claims compare with those).
    pub const NOW: &str =
        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.USZ')";
    pub const PORTED: &str = "SELECT msisdn, carrier FROM sms_number_routes \
        WHERE msisdn IN (SELECT jsonb_array_elements_text($1::jsonb))";
    pub const SUBMITTED: &str = "UPDATE sms_outbox o SET state = 'submitted', carrier = j.c, parts = j.p, \
        error = NULL, claimed_at = NULL, updated_at = $1::timestamptz \
        FROM jsonb_to_recordset($2::jsonb) AS j(id bigint, c text, p bigint) WHERE o.id = j.id";
    pub const PARTS: &str = "INSERT INTO sms_parts (outbox_id, part_no, carrier, smsc_message_id, \
        smsc_key, submitted_at) SELECT j.o, j.n, j.c, j.m, j.k, $1::timestamptz \
        FROM jsonb_to_recordset($2::jsonb) AS j(o bigint, n bigint, c text, m text, k text) \
        ON CONFLICT (outbox_id, part_no) DO UPDATE SET \
        carrier = excluded.carrier, smsc_message_id = excluded.smsc_message_id, smsc_key = excluded.smsc_key, \
        submitted_at = excluded.submitted_at, receipt_state = NULL, receipt_error = NULL, receipt_at = NULL";
    pub const RETRY: &str = "UPDATE sms_outbox o SET state = 'queued', next_attempt_at = j.at::timestamptz, \
        error = j.e, claimed_at = NULL, updated_at = $1::timestamptz \
        FROM jsonb_to_recordset($2::jsonb) AS j(id bigint, at text, e text) WHERE o.id = j.id";
    pub const FAILED: &str = "UPDATE sms_outbox o SET state = 'failed', error = j.e, claimed_at = NULL, \
        updated_at = $1::timestamptz FROM jsonb_to_recordset($2::jsonb) AS j(id bigint, e text) \
        WHERE o.id = j.id";
    pub const EXPIRED: &str = "UPDATE sms_outbox SET state = 'expired', claimed_at = NULL, \
        updated_at = $1::timestamptz WHERE id IN (SELECT jsonb_array_elements_text($2::jsonb)::bigint)";
    pub const RECEIPTS: &str = "UPDATE sms_parts p SET receipt_state = j.s, receipt_error = j.e, \
        receipt_at = $1::timestamptz FROM jsonb_to_recordset($2::jsonb) AS j(c text, k text, s text, e text) \
        WHERE p.carrier = j.c AND p.smsc_key = j.k RETURNING p.outbox_id, p.carrier, p.smsc_key";
    pub const AGGREGATE: &str = concat!(
        "UPDATE sms_outbox SET updated_at = $1::timestamptz, state = ",
        super::aggregate_state!(),
        " WHERE id IN (SELECT jsonb_array_elements_text($2::jsonb)::bigint) AND state = 'submitted'"
    );
    pub const DEPTH: &str =
        "SELECT count(*) FROM sms_outbox WHERE state IN ('queued', 'submitting')";
    pub const SET_ROUTE: &str = "INSERT INTO sms_number_routes (msisdn, carrier) VALUES ($1, $2) \
        ON CONFLICT (msisdn) DO UPDATE SET carrier = excluded.carrier, updated_at = now()";
}

/// A message's state from its parts' receipts: any expired part → expired,
/// any failed part → undeliverable, every part delivered → delivered, else
/// unchanged (some receipts are still to come).
macro_rules! aggregate_state {
    () => {
        "CASE \
         WHEN EXISTS (SELECT 1 FROM sms_parts p WHERE p.outbox_id = sms_outbox.id AND p.receipt_state = 'EXPIRED') \
         THEN 'expired' \
         WHEN EXISTS (SELECT 1 FROM sms_parts p WHERE p.outbox_id = sms_outbox.id \
         AND p.receipt_state IN ('UNDELIV', 'REJECTD', 'DELETED')) THEN 'undeliverable' \
         WHEN (SELECT count(*) FROM sms_parts p WHERE p.outbox_id = sms_outbox.id AND p.receipt_state = 'DELIVRD') \
         >= sms_outbox.parts THEN 'delivered' \
         ELSE state END"
    };
}
pub(crate) use aggregate_state;

/// SQLite has no notifications: polling alone wakes the dispatcher.
pub(crate) async fn no_listen<P>(_: &P, _: Arc<Notify>, _: CancellationToken) {}

/// LISTEN on the `sms_outbox` channel (fired by the insert trigger) and
/// wake the dispatcher; reconnects after a loss, ends on `cancel`.
pub(crate) async fn pg_listen(pool: &sqlx::PgPool, wake: Arc<Notify>, cancel: CancellationToken) {
    while !cancel.is_cancelled() {
        let listener = async {
            let mut l = sqlx::postgres::PgListener::connect_with(pool).await?;
            l.listen("sms_outbox").await?;
            Ok::<_, sqlx::Error>(l)
        };
        let mut listener = tokio::select! {
            l = listener => l,
            () = cancel.cancelled() => return,
        };
        while let Ok(l) = listener.as_mut() {
            tokio::select! {
                n = l.recv() => match n {
                    Ok(_) => wake.notify_one(),
                    Err(e) => { tracing::debug!(error = %e, "LISTEN sms_outbox lost"); break }
                },
                () = cancel.cancelled() => return,
            }
        }
        if let Err(e) = listener {
            tracing::debug!(error = %e, "cannot LISTEN on sms_outbox; polling only");
        }
        tokio::select! {
            () = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
            () = cancel.cancelled() => return,
        }
    }
}

/// Implements `DispatchStore` for a backend struct with `pool` and `begin_write`;
/// `$q` is the module of statements, `$listen` the LISTEN function.
macro_rules! sql_dispatch {
    ($ty:ty, $q:path, $listen:path) => {
        #[async_trait::async_trait]
        impl $crate::sms::dispatch::DispatchStore for $ty {
            async fn requeue_stale(&self, before: DateTime<Utc>) -> Result<u64> {
                use $crate::sms::dispatch::sql::ts;
                use $q as q;
                let done = sqlx::query(q::REQUEUE_STALE)
                    .bind(ts(Utc::now()))
                    .bind(ts(before))
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn claim(&self, limit: u32) -> Result<Vec<$crate::sms::dispatch::Claimed>> {
                use $q as q;
                let mut tx = self.begin_write().await?;
                let (now,): (String,) = sqlx::query_as(q::NOW).fetch_one(&mut *tx).await?;
                let mut rows: Vec<$crate::sms::dispatch::Claimed> = sqlx::query_as(q::CLAIM)
                    .bind(now)
                    .bind(i64::from(limit))
                    .fetch_all(&mut *tx)
                    .await?;
                tx.commit().await?;
                if rows.is_empty() {
                    return Ok(rows);
                }
                let numbers: Vec<&str> = rows.iter().map(|r| r.recipient.as_str()).collect();
                let ported: Vec<(String, String)> = sqlx::query_as(q::PORTED)
                    .bind($crate::sms::dispatch::store::json_text(&numbers))
                    .fetch_all(&self.pool)
                    .await?;
                if !ported.is_empty() {
                    let map: std::collections::HashMap<_, _> = ported.into_iter().collect();
                    for r in &mut rows {
                        r.ported = map.get(&r.recipient).cloned();
                    }
                }
                rows.sort_by_key(|r| (r.priority, r.id));
                Ok(rows)
            }

            async fn record(&self, fates: &[$crate::sms::dispatch::Fate]) -> Result<()> {
                use $crate::sms::dispatch::sql::ts;
                use $crate::sms::dispatch::store::{FateRows, json_text};
                use $q as q;
                let rows = FateRows::new(fates, ts);
                let now = ts(Utc::now());
                let mut tx = self.begin_write().await?;
                let statements = [
                    (
                        q::SUBMITTED,
                        rows.submitted.is_empty(),
                        json_text(&rows.submitted),
                    ),
                    (q::PARTS, rows.parts.is_empty(), json_text(&rows.parts)),
                    (q::RETRY, rows.retry.is_empty(), json_text(&rows.retry)),
                    (q::FAILED, rows.failed.is_empty(), json_text(&rows.failed)),
                    (
                        q::EXPIRED,
                        rows.expired.is_empty(),
                        json_text(&rows.expired),
                    ),
                ];
                for (sql, empty, json) in statements {
                    if !empty {
                        sqlx::query(sql)
                            .bind(&now)
                            .bind(json)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                tx.commit().await?;
                Ok(())
            }

            async fn apply_receipts(
                &self,
                receipts: &[$crate::sms::dispatch::ReceiptUpdate],
            ) -> Result<Vec<(String, String)>> {
                use $crate::sms::dispatch::sql::ts;
                use $crate::sms::dispatch::store::json_text;
                use $q as q;
                let now = ts(Utc::now());
                let mut tx = self.begin_write().await?;
                let matched: Vec<(i64, String, String)> = sqlx::query_as(q::RECEIPTS)
                    .bind(&now)
                    .bind(json_text(&receipts))
                    .fetch_all(&mut *tx)
                    .await?;
                let mut ids: Vec<i64> = matched.iter().map(|m| m.0).collect();
                ids.sort_unstable();
                ids.dedup();
                if !ids.is_empty() {
                    sqlx::query(q::AGGREGATE)
                        .bind(&now)
                        .bind(json_text(&ids))
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(matched.into_iter().map(|(_, c, k)| (c, k)).collect())
            }

            async fn queue_depth(&self) -> Result<i64> {
                use $q as q;
                let (n,): (i64,) = sqlx::query_as(q::DEPTH).fetch_one(&self.pool).await?;
                Ok(n)
            }

            async fn set_number_route(&self, msisdn: &str, carrier: &str) -> Result<()> {
                use $q as q;
                sqlx::query(q::SET_ROUTE)
                    .bind(msisdn)
                    .bind(carrier)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn listen(
                &self,
                wake: std::sync::Arc<tokio::sync::Notify>,
                cancel: tokio_util::sync::CancellationToken,
            ) {
                $listen(&self.pool, wake, cancel).await
            }
        }
    };
}
pub(crate) use sql_dispatch;
