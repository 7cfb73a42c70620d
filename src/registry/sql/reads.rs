//! Read queries, expanded once per backend by `sql_reads!`.

/// Inherent read methods on a backend struct with a `reader()` method that
/// lends a connection (SQLite: `registry::readers`; PostgreSQL: the pool).
macro_rules! sql_reads {
    ($ty:ty) => {
        impl $ty {
            async fn q_citizen(&self, id: &NationalId) -> Result<Option<Citizen>> {
                let row: Option<CitizenRow> = sqlx::query_as(
                    "SELECT national_id, id_serial, serial_changed_at, first_name, last_name, \
                     mother_first_name, birth_date, gender, alive FROM citizens WHERE national_id = $1",
                )
                .bind(id.as_str())
                .fetch_optional(&mut *self.reader().await?)
                .await?;
                row.map(Citizen::try_from).transpose()
            }

            async fn q_citizen_and_latest_request(
                &self,
                id: &NationalId,
            ) -> Result<(Option<Citizen>, Option<CardRequest>)> {
                let row: CitizenAndRequestRow = sqlx::query_as(CITIZEN_AND_LATEST_REQUEST)
                    .bind(id.as_str())
                    .fetch_one(&mut *self.reader().await?)
                    .await?;
                let citizen = row.citizen.map(Citizen::try_from).transpose()?;
                Ok((citizen, row.request.map(CardRequest::try_from).transpose()?))
            }

            async fn q_request(&self, id: i64) -> Result<Option<CardRequest>> {
                let row: Option<RequestRow> = sqlx::query_as(request_select!("WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&mut *self.reader().await?)
                    .await?;
                row.map(CardRequest::try_from).transpose()
            }

            async fn q_request_with_offices(&self, id: i64) -> Result<Option<RequestWithOffices>> {
                let row: Option<RequestWithOfficesRow> = sqlx::query_as(REQUEST_WITH_OFFICES)
                    .bind(id)
                    .fetch_optional(&mut *self.reader().await?)
                    .await?;
                row.map(RequestWithOffices::try_from).transpose()
            }

            async fn q_request_by_national_id(&self, id: &NationalId) -> Result<Option<CardRequest>> {
                let row: Option<RequestRow> =
                    sqlx::query_as(request_select!("WHERE national_id = $1 ORDER BY id DESC LIMIT 1"))
                        .bind(id.as_str())
                        .fetch_optional(&mut *self.reader().await?)
                        .await?;
                row.map(CardRequest::try_from).transpose()
            }

            async fn q_requests_by_mobile(&self, mobile: &Msisdn) -> Result<Vec<CardRequest>> {
                let rows: Vec<RequestRow> = sqlx::query_as(request_select!("WHERE mobile = $1 ORDER BY id DESC"))
                    .bind(mobile.as_str())
                    .fetch_all(&mut *self.reader().await?)
                    .await?;
                let mut all: Vec<CardRequest> = convert(rows)?;
                let mut seen = std::collections::HashSet::new();
                all.retain(|r| seen.insert(r.national_id.clone()));
                Ok(all)
            }

            async fn q_enrollment_office(&self, id: i64) -> Result<Option<EnrollmentOffice>> {
                let row: Option<OfficeRow> =
                    sqlx::query_as(concat!("SELECT ", office_columns!(), " FROM enrollment_offices o WHERE o.id = $1"))
                        .bind(id)
                        .fetch_optional(&mut *self.reader().await?)
                        .await?;
                row.map(EnrollmentOffice::try_from).transpose()
            }

            async fn q_delivery_office(&self, id: i64) -> Result<Option<DeliveryOffice>> {
                let row: Option<DeliveryRow> = sqlx::query_as(
                    "SELECT id, code, name, city, area_code, phone, address FROM delivery_offices WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *self.reader().await?)
                .await?;
                row.map(DeliveryOffice::try_from).transpose()
            }

            async fn q_delivery_offices(&self, area: &AreaCode) -> Result<Vec<DeliveryOffice>> {
                let rows: Vec<DeliveryRow> = sqlx::query_as(
                    "SELECT id, code, name, city, area_code, phone, address FROM delivery_offices \
                     WHERE area_code = $1 AND active ORDER BY name, id",
                )
                .bind(area.as_str())
                .fetch_all(&mut *self.reader().await?)
                .await?;
                convert(rows)
            }

            async fn q_free_days(&self, area: &AreaCode, from: NaiveDate, days: u32, needs: &SpecialNeeds) -> Result<Vec<FreeDay>> {
                let to = from + chrono::Duration::days(i64::from(days));
                let rows: Vec<FreeDayRow> = sqlx::query_as(
                    "SELECT c.day, \
                     CAST(SUM(CASE WHEN c.shift = 'morning' THEN c.approved - c.reserved ELSE 0 END) AS BIGINT) AS morning, \
                     CAST(SUM(CASE WHEN c.shift = 'evening' THEN c.approved - c.reserved ELSE 0 END) AS BIGINT) AS evening \
                     FROM office_capacity c JOIN enrollment_offices o ON o.id = c.office_id \
                     WHERE o.area_code = $1 AND o.active AND c.day >= $2 AND c.day < $3 AND c.reserved < c.approved \
                     AND ($4 OR o.home_enrollment) AND ($5 OR o.step_free_access) \
                     AND ($6 OR o.iris_exception) AND ($7 OR o.fingerprint_exception) \
                     GROUP BY c.day ORDER BY c.day",
                )
                .bind(area.as_str())
                .bind(from)
                .bind(to)
                .bind(needs.can_leave_home)
                .bind(needs.can_climb_stairs)
                .bind(needs.pupils_visible)
                .bind(needs.fingers_healthy)
                .fetch_all(&mut *self.reader().await?)
                .await?;
                Ok(rows.into_iter().map(|r| FreeDay { day: r.day, morning: r.morning, evening: r.evening }).collect())
            }

            async fn q_list_offices(&self, q: &OfficeQuery) -> Result<Vec<OfficeSlot>> {
                let rows: Vec<OfficeSlotRow> = sqlx::query_as(concat!(
                    "SELECT ", office_columns!(), ", c.day, c.shift, c.approved, c.approved - c.reserved AS free \
                     FROM office_capacity c JOIN enrollment_offices o ON o.id = c.office_id \
                     WHERE o.area_code = $1 AND o.active AND c.day = $2 AND ($3 = '' OR c.shift = $3) \
                     AND c.reserved < c.approved \
                     AND ($4 OR o.home_enrollment) AND ($5 OR o.step_free_access) \
                     AND ($6 OR o.iris_exception) AND ($7 OR o.fingerprint_exception)"
                ))
                .bind(q.area_code.as_str())
                .bind(q.day)
                .bind(q.shift.map(Shift::as_str).unwrap_or(""))
                .bind(q.needs.can_leave_home)
                .bind(q.needs.can_climb_stairs)
                .bind(q.needs.pupils_visible)
                .bind(q.needs.fingers_healthy)
                .fetch_all(&mut *self.reader().await?)
                .await?;
                let mut slots: Vec<OfficeSlot> = convert(rows)?;
                ranking::rank(&mut slots, q.phone_prefix.as_deref());
                Ok(slots)
            }

            async fn q_capacity(&self, slot: &Slot) -> Result<Option<(i64, i64)>> {
                Ok(sqlx::query_as(
                    "SELECT reserved, approved FROM office_capacity WHERE office_id = $1 AND day = $2 AND shift = $3",
                )
                .bind(slot.office_id)
                .bind(slot.day)
                .bind(slot.shift.as_str())
                .fetch_optional(&mut *self.reader().await?)
                .await?)
            }

            async fn q_audit_trail(&self, entity: &str, entity_id: &str) -> Result<Vec<AuditRecord>> {
                let rows: Vec<AuditRow> = sqlx::query_as(
                    "SELECT actor, channel, entity, entity_id, action, before, after FROM audit_log \
                     WHERE entity = $1 AND entity_id = $2 ORDER BY id",
                )
                .bind(entity)
                .bind(entity_id)
                .fetch_all(&mut *self.reader().await?)
                .await?;
                convert(rows)
            }
        }
    };
}
pub(in crate::registry) use sql_reads;
