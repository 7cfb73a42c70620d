//! The `Registry` trait over the methods the other macros generate.

/// Implements `Registry` for a backend struct that has the `q_*`, `w_*` and
/// `a_*` methods and the backend-specific `backend_*` methods.
macro_rules! impl_registry {
    ($ty:ty) => {
        #[async_trait::async_trait]
        impl Registry for $ty {
            fn backend(&self) -> Backend {
                Self::BACKEND
            }
            async fn migrate(&self) -> Result<()> {
                Ok(Self::MIGRATOR.run(&self.pool).await?)
            }
            async fn ready(&self) -> Result<bool> {
                let applied: Vec<(i64,)> = sqlx::query_as(
                    "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version",
                )
                .fetch_all(&self.pool)
                .await
                .or_else(missing_table_is_empty)?;
                let applied: Vec<i64> = applied.into_iter().map(|(v,)| v).collect();
                Ok(Self::MIGRATOR.iter().all(|m| applied.contains(&m.version)))
            }
            async fn close(&self) {
                self.close_readers().await;
                self.pool.close().await
            }
            async fn citizen(&self, id: &NationalId) -> Result<Option<Citizen>> {
                self.q_citizen(id).await
            }
            async fn verify_identity(
                &self,
                id: &NationalId,
                serial: &IdSerial,
                now: DateTime<Utc>,
            ) -> Result<IdentityCheck> {
                Ok(match self.q_citizen(id).await? {
                    Some(c) => identity::check(c, serial, now),
                    None => IdentityCheck::UnknownCitizen,
                })
            }
            async fn citizen_and_latest_request(
                &self,
                id: &NationalId,
            ) -> Result<(Option<Citizen>, Option<CardRequest>)> {
                self.q_citizen_and_latest_request(id).await
            }
            async fn request(&self, id: i64) -> Result<Option<CardRequest>> {
                self.q_request(id).await
            }
            async fn request_with_offices(&self, id: i64) -> Result<Option<RequestWithOffices>> {
                self.q_request_with_offices(id).await
            }
            async fn request_by_national_id(&self, id: &NationalId) -> Result<Option<CardRequest>> {
                self.q_request_by_national_id(id).await
            }
            async fn requests_by_mobile(&self, mobile: &Msisdn) -> Result<Vec<CardRequest>> {
                self.q_requests_by_mobile(mobile).await
            }
            async fn enrollment_office(&self, id: i64) -> Result<Option<EnrollmentOffice>> {
                self.q_enrollment_office(id).await
            }
            async fn delivery_office(&self, id: i64) -> Result<Option<DeliveryOffice>> {
                self.q_delivery_office(id).await
            }
            async fn delivery_offices(&self, area: &AreaCode) -> Result<Vec<DeliveryOffice>> {
                self.q_delivery_offices(area).await
            }
            async fn free_days(
                &self,
                area: &AreaCode,
                from: NaiveDate,
                days: u32,
                needs: &SpecialNeeds,
            ) -> Result<Vec<FreeDay>> {
                self.q_free_days(area, from, days, needs).await
            }
            async fn list_offices(&self, query: &OfficeQuery) -> Result<Vec<OfficeSlot>> {
                self.q_list_offices(query).await
            }
            async fn move_appointment(
                &self,
                request: i64,
                to: Slot,
                actor: &Actor,
                confirm: &[NewSms],
            ) -> Result<ChangeOutcome> {
                self.w_move_appointment(request, to, actor, confirm).await
            }
            async fn change_mobile(
                &self,
                request: i64,
                mobile: &Msisdn,
                actor: &Actor,
                confirm: &[NewSms],
            ) -> Result<ChangeOutcome> {
                self.w_change_mobile(request, mobile, actor, confirm).await
            }
            async fn change_delivery_office(
                &self,
                request: i64,
                office: i64,
                actor: &Actor,
                confirm: &[NewSms],
            ) -> Result<ChangeOutcome> {
                self.w_change_delivery_office(request, office, actor, confirm)
                    .await
            }
            async fn audit_trail(&self, entity: &str, entity_id: &str) -> Result<Vec<AuditRecord>> {
                self.q_audit_trail(entity, entity_id).await
            }
            async fn capacity(&self, slot: &Slot) -> Result<Option<(i64, i64)>> {
                self.q_capacity(slot).await
            }
            async fn put_citizen(&self, citizen: &Citizen) -> Result<()> {
                self.a_put_citizen(citizen).await
            }
            async fn add_enrollment_office(&self, office: &EnrollmentOffice) -> Result<i64> {
                self.a_add_enrollment_office(office).await
            }
            async fn set_capacity(&self, slot: &Slot, approved: i64) -> Result<()> {
                self.a_set_capacity(slot, approved).await
            }
            async fn add_delivery_office(&self, office: &DeliveryOffice) -> Result<i64> {
                self.a_add_delivery_office(office).await
            }
            async fn add_request(&self, request: &NewRequest) -> Result<i64> {
                self.a_add_request(request).await
            }
            async fn bulk_load(&self, citizens: &[Citizen], requests: &[NewRequest]) -> Result<()> {
                self.a_bulk_load(citizens, requests).await
            }
            async fn refresh_statistics(&self) -> Result<()> {
                let sql = match Self::BACKEND {
                    Backend::Sqlite => "ANALYZE citizens; ANALYZE card_requests",
                    Backend::Postgres => "VACUUM ANALYZE citizens, card_requests",
                };
                sqlx::raw_sql(sql).execute(&self.pool).await?;
                Ok(())
            }
        }
    };
}
pub(in crate::registry) use impl_registry;

/// Before the first migration the bookkeeping table does not exist: nothing is applied.
pub(in crate::registry) fn missing_table_is_empty<T: Default>(
    e: sqlx::Error,
) -> Result<T, sqlx::Error> {
    match &e {
        sqlx::Error::Database(db) if db.message().contains("_sqlx_migrations") => Ok(T::default()),
        _ => Err(e),
    }
}
