//! The callback SQL for both backends, expanded by `sql_callbacks!` on the
//! backend structs. Instants are bound as text (`ts`).

/// The claimed callbacks with their messages; `$ids` selects the claimed keys.
macro_rules! details {
    ($ids:literal) => {
        concat!(
            "SELECT c.id, c.outbox_id, c.state, CAST(c.dlr_type AS BIGINT) AS dlr_type, c.url, \
             CAST(c.attempts AS BIGINT) AS attempts, c.created_at, o.client, o.client_ref, \
             o.recipient, o.sender, o.error, o.carrier, \
             (SELECT p.smsc_message_id FROM sms_parts p WHERE p.outbox_id = o.id ",
            decisive!(),
            ") AS smsc_message_id, (SELECT p.receipt_state FROM sms_parts p WHERE p.outbox_id = o.id ",
            decisive!(),
            ") AS receipt_state, (SELECT p.receipt_error FROM sms_parts p WHERE p.outbox_id = o.id ",
            decisive!(),
            ") AS receipt_error FROM sms_callbacks c JOIN sms_outbox o ON o.id = c.outbox_id WHERE c.id IN ",
            $ids,
            " ORDER BY c.id"
        )
    };
}

/// The part that decided a message's state: a failed one before the delivered ones.
macro_rules! decisive {
    () => {
        "ORDER BY CASE WHEN p.receipt_state = 'DELIVRD' THEN 1 ELSE 0 END, p.part_no LIMIT 1"
    };
}

/// SQLite statements; `BEGIN IMMEDIATE` makes the claim exclusive.
pub(crate) mod sqlite {
    pub const CLAIM: &str = "UPDATE sms_callbacks SET attempts = attempts + 1, next_attempt_at = $2 \
        WHERE id IN (SELECT id FROM sms_callbacks WHERE status = 'pending' AND next_attempt_at <= $1 \
        ORDER BY next_attempt_at LIMIT $3) RETURNING id";
    pub const DETAILS: &str = details!("(SELECT value FROM json_each($1))");
    pub const ATTEMPT: &str = "INSERT INTO sms_callback_attempts (callback_id, attempt, at, status_code, error) \
        VALUES ($1, $2, $3, $4, $5)";
    pub const NEXT: &str = "UPDATE sms_callbacks SET status = $2, \
        next_attempt_at = COALESCE($3, next_attempt_at), last_error = $4, done_at = $5 WHERE id = $1";
}

/// PostgreSQL statements; `FOR UPDATE SKIP LOCKED` lets several nodes claim at once.
pub(crate) mod postgres {
    pub const CLAIM: &str = "UPDATE sms_callbacks c SET attempts = c.attempts + 1, \
        next_attempt_at = $2::timestamptz FROM (SELECT id FROM sms_callbacks WHERE status = 'pending' \
        AND next_attempt_at <= $1::timestamptz ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) d \
        WHERE c.id = d.id RETURNING c.id";
    pub const DETAILS: &str = details!("(SELECT jsonb_array_elements_text($1::jsonb)::bigint)");
    pub const ATTEMPT: &str = "INSERT INTO sms_callback_attempts (callback_id, attempt, at, status_code, error) \
        VALUES ($1, $2, $3::timestamptz, $4, $5)";
    pub const NEXT: &str = "UPDATE sms_callbacks SET status = $2, \
        next_attempt_at = COALESCE($3::timestamptz, next_attempt_at), last_error = $4, \
        done_at = $5::timestamptz WHERE id = $1";
}

/// Implements `CallbackStore` for a backend struct with `pool` and
/// `begin_write`; `$q` is the module of statements.
macro_rules! sql_callbacks {
    ($ty:ty, $q:path) => {
        #[async_trait::async_trait]
        impl $crate::sms::callbacks::CallbackStore for $ty {
            async fn claim_callbacks(
                &self,
                limit: u32,
                now: DateTime<Utc>,
                lease_until: DateTime<Utc>,
            ) -> Result<Vec<$crate::sms::callbacks::PendingCallback>> {
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

            async fn record_attempt(&self, a: &$crate::sms::callbacks::Attempt) -> Result<()> {
                use $q as q;
                let mut tx = self.begin_write().await?;
                $crate::sms::delivery::sql::record_attempt!(tx, q::ATTEMPT, q::NEXT, a);
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
pub(crate) use sql_callbacks;
