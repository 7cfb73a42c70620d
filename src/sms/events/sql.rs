//! The events SQL for both backends, expanded by `sql_events!` on the backend
//! structs (which also have the outbox's `insert_sms`). `$lock` is PostgreSQL's
//! `FOR UPDATE OF e SKIP LOCKED`; SQLite's `BEGIN IMMEDIATE` already makes
//! the claim exclusive.

use super::model::{PendingEvent, Reminder, RequestContext};
use crate::registry::{RegistryError, Result};

/// The unprocessed events, oldest first, with the request as it is now.
pub(crate) const CLAIM: &str = "SELECT e.id, e.request_id, e.kind, e.old_value, e.new_value, e.mobile, \
     r.tracking_code, r.national_id, c.first_name, CAST(r.appointment_day AS TEXT) AS appointment_day, r.appointment_shift, \
     o.name AS office_name, o.address AS office_address, d.name AS delivery_name, d.address AS delivery_address \
     FROM request_events e \
     LEFT JOIN card_requests r ON r.id = e.request_id \
     LEFT JOIN citizens c ON c.national_id = r.national_id \
     LEFT JOIN enrollment_offices o ON o.id = r.appointment_office_id \
     LEFT JOIN delivery_offices d ON d.id = r.delivery_office_id \
     WHERE e.processed_at IS NULL ORDER BY e.id LIMIT $1 ";

/// Requests with an appointment on `$1` that have not started enrollment.
pub(crate) const DUE_REMINDERS: &str = "SELECT r.id AS request_id, r.mobile, \
     r.tracking_code, r.national_id, c.first_name, CAST(r.appointment_day AS TEXT) AS appointment_day, r.appointment_shift, \
     o.name AS office_name, o.address AS office_address, d.name AS delivery_name, d.address AS delivery_address \
     FROM card_requests r \
     LEFT JOIN citizens c ON c.national_id = r.national_id \
     JOIN enrollment_offices o ON o.id = r.appointment_office_id \
     LEFT JOIN delivery_offices d ON d.id = r.delivery_office_id \
     WHERE r.appointment_day = $1 AND r.state = 'appointment_chosen' ORDER BY r.id";

#[derive(sqlx::FromRow)]
pub(crate) struct ContextRow {
    tracking_code: Option<String>,
    national_id: Option<String>,
    first_name: Option<String>,
    appointment_day: Option<String>,
    appointment_shift: Option<String>,
    office_name: Option<String>,
    office_address: Option<String>,
    delivery_name: Option<String>,
    delivery_address: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    id: i64,
    request_id: i64,
    kind: String,
    old_value: Option<String>,
    new_value: Option<String>,
    mobile: String,
    #[sqlx(flatten)]
    context: ContextRow,
}

#[derive(sqlx::FromRow)]
pub(crate) struct ReminderRow {
    request_id: i64,
    mobile: String,
    #[sqlx(flatten)]
    context: ContextRow,
}

impl From<ContextRow> for RequestContext {
    fn from(r: ContextRow) -> Self {
        RequestContext {
            tracking_code: r.tracking_code,
            national_id: r.national_id,
            first_name: r.first_name,
            appointment_day: r.appointment_day,
            appointment_shift: r.appointment_shift,
            office_name: r.office_name,
            office_address: r.office_address,
            delivery_name: r.delivery_name,
            delivery_address: r.delivery_address,
        }
    }
}

impl TryFrom<EventRow> for PendingEvent {
    type Error = RegistryError;
    fn try_from(r: EventRow) -> Result<Self> {
        let kind = r.kind.parse().map_err(|_| RegistryError::Corrupt {
            table: "request_events",
            column: "kind",
            value: r.kind.clone(),
        })?;
        Ok(PendingEvent {
            id: r.id,
            request_id: r.request_id,
            kind,
            old_value: r.old_value,
            new_value: r.new_value,
            mobile: r.mobile,
            context: r.context.into(),
        })
    }
}

impl From<ReminderRow> for Reminder {
    fn from(r: ReminderRow) -> Self {
        Reminder {
            request_id: r.request_id,
            mobile: r.mobile,
            context: r.context.into(),
        }
    }
}

/// Implements `EventStore` for a backend with `begin_write` and `insert_sms`.
macro_rules! sql_events {
    ($ty:ty, $lock:literal) => {
        #[async_trait::async_trait]
        impl $crate::sms::events::EventStore for $ty {
            async fn process_events(
                &self,
                limit: i64,
                now: DateTime<Utc>,
                build: $crate::sms::events::Build<'_>,
            ) -> Result<usize> {
                use $crate::sms::events::{PendingEvent, compose, sql};
                let mut tx = self.begin_write().await?;
                let rows: Vec<sql::EventRow> = sqlx::query_as(&format!("{}{}", sql::CLAIM, $lock))
                    .bind(limit)
                    .fetch_all(&mut *tx)
                    .await?;
                let count = rows.len();
                let mut sent = false;
                for row in rows {
                    let event = PendingEvent::try_from(row)?;
                    let planned = compose::event(&event)
                        .and_then(|p| p.iter().map(build).collect::<std::result::Result<Vec<_>, String>>());
                    let skipped = match planned {
                        Ok(batch) => {
                            for sms in &batch {
                                Self::insert_sms(&mut tx, sms).await?;
                            }
                            sent |= !batch.is_empty();
                            None
                        }
                        Err(e) => {
                            tracing::warn!(event = event.id, request = event.request_id, error = %e, "registry event sends no SMS");
                            Some(e)
                        }
                    };
                    sqlx::query("UPDATE request_events SET processed_at = $1, skipped = $2 WHERE id = $3")
                        .bind(now)
                        .bind(skipped)
                        .bind(event.id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                if sent {
                    self.bell.ring();
                }
                Ok(count)
            }

            async fn remind(&self, day: NaiveDate, build: $crate::sms::events::Build<'_>) -> Result<usize> {
                use $crate::sms::events::{Reminder, compose, sql};
                use $crate::sms::outbox::Enqueued;
                let mut tx = self.begin_write().await?;
                let rows: Vec<sql::ReminderRow> = sqlx::query_as(sql::DUE_REMINDERS)
                    .bind(day)
                    .fetch_all(&mut *tx)
                    .await?;
                let key = day.format("%Y-%m-%d").to_string();
                let mut new = 0;
                for row in rows {
                    let reminder = Reminder::from(row);
                    match compose::reminder(&reminder, &key).and_then(|p| build(&p)) {
                        Ok(sms) => new += usize::from(matches!(Self::insert_sms(&mut tx, &sms).await?, Enqueued::New(_))),
                        Err(e) => tracing::warn!(request = reminder.request_id, error = %e, "no appointment reminder"),
                    }
                }
                tx.commit().await?;
                if new > 0 {
                    self.bell.ring();
                }
                Ok(new)
            }

            async fn pending_events(&self) -> Result<i64> {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM request_events WHERE processed_at IS NULL")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(n)
            }
        }
    };
}
pub(crate) use sql_events;
