//! The dispatcher's SQL for both backends, expanded by `sql_dispatch!` on the
//! registry's backend structs (one pool). Instants are bound as text
//! (`ts`): SQLite stores them so, PostgreSQL casts them.
//!
//! Bulk rows travel as one JSON text per statement on SQLite (`json_each`)
//! and as typed arrays on PostgreSQL (`UNNEST`): see each backend's module.

use chrono::{DateTime, Utc};
use std::sync::Arc;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// An instant as both backends read it, in the format of SQLite's defaults.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub(crate) mod in_flight;
pub(crate) mod postgres;
pub(crate) mod rows;
pub(crate) mod sqlite;

/// A message's state from its parts' receipts: any expired part → expired,
/// any failed part → undeliverable, every part delivered → delivered, else
/// unchanged (some receipts are still to come). A message of one part (most
/// of them) reads its one part once instead of three times.
macro_rules! aggregate_state {
    () => {
        "CASE WHEN sms_outbox.parts = 1 THEN COALESCE((SELECT CASE p.receipt_state \
         WHEN 'DELIVRD' THEN 'delivered' WHEN 'EXPIRED' THEN 'expired' \
         WHEN 'UNDELIV' THEN 'undeliverable' WHEN 'REJECTD' THEN 'undeliverable' \
         WHEN 'DELETED' THEN 'undeliverable' END \
         FROM sms_parts p WHERE p.outbox_id = sms_outbox.id AND p.part_no = 1), state) \
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

/// Implements `DispatchStore` for a backend struct with `pool` and the
/// outbox's `bell`; `$q` is the backend's module (its statements,
/// and its `claim`, `record_fates`, `apply_receipts` and `requeue_stale`,
/// which differ: see [`in_flight`] and [`sqlite`]), `$listen` the LISTEN
/// function.
macro_rules! sql_dispatch {
    ($ty:ty, $q:path, $listen:path) => {
        #[async_trait::async_trait]
        impl $crate::sms::dispatch::DispatchStore for $ty {
            async fn requeue_stale(&self, before: DateTime<Utc>) -> Result<u64> {
                use $q as q;
                q::requeue_stale(self, before).await
            }

            async fn claim(&self, limit: u32) -> Result<Vec<$crate::sms::dispatch::Claimed>> {
                use $q as q;
                let mut rows = q::claim(self, limit).await?;
                if rows.is_empty() {
                    return Ok(rows);
                }
                let numbers: Vec<&str> = rows.iter().map(|r| r.recipient.as_str()).collect();
                let ported = q::ported(&self.pool, &numbers).await?;
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
                use $q as q;
                q::record_fates(self, fates).await
            }

            async fn apply_receipts(
                &self,
                receipts: &[$crate::sms::dispatch::ReceiptUpdate],
            ) -> Result<Vec<(String, String)>> {
                use $q as q;
                q::apply_receipts(self, receipts).await
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
                // The web side's inserts (PostgreSQL's NOTIFY) and this
                // process's own enqueues (the bell) both wake the dispatcher.
                tokio::join!(
                    $listen(&self.pool, wake.clone(), cancel.clone()),
                    self.bell.forward(&wake, &cancel)
                );
            }
        }
    };
}
pub(crate) use sql_dispatch;
