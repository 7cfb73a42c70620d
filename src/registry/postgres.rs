//! Production: PostgreSQL, the database shared with the web side.

use super::latest_row::{CITIZEN_AND_LATEST_REQUEST, CitizenAndRequestRow};
use super::offices_row::{REQUEST_WITH_OFFICES, RequestWithOfficesRow};
use super::rows::*;
use super::sql::*;
use super::{Backend, Registry, RegistryError, Result, audit, identity, model::*, ranking};
use crate::config::DatabaseSettings;
use crate::domain::{AreaCode, IdSerial, Msisdn, NationalId};
use crate::sms::outbox::{EnqueueBell, NewSms};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{PgConnection, Postgres, Transaction};
use std::str::FromStr;

/// The registry on a PostgreSQL database.
pub struct PgBackend {
    pub(crate) pool: PgPool,
    /// Wakes this process's dispatcher after an enqueue commits.
    bell: EnqueueBell,
}

impl PgBackend {
    const BACKEND: Backend = Backend::Postgres;
    const MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

    /// A pool that connects on first use.
    pub fn connect_lazy(url: &str, settings: &DatabaseSettings) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)?.application_name("dargah");
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.acquire_timeout)
            .connect_lazy_with(options);
        Ok(PgBackend {
            pool,
            bell: EnqueueBell::default(),
        })
    }

    /// READ COMMITTED is enough: every write transaction takes its row locks
    /// with UPDATE before it reads, and conditional UPDATEs re-check their
    /// predicate after waiting on a lock.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// An enqueue's transaction, in which the outbox trigger does not
    /// `NOTIFY` (see [`EnqueueBell`] for why; the bell rings after commit).
    /// One round trip: both statements go as one simple query.
    async fn begin_enqueue(&self) -> Result<Transaction<'static, Postgres>> {
        Ok(self
            .pool
            .begin_with("BEGIN; SET LOCAL dargah.local_wake = 'on'")
            .await?)
    }

    /// A connection for one read: the pool's (a ping before reuse matters
    /// for a network connection).
    async fn reader(&self) -> Result<PoolConnection<Postgres>> {
        Ok(self.pool.acquire().await?)
    }

    /// Reads share the pool, which `close` closes.
    async fn close_readers(&self) {}
}

sql_reads!(PgBackend);
sql_writes!(PgBackend, Postgres, PgConnection);
sql_admin!(PgBackend, Postgres);
impl_registry!(PgBackend);
crate::sms::otp::sql::sql_otp!(
    PgBackend,
    "SELECT pg_advisory_xact_lock(hashtext($1 || '/' || $2))"
);
crate::sms::outbox::sql::sql_outbox!(PgBackend, PgConnection, crate::sms::outbox::sql::postgres);
crate::sms::dispatch::sql::sql_dispatch!(
    PgBackend,
    crate::sms::dispatch::sql::postgres,
    crate::sms::dispatch::sql::pg_listen
);
crate::sms::inbox::sql::sql_inbox!(
    PgBackend,
    "SELECT pg_advisory_xact_lock(hashtext($1 || '/' || $2 || '/' || ($3::bigint)::text))"
);
crate::sms::events::sql::sql_events!(PgBackend, "FOR UPDATE OF e SKIP LOCKED");
crate::sms::callbacks::sql::sql_callbacks!(PgBackend, crate::sms::callbacks::sql::postgres);
crate::sms::mo_forward::sql::sql_mo_forward!(PgBackend, crate::sms::mo_forward::sql::postgres);
