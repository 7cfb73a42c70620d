//! The inbox's SQL for both backends, expanded by `sql_inbox!` on the
//! backend structs (placeholders `$n` work on both).

/// Implements `InboxStore` for a backend with `begin_write`. `$lock`
/// serialises the parts of one message (binds carrier, source, reference):
/// without it two parts stored at once on PostgreSQL would each miss the
/// other's uncommitted row and the message would never complete. SQLite's
/// `BEGIN IMMEDIATE` already serialises writers.
macro_rules! sql_inbox {
    ($ty:ty, $lock:literal) => {
        #[async_trait::async_trait]
        impl $crate::sms::inbox::InboxStore for $ty {
            async fn store_whole(
                &self,
                env: &$crate::sms::inbox::Envelope,
                text: Option<&str>,
                now: DateTime<Utc>,
            ) -> Result<$crate::sms::inbox::InboxSms> {
                let mut tx = self.begin_write().await?;
                let id = $crate::sms::inbox::sql::insert!(&mut *tx, env, text, 1i64, now)?;
                tx.commit().await?;
                Ok($crate::sms::inbox::InboxSms {
                    id,
                    envelope: env.clone(),
                    text: text.map(str::to_owned),
                    parts: 1,
                })
            }

            async fn store_part(
                &self,
                env: &$crate::sms::inbox::Envelope,
                part: &$crate::sms::inbox::NewPart,
                now: DateTime<Utc>,
            ) -> Result<$crate::sms::inbox::PartStored> {
                use $crate::sms::inbox::{InboxSms, PartStored};
                let key = "carrier = $1 AND source = $2 AND destination = $3 AND reference = $4 AND total = $5";
                let mut tx = self.begin_write().await?;
                sqlx::query($lock)
                    .bind(&env.carrier)
                    .bind(&env.source)
                    .bind(i64::from(part.reference))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO sms_inbox_parts (carrier, source, destination, reference, total, seqnum, data_coding, octets, received_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
                )
                .bind(&env.carrier)
                .bind(&env.source)
                .bind(&env.destination)
                .bind(i64::from(part.reference))
                .bind(i64::from(part.total))
                .bind(i64::from(part.seqnum))
                .bind(i64::from(env.data_coding))
                .bind(&part.octets)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let held: Vec<(Vec<u8>,)> = sqlx::query_as(&format!(
                    "SELECT octets FROM sms_inbox_parts WHERE {key} ORDER BY seqnum"
                ))
                .bind(&env.carrier)
                .bind(&env.source)
                .bind(&env.destination)
                .bind(i64::from(part.reference))
                .bind(i64::from(part.total))
                .fetch_all(&mut *tx)
                .await?;
                if held.len() < usize::from(part.total) {
                    tx.commit().await?;
                    return Ok(PartStored::Pending);
                }
                let joined: Vec<u8> = held.into_iter().flat_map(|(o,)| o).collect();
                let text = $crate::sms::inbox::decode(env.data_coding, &joined);
                let parts = i64::from(part.total);
                let id = $crate::sms::inbox::sql::insert!(&mut *tx, env, text.as_deref(), parts, now)?;
                sqlx::query(&format!("DELETE FROM sms_inbox_parts WHERE {key}"))
                    .bind(&env.carrier)
                    .bind(&env.source)
                    .bind(&env.destination)
                    .bind(i64::from(part.reference))
                    .bind(i64::from(part.total))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(PartStored::Complete(InboxSms {
                    id,
                    envelope: env.clone(),
                    text,
                    parts,
                }))
            }

            async fn mark(
                &self,
                id: i64,
                handled: $crate::sms::inbox::Handled,
                now: DateTime<Utc>,
            ) -> Result<()> {
                use $crate::sms::inbox::Handled;
                let (state, by, reply) = match handled {
                    Handled::Replied { by, reply } => ("replied", Some(by), Some(reply)),
                    Handled::Unclaimed => ("unclaimed", None, None),
                    Handled::Forward => ("forwarding", None, None),
                };
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "UPDATE sms_inbox SET state = $2, handled_by = $3, reply_outbox_id = $4, updated_at = $5 WHERE id = $1",
                )
                .bind(id)
                .bind(state)
                .bind(by)
                .bind(reply)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if handled == Handled::Forward {
                    // The defaults make it due now, in the forward worker's instant format.
                    sqlx::query("INSERT INTO sms_mo_forwards (inbox_id) VALUES ($1) ON CONFLICT DO NOTHING")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn stranded(
                &self,
                before: DateTime<Utc>,
                limit: i64,
            ) -> Result<Vec<$crate::sms::inbox::InboxSms>> {
                type Row = (i64, String, String, String, i64, Option<String>, i64);
                let rows: Vec<Row> = sqlx::query_as(
                    "SELECT id, carrier, source, destination, data_coding, text, parts FROM sms_inbox \
                     WHERE state = 'received' AND received_at < $1 ORDER BY id LIMIT $2",
                )
                .bind(before)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, carrier, source, destination, coding, text, parts)| {
                        $crate::sms::inbox::InboxSms {
                            id,
                            envelope: $crate::sms::inbox::Envelope {
                                carrier,
                                source,
                                destination,
                                data_coding: u8::try_from(coding).unwrap_or_default(),
                            },
                            text,
                            parts,
                        }
                    })
                    .collect())
            }
        }
    };
}

/// Inserts a whole message into `sms_inbox` on `$conn`; its id.
macro_rules! insert {
    ($conn:expr, $env:expr, $text:expr, $parts:expr, $now:expr) => {
        sqlx::query_as::<_, (i64,)>(
            "INSERT INTO sms_inbox (carrier, source, destination, text, data_coding, parts, received_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(&$env.carrier)
        .bind(&$env.source)
        .bind(&$env.destination)
        .bind($text)
        .bind(i64::from($env.data_coding))
        .bind($parts)
        .bind($now)
        .fetch_one($conn)
        .await
        .map(|(id,)| id)
    };
}

pub(crate) use insert;
pub(crate) use sql_inbox;
