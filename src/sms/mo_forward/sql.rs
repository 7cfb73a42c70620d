//! The MO forward SQL for both backends, expanded by `sql_mo_forward!` on
//! the backend structs. Forward instants are bound as text (`ts`).

/// The claimed forwards with their messages; `$keys` selects the claimed keys.
macro_rules! details {
    ($keys:literal) => {
        concat!(
            "SELECT f.inbox_id, CAST(f.attempts AS BIGINT) AS attempts, i.carrier, i.source, \
             i.destination, i.text, CAST(i.data_coding AS BIGINT) AS data_coding, \
             CAST(i.parts AS BIGINT) AS parts, i.received_at \
             FROM sms_mo_forwards f JOIN sms_inbox i ON i.id = f.inbox_id WHERE f.inbox_id IN ",
            $keys,
            " ORDER BY f.inbox_id"
        )
    };
}

/// The message's final state after its last attempt (binds id, state, reply, now).
pub(crate) const SETTLE: &str = "UPDATE sms_inbox SET state = $2, \
    reply_outbox_id = COALESCE($3, reply_outbox_id), updated_at = $4 WHERE id = $1";

/// SQLite statements.
pub(crate) mod sqlite {
    pub(crate) use super::SETTLE;
    crate::sms::delivery::sql::sqlite_statements!(
        "sms_mo_forwards",
        "inbox_id",
        "sms_mo_forward_attempts",
        "inbox_id"
    );
    pub const DETAILS: &str = details!("(SELECT value FROM json_each($1))");
}

/// PostgreSQL statements.
pub(crate) mod postgres {
    pub(crate) use super::SETTLE;
    crate::sms::delivery::sql::postgres_statements!(
        "sms_mo_forwards",
        "inbox_id",
        "sms_mo_forward_attempts",
        "inbox_id"
    );
    pub const DETAILS: &str = details!("(SELECT jsonb_array_elements_text($1::jsonb)::bigint)");
}

/// Implements `MoForwardStore` for a backend struct with `pool` and
/// `begin_write`; `$q` is the module of statements.
macro_rules! sql_mo_forward {
    ($ty:ty, $q:path) => {
        #[async_trait::async_trait]
        impl $crate::sms::mo_forward::MoForwardStore for $ty {
            async fn claim_forwards(
                &self,
                limit: u32,
                now: DateTime<Utc>,
                lease_until: DateTime<Utc>,
            ) -> Result<Vec<$crate::sms::mo_forward::PendingForward>> {
                use $q as q;
                $crate::sms::delivery::sql::claim_then_read!(
                    self,
                    q::CLAIM,
                    q::DETAILS,
                    limit,
                    now,
                    lease_until
                )
            }

            async fn record_forward(
                &self,
                f: &$crate::sms::mo_forward::ForwardAttempt,
            ) -> Result<()> {
                use $crate::sms::delivery::Next;
                use $q as q;
                let mut tx = self.begin_write().await?;
                $crate::sms::delivery::sql::record_attempt!(tx, q::ATTEMPT, q::NEXT, &f.attempt);
                let settled = match f.attempt.next {
                    Next::Sent => Some("forwarded"),
                    Next::GiveUp => Some("forward_failed"),
                    Next::Retry(_) => None,
                };
                if let Some(state) = settled {
                    sqlx::query(q::SETTLE)
                        .bind(f.attempt.key)
                        .bind(state)
                        .bind(f.reply)
                        .bind(f.attempt.at)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
pub(crate) use sql_mo_forward;
