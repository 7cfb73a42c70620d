//! The code store's SQL for both backends, expanded by `sql_otp!` on the
//! backend structs. `$lock` serialises work on one (number, purpose): an
//! advisory lock in PostgreSQL; SQLite's `BEGIN IMMEDIATE` already does it.

/// Implements `OtpStore` for a backend that also has `insert_sms`.
macro_rules! sql_otp {
    ($ty:ty, $lock:literal) => {
        #[async_trait::async_trait]
        impl $crate::sms::otp::OtpStore for $ty {
            async fn issue(
                &self,
                otp: &$crate::sms::otp::NewOtp,
                sms: &$crate::sms::outbox::NewSms,
                resend_after: chrono::Duration,
                now: DateTime<Utc>,
            ) -> Result<$crate::sms::otp::Issued> {
                use $crate::sms::otp::Issued;
                let mut tx = self.begin_write().await?;
                sqlx::query($lock).bind(otp.msisdn.as_str()).bind(&otp.purpose).execute(&mut *tx).await?;
                let last: Option<(DateTime<Utc>,)> = sqlx::query_as(
                    "SELECT created_at FROM otp_codes WHERE msisdn = $1 AND purpose = $2 ORDER BY id DESC LIMIT 1",
                )
                .bind(otp.msisdn.as_str())
                .bind(&otp.purpose)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((at,)) = last
                    && now - at < resend_after
                {
                    let wait = resend_after - (now - at);
                    return Ok(Issued::TooSoon((wait.num_milliseconds() + 999) / 1000));
                }
                let outbox_id = Self::insert_sms(&mut tx, sms).await?.id();
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO otp_codes (client, msisdn, purpose, code_hash, created_at, expires_at, outbox_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(&otp.client)
                .bind(otp.msisdn.as_str())
                .bind(&otp.purpose)
                .bind(&otp.code_hash)
                .bind(now)
                .bind(otp.expires_at)
                .bind(outbox_id)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                self.bell.ring();
                Ok(Issued::Sent(id, outbox_id))
            }

            async fn verify(
                &self,
                msisdn: &Msisdn,
                purpose: &str,
                code_hash: &str,
                max_attempts: i64,
                now: DateTime<Utc>,
            ) -> Result<$crate::sms::otp::Verdict> {
                use $crate::sms::otp::Verdict;
                let mut tx = self.begin_write().await?;
                sqlx::query($lock).bind(msisdn.as_str()).bind(purpose).execute(&mut *tx).await?;
                let live: Option<(i64, String, i64, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT id, code_hash, attempts, expires_at FROM otp_codes \
                     WHERE msisdn = $1 AND purpose = $2 AND consumed_at IS NULL ORDER BY id DESC LIMIT 1",
                )
                .bind(msisdn.as_str())
                .bind(purpose)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((id, stored, attempts, expires_at)) = live else {
                    return Ok(Verdict::NotFound);
                };
                let verdict = if expires_at <= now {
                    Verdict::Expired
                } else if attempts >= max_attempts {
                    Verdict::TooManyAttempts
                } else if $crate::sms::otp::rules_same_hash(&stored, code_hash) {
                    sqlx::query("UPDATE otp_codes SET consumed_at = $2 WHERE id = $1").bind(id).bind(now).execute(&mut *tx).await?;
                    Verdict::Valid
                } else {
                    sqlx::query("UPDATE otp_codes SET attempts = attempts + 1 WHERE id = $1").bind(id).execute(&mut *tx).await?;
                    Verdict::Wrong
                };
                tx.commit().await?;
                Ok(verdict)
            }
        }
    };
}
pub(crate) use sql_otp;
