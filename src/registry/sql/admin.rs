//! The writes the web side normally does (citizens, offices, capacity,
//! requests), used by demo data, benchmarks and tests; expanded by `sql_admin!`.

/// Inherent admin methods on a backend struct.
macro_rules! sql_admin {
    ($ty:ty, $db:ty) => {
        impl $ty {
            async fn a_put_citizen(&self, c: &Citizen) -> Result<()> {
                let gender: &'static str = c.gender.into();
                sqlx::query(
                    "INSERT INTO citizens (national_id, id_serial, serial_changed_at, first_name, last_name, \
                     mother_first_name, birth_date, gender, alive) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (national_id) DO UPDATE SET id_serial = excluded.id_serial, \
                     serial_changed_at = excluded.serial_changed_at, first_name = excluded.first_name, \
                     last_name = excluded.last_name, mother_first_name = excluded.mother_first_name, \
                     birth_date = excluded.birth_date, gender = excluded.gender, alive = excluded.alive",
                )
                .bind(c.national_id.as_str())
                .bind(c.id_serial.as_str())
                .bind(c.serial_changed_at)
                .bind(&c.first_name)
                .bind(&c.last_name)
                .bind(&c.mother_first_name)
                .bind(c.birth_date)
                .bind(gender)
                .bind(c.alive)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn a_add_enrollment_office(&self, o: &EnrollmentOffice) -> Result<i64> {
                let f = &o.facilities;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO enrollment_offices (code, name, city, area_code, phone, address, home_enrollment, \
                     step_free_access, iris_exception, fingerprint_exception) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                )
                .bind(&o.code)
                .bind(&o.name)
                .bind(&o.city)
                .bind(o.area_code.as_str())
                .bind(&o.phone)
                .bind(&o.address)
                .bind(f.home_enrollment)
                .bind(f.step_free_access)
                .bind(f.iris_exception)
                .bind(f.fingerprint_exception)
                .fetch_one(&self.pool)
                .await?;
                Ok(id)
            }

            async fn a_set_capacity(&self, slot: &Slot, approved: i64) -> Result<()> {
                sqlx::query(
                    "INSERT INTO office_capacity (office_id, day, shift, approved, reserved) VALUES ($1, $2, $3, $4, 0) \
                     ON CONFLICT (office_id, day, shift) DO UPDATE SET approved = excluded.approved",
                )
                .bind(slot.office_id)
                .bind(slot.day)
                .bind(slot.shift.as_str())
                .bind(approved)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn a_add_delivery_office(&self, o: &DeliveryOffice) -> Result<i64> {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO delivery_offices (code, name, city, area_code, phone, address) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(&o.code)
                .bind(&o.name)
                .bind(&o.city)
                .bind(o.area_code.as_str())
                .bind(&o.phone)
                .bind(&o.address)
                .fetch_one(&self.pool)
                .await?;
                Ok(id)
            }

            async fn a_add_request(&self, r: &NewRequest) -> Result<i64> {
                let mut tx = self.begin_write().await?;
                if let Some(slot) = &r.appointment
                    && !Self::reserve(&mut tx, slot).await?
                {
                    return Err(RegistryError::Conflict(format!("slot {slot:?} is full")));
                }
                let (id,): (i64,) = Self::insert_requests(std::slice::from_ref(r))
                    .push(" RETURNING id")
                    .build_query_as()
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(id)
            }

            fn insert_requests(requests: &[NewRequest]) -> sqlx::QueryBuilder<'_, $db> {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO card_requests (national_id, mobile, state, payment_state, tracking_code, \
                     can_leave_home, can_climb_stairs, pupils_visible, fingers_healthy, appointment_office_id, \
                     appointment_day, appointment_shift, delivery_office_id) ",
                );
                qb.push_values(requests, |mut b, r| {
                    let (state, payment): (&'static str, &'static str) = (r.state.into(), r.payment.into());
                    b.push_bind(r.national_id.as_str())
                        .push_bind(r.mobile.as_str())
                        .push_bind(state)
                        .push_bind(payment)
                        .push_bind(r.tracking_code.as_ref().map(|t| t.as_str()))
                        .push_bind(r.needs.can_leave_home)
                        .push_bind(r.needs.can_climb_stairs)
                        .push_bind(r.needs.pupils_visible)
                        .push_bind(r.needs.fingers_healthy)
                        .push_bind(r.appointment.map(|s| s.office_id))
                        .push_bind(r.appointment.map(|s| s.day))
                        .push_bind(r.appointment.map(|s| s.shift.as_str()))
                        .push_bind(r.delivery_office_id);
                });
                qb
            }

            fn insert_citizens(citizens: &[Citizen]) -> sqlx::QueryBuilder<'_, $db> {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO citizens (national_id, id_serial, serial_changed_at, first_name, last_name, \
                     mother_first_name, birth_date, gender, alive) ",
                );
                qb.push_values(citizens, |mut b, c| {
                    let gender: &'static str = c.gender.into();
                    b.push_bind(c.national_id.as_str())
                        .push_bind(c.id_serial.as_str())
                        .push_bind(c.serial_changed_at)
                        .push_bind(c.first_name.as_str())
                        .push_bind(c.last_name.as_str())
                        .push_bind(c.mother_first_name.as_str())
                        .push_bind(c.birth_date)
                        .push_bind(gender)
                        .push_bind(c.alive);
                });
                qb
            }

            /// Bulk rows carry no appointments: reserving places row by row
            /// would defeat the purpose, so synthetic requests are unbooked.
            async fn a_bulk_load(&self, citizens: &[Citizen], requests: &[NewRequest]) -> Result<()> {
                if requests.iter().any(|r| r.appointment.is_some()) {
                    return Err(RegistryError::Conflict("bulk_load takes requests without appointments".into()));
                }
                let mut tx = self.begin_write().await?;
                for chunk in citizens.chunks(BULK_CHUNK) {
                    Self::insert_citizens(chunk).build().execute(&mut *tx).await?;
                }
                for chunk in requests.chunks(BULK_CHUNK) {
                    Self::insert_requests(chunk).build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
pub(in crate::registry) use sql_admin;

/// Rows per multi-row INSERT: 13 parameters a request row stays well under
/// SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
pub(in crate::registry) const BULK_CHUNK: usize = 1000;
