//! The outbox SQL for both backends, expanded by `sql_outbox!` on the same
//! backend structs as the registry (one pool, two views). A message with an
//! idempotency key is its own `INSERT … ON CONFLICT` (a repeat is answered
//! with the first message); a batch's messages without one go in together,
//! one statement per batch (each backend's module).

use super::{Priority, Sms};
use crate::domain::Msisdn;
use crate::registry::{RegistryError, Result};
use chrono::{DateTime, Utc};

pub(crate) mod postgres;
pub(crate) mod sqlite;

#[derive(sqlx::FromRow)]
pub(crate) struct SmsRow {
    id: i64,
    client: String,
    client_ref: Option<String>,
    recipient: String,
    body: String,
    priority: i64,
    state: String,
    attempts: i64,
    parts: Option<i64>,
    error: Option<String>,
    valid_until: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn corrupt(column: &'static str, value: String) -> RegistryError {
    RegistryError::Corrupt {
        table: "sms_outbox",
        column,
        value,
    }
}

impl TryFrom<SmsRow> for Sms {
    type Error = RegistryError;
    fn try_from(r: SmsRow) -> Result<Self> {
        let priority = u8::try_from(r.priority).ok().and_then(Priority::new);
        Ok(Sms {
            id: r.id,
            client: r.client,
            client_ref: r.client_ref,
            recipient: Msisdn::parse(&r.recipient)
                .map_err(|_| corrupt("recipient", r.recipient.clone()))?,
            body: r.body,
            priority: priority.ok_or_else(|| corrupt("priority", r.priority.to_string()))?,
            state: r
                .state
                .parse()
                .map_err(|_| corrupt("state", r.state.clone()))?,
            attempts: r.attempts,
            parts: r.parts,
            error: r.error,
            valid_until: r.valid_until,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// A batch insert that answered fewer ids than it was given rows: the
/// transaction is dropped (rolled back) rather than answer a caller wrongly.
pub(crate) fn missing_id() -> RegistryError {
    corrupt("id", "fewer ids than rows inserted".into())
}

/// Implements `Outbox` for a backend struct with a `pool`, `begin_write`,
/// `begin_enqueue` and a `bell` (rung after each commit);
/// `$bulk` is the backend's module with `insert_new`.
macro_rules! sql_outbox {
    ($ty:ty, $conn:ty, $bulk:path) => {
        impl $ty {
            async fn insert_sms(conn: &mut $conn, s: &$crate::sms::outbox::NewSms) -> Result<$crate::sms::outbox::Enqueued> {
                use $crate::sms::outbox::Enqueued;
                let inserted: Option<(i64,)> = sqlx::query_as(
                    "INSERT INTO sms_outbox (client, client_ref, idempotency_key, recipient, sender, body, priority, \
                     valid_until, callback_url, dlr_mask) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                     ON CONFLICT (client, idempotency_key) DO NOTHING RETURNING id",
                )
                .bind(&s.client)
                .bind(&s.client_ref)
                .bind(&s.idempotency_key)
                .bind(s.recipient.as_str())
                .bind(&s.sender)
                .bind(&s.body)
                .bind(i64::from(s.priority.get()))
                .bind(s.valid_until)
                .bind(&s.callback_url)
                .bind(s.dlr_mask.map(i64::from))
                .fetch_optional(&mut *conn)
                .await?;
                if let Some((id,)) = inserted {
                    return Ok(Enqueued::New(id));
                }
                let (id,): (i64,) = sqlx::query_as("SELECT id FROM sms_outbox WHERE client = $1 AND idempotency_key = $2")
                    .bind(&s.client)
                    .bind(&s.idempotency_key)
                    .fetch_one(&mut *conn)
                    .await?;
                Ok(Enqueued::Duplicate(id))
            }
        }

        #[async_trait::async_trait]
        impl $crate::sms::outbox::Outbox for $ty {
            async fn enqueue(&self, sms: &$crate::sms::outbox::NewSms) -> Result<$crate::sms::outbox::Enqueued> {
                let mut tx = self.begin_enqueue().await?;
                let done = Self::insert_sms(&mut tx, sms).await?;
                tx.commit().await?;
                self.bell.ring();
                Ok(done)
            }

            async fn enqueue_batch(&self, batch: &[$crate::sms::outbox::NewSms]) -> Result<Vec<$crate::sms::outbox::Enqueued>> {
                use $bulk as bulk;
                use $crate::sms::outbox::Enqueued;
                let mut tx = self.begin_enqueue().await?;
                let new: Vec<_> = batch.iter().filter(|s| s.idempotency_key.is_none()).collect();
                let mut ids = match new.len() {
                    0 => Vec::new(),
                    _ => bulk::insert_new(&mut tx, &new).await?,
                }
                .into_iter();
                let mut done = Vec::with_capacity(batch.len());
                for sms in batch {
                    done.push(match sms.idempotency_key {
                        None => Enqueued::New(ids.next().ok_or_else($crate::sms::outbox::sql::missing_id)?),
                        Some(_) => Self::insert_sms(&mut tx, sms).await?,
                    });
                }
                tx.commit().await?;
                self.bell.ring();
                Ok(done)
            }

            async fn sms(&self, id: i64) -> Result<Option<$crate::sms::outbox::Sms>> {
                let row: Option<$crate::sms::outbox::sql::SmsRow> = sqlx::query_as(
                    "SELECT id, client, client_ref, recipient, body, priority, state, attempts, parts, error, \
                     valid_until, created_at, updated_at FROM sms_outbox WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                row.map($crate::sms::outbox::Sms::try_from).transpose()
            }
        }
    };
}
pub(crate) use sql_outbox;
