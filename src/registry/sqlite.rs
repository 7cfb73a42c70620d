//! The embedded default: SQLite in WAL mode, one file, created if missing.

use super::latest_row::{CITIZEN_AND_LATEST_REQUEST, CitizenAndRequestRow};
use super::offices_row::{REQUEST_WITH_OFFICES, RequestWithOfficesRow};
use super::readers::{Reader, Readers};
use super::rows::*;
use super::sql::*;
use super::write_turn::{OneTrip, Turn, WriteTurns, WriteTx};
use super::{Backend, Registry, RegistryError, Result, audit, identity, model::*, ranking};
use crate::config::DatabaseSettings;
use crate::domain::{AreaCode, IdSerial, Msisdn, NationalId};
use crate::sms::dispatch::sql::in_flight::InFlight;
use crate::sms::outbox::{EnqueueBell, NewSms};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, SqliteConnection};
use std::str::FromStr;
use std::time::Duration;

/// The registry on a SQLite file.
pub struct SqliteBackend {
    pub(crate) pool: SqlitePool,
    /// The connections reads use; see [`Readers`] for why not the pool.
    readers: Readers,
    /// This process's queue for the write lock; see [`WriteTurns`].
    turns: WriteTurns,
    acquire_timeout: Duration,
    /// Wakes this process's dispatcher after an enqueue commits.
    bell: EnqueueBell,
    /// The dispatcher's claims (in memory on SQLite; see [`InFlight`]).
    pub(crate) in_flight: InFlight,
}

impl SqliteBackend {
    const BACKEND: Backend = Backend::Sqlite;
    const MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

    /// A pool that opens the file on first use. The parent folder is created
    /// here so that `sqlite://data/dargah.db` works on a fresh clone.
    pub fn connect_lazy(url: &str, settings: &DatabaseSettings) -> Result<Self> {
        super::memstatus::off();
        super::sqlite_malloc::use_global_allocator();
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            // Rows a statement returns wait here for the task to take them.
            // At sqlx's default of 50, a receipt batch's 1,000 `RETURNING`
            // rows made the connection's thread stop and wait for the task
            // twenty times while holding the write lock.
            .row_buffer_size(8192);
        if let Some(dir) = options.get_filename().parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| RegistryError::Database(sqlx::Error::Io(e)))?;
        }
        let in_flight = InFlight::new(Some(options.get_filename()));
        let readers = Readers::new(
            options.clone(),
            settings.max_connections,
            settings.acquire_timeout,
        );
        // No ping before each acquire: a SQLite connection is a file in this
        // process, not a socket that can die, and the ping is a round trip to
        // the connection's thread.
        let pool = SqlitePoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.acquire_timeout)
            .test_before_acquire(false)
            .after_connect(|conn, _| Box::pin(super::stable_plans::stable_plans(conn)))
            .connect_lazy_with(options);
        Ok(SqliteBackend {
            pool,
            readers,
            turns: WriteTurns::default(),
            acquire_timeout: settings.acquire_timeout,
            bell: EnqueueBell::default(),
            in_flight,
        })
    }

    /// A connection for one read.
    async fn reader(&self) -> Result<Reader<'_>> {
        Ok(self.readers.get().await?)
    }

    async fn close_readers(&self) {
        self.readers.close().await
    }

    /// SQLite allows one writer: this process's writers take turns (see
    /// [`super::write_turn`]), then `BEGIN IMMEDIATE` takes the file's write
    /// lock up front, so a transaction never fails halfway on a lock
    /// upgrade; other processes' writers are met by the busy timeout.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx> {
        let turn = self.turn().await?;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTx::new(tx, turn))
    }

    /// A turn and a connection for a write sent as one text with its own
    /// `BEGIN IMMEDIATE … COMMIT` (see [`OneTrip`]).
    pub(crate) async fn one_trip(&self) -> Result<OneTrip> {
        let turn = self.turn().await?;
        Ok(OneTrip::new(self.pool.acquire().await?, turn))
    }

    /// This process's turn at the write lock, waited for at most as long
    /// as for a pooled connection.
    async fn turn(&self) -> Result<Turn> {
        tokio::time::timeout(self.acquire_timeout, self.turns.wait())
            .await
            .map_err(|_| RegistryError::Database(sqlx::Error::PoolTimedOut))
    }

    /// An enqueue's transaction: SQLite has no `NOTIFY` to silence.
    async fn begin_enqueue(&self) -> Result<WriteTx> {
        self.begin_write().await
    }
}

sql_reads!(SqliteBackend);
sql_writes!(SqliteBackend, Sqlite, SqliteConnection);
sql_admin!(SqliteBackend, Sqlite);
impl_registry!(SqliteBackend);
crate::sms::otp::sql::sql_otp!(SqliteBackend, "SELECT $1, $2");
crate::sms::outbox::sql::sql_outbox!(
    SqliteBackend,
    SqliteConnection,
    crate::sms::outbox::sql::sqlite
);
crate::sms::dispatch::sql::sql_dispatch!(
    SqliteBackend,
    crate::sms::dispatch::sql::sqlite,
    crate::sms::dispatch::sql::no_listen
);
crate::sms::inbox::sql::sql_inbox!(SqliteBackend, "SELECT $1, $2, $3");
crate::sms::events::sql::sql_events!(SqliteBackend, "");
crate::sms::callbacks::sql::sql_callbacks!(SqliteBackend, crate::sms::callbacks::sql::sqlite);
crate::sms::mo_forward::sql::sql_mo_forward!(SqliteBackend, crate::sms::mo_forward::sql::sqlite);
