//! Write transactions, expanded once per backend by `sql_writes!`.
//!
//! Every citizen-initiated change follows one pattern: touch the request row
//! first (this takes the row lock in PostgreSQL and the write lock in SQLite,
//! so concurrent changes of one request serialise), check the seed's
//! permission table, change, write the audit row, enqueue the confirmation
//! SMS, commit. Dropping the transaction on an early return rolls it back.

/// Inherent write methods on a backend struct with a `pool` field, a
/// `begin_write` method and the connection type `$conn`.
macro_rules! sql_writes {
    ($ty:ty, $db:ty, $conn:ty) => {
        impl $ty {
            async fn lock_request(conn: &mut $conn, id: i64, now: DateTime<Utc>) -> Result<Option<CardRequest>> {
                let touched = sqlx::query("UPDATE card_requests SET updated_at = $2 WHERE id = $1")
                    .bind(id)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                if touched.rows_affected() == 0 {
                    return Ok(None);
                }
                let row: RequestRow = sqlx::query_as(request_select!("WHERE id = $1")).bind(id).fetch_one(&mut *conn).await?;
                CardRequest::try_from(row).map(Some)
            }

            /// Takes one place of a slot if one is free; false when full or missing.
            async fn reserve(conn: &mut $conn, slot: &Slot) -> Result<bool> {
                let done = sqlx::query(
                    "UPDATE office_capacity SET reserved = reserved + 1 \
                     WHERE office_id = $1 AND day = $2 AND shift = $3 AND reserved < approved",
                )
                .bind(slot.office_id)
                .bind(slot.day)
                .bind(slot.shift.as_str())
                .execute(&mut *conn)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn release(conn: &mut $conn, slot: &Slot) -> Result<()> {
                sqlx::query(
                    "UPDATE office_capacity SET reserved = reserved - 1 \
                     WHERE office_id = $1 AND day = $2 AND shift = $3 AND reserved > 0",
                )
                .bind(slot.office_id)
                .bind(slot.day)
                .bind(slot.shift.as_str())
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            async fn audit(conn: &mut $conn, actor: &Actor, request: i64, action: &str, change: audit::Change, now: DateTime<Utc>) -> Result<()> {
                let channel: &'static str = actor.channel.into();
                sqlx::query(
                    "INSERT INTO audit_log (at, actor, channel, entity, entity_id, action, before, after) \
                     VALUES ($1, $2, $3, 'card_request', $4, $5, $6, $7)",
                )
                .bind(now)
                .bind(actor.who.as_str())
                .bind(channel)
                .bind(request.to_string())
                .bind(action)
                .bind(change.before)
                .bind(change.after)
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            /// The change's confirmation SMS, in its transaction (see `Registry::move_appointment`).
            async fn confirm(conn: &mut $conn, confirm: &[NewSms]) -> Result<()> {
                for sms in confirm {
                    Self::insert_sms(&mut *conn, sms).await?;
                }
                Ok(())
            }

            async fn w_move_appointment(&self, request: i64, to: Slot, actor: &Actor, confirm: &[NewSms]) -> Result<ChangeOutcome> {
                let now = Utc::now();
                let mut tx = self.begin_write().await?;
                let Some(current) = Self::lock_request(&mut tx, request, now).await? else {
                    return Ok(ChangeOutcome::NotFound);
                };
                if !current.may_change_appointment() {
                    return Ok(ChangeOutcome::NotAllowed(current.state));
                }
                if current.appointment == Some(to) {
                    return Ok(ChangeOutcome::Unchanged);
                }
                let office: Option<OfficeRow> = sqlx::query_as(concat!(
                    "SELECT ", office_columns!(), " FROM enrollment_offices o WHERE o.id = $1 AND o.active"
                ))
                .bind(to.office_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(office) = office.map(EnrollmentOffice::try_from).transpose()? else {
                    return Ok(ChangeOutcome::NotFound);
                };
                if !office.facilities.serves(&current.needs) {
                    return Ok(ChangeOutcome::Unsuitable);
                }
                // Lock the two capacity rows in key order, so that two citizens
                // swapping slots cannot deadlock each other in PostgreSQL.
                let old = current.appointment;
                let release_first = old.is_some_and(|o| audit::slot_key(&o) < audit::slot_key(&to));
                if let (true, Some(o)) = (release_first, old) {
                    Self::release(&mut tx, &o).await?;
                }
                if !Self::reserve(&mut tx, &to).await? {
                    return Ok(ChangeOutcome::Full);
                }
                if let (false, Some(o)) = (release_first, old) {
                    Self::release(&mut tx, &o).await?;
                }
                sqlx::query(
                    "UPDATE card_requests SET appointment_office_id = $2, appointment_day = $3, appointment_shift = $4 \
                     WHERE id = $1",
                )
                .bind(request)
                .bind(to.office_id)
                .bind(to.day)
                .bind(to.shift.as_str())
                .execute(&mut *tx)
                .await?;
                Self::audit(&mut tx, actor, request, "move_appointment", audit::slots(old, to), now).await?;
                Self::confirm(&mut tx, confirm).await?;
                tx.commit().await?;
                self.bell.ring();
                Ok(ChangeOutcome::Changed)
            }

            async fn w_change_mobile(&self, request: i64, mobile: &Msisdn, actor: &Actor, confirm: &[NewSms]) -> Result<ChangeOutcome> {
                let now = Utc::now();
                let mut tx = self.begin_write().await?;
                let Some(current) = Self::lock_request(&mut tx, request, now).await? else {
                    return Ok(ChangeOutcome::NotFound);
                };
                if !current.may_change_mobile() {
                    return Ok(ChangeOutcome::NotAllowed(current.state));
                }
                if &current.mobile == mobile {
                    return Ok(ChangeOutcome::Unchanged);
                }
                sqlx::query("UPDATE card_requests SET mobile = $2 WHERE id = $1")
                    .bind(request)
                    .bind(mobile.as_str())
                    .execute(&mut *tx)
                    .await?;
                let change = audit::values("mobile", current.mobile.as_str(), mobile.as_str());
                Self::audit(&mut tx, actor, request, "change_mobile", change, now).await?;
                Self::confirm(&mut tx, confirm).await?;
                tx.commit().await?;
                self.bell.ring();
                Ok(ChangeOutcome::Changed)
            }

            async fn w_change_delivery_office(&self, request: i64, office: i64, actor: &Actor, confirm: &[NewSms]) -> Result<ChangeOutcome> {
                let now = Utc::now();
                let mut tx = self.begin_write().await?;
                let Some(current) = Self::lock_request(&mut tx, request, now).await? else {
                    return Ok(ChangeOutcome::NotFound);
                };
                if !current.may_change_delivery_office() {
                    return Ok(ChangeOutcome::NotAllowed(current.state));
                }
                if current.delivery_office_id == Some(office) {
                    return Ok(ChangeOutcome::Unchanged);
                }
                let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM delivery_offices WHERE id = $1 AND active")
                    .bind(office)
                    .fetch_optional(&mut *tx)
                    .await?;
                if exists.is_none() {
                    return Ok(ChangeOutcome::NotFound);
                }
                sqlx::query("UPDATE card_requests SET delivery_office_id = $2 WHERE id = $1")
                    .bind(request)
                    .bind(office)
                    .execute(&mut *tx)
                    .await?;
                let change = audit::ids("delivery_office_id", current.delivery_office_id, office);
                Self::audit(&mut tx, actor, request, "change_delivery_office", change, now).await?;
                Self::confirm(&mut tx, confirm).await?;
                tx.commit().await?;
                self.bell.ring();
                Ok(ChangeOutcome::Changed)
            }
        }
    };
}
pub(in crate::registry) use sql_writes;
