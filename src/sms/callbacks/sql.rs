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

/// SQLite statements.
pub(crate) mod sqlite {
    crate::sms::delivery::sql::sqlite_statements!(
        "sms_callbacks",
        "id",
        "sms_callback_attempts",
        "callback_id"
    );
    pub const DETAILS: &str = details!("(SELECT value FROM json_each($1))");
}

/// PostgreSQL statements.
pub(crate) mod postgres {
    crate::sms::delivery::sql::postgres_statements!(
        "sms_callbacks",
        "id",
        "sms_callback_attempts",
        "callback_id"
    );
    pub const DETAILS: &str = details!("(SELECT jsonb_array_elements_text($1::jsonb)::bigint)");
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
