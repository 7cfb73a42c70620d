//! The registration database shared with the web side: one async `Registry`
//! trait, a SQLite and a PostgreSQL implementation chosen by URL scheme, each
//! with its own migrations folder.
//!
//! Reads are never cached: whatever the web side writes shows in the next
//! USSD screen. Every change a citizen makes is one transaction with its audit row.

mod audit;
mod columns;
pub mod demo;
pub mod identity;
mod latest_row;
mod memstatus;
pub mod model;
mod offices_row;
pub(crate) mod postgres;
pub mod ranking;
mod readers;
mod rows;
mod sql;
pub(crate) mod sqlite;
mod sqlite_malloc;
mod stable_plans;
mod write_turn;

use crate::config::{DatabaseSettings, DatabaseUrl};
use crate::domain::{AreaCode, IdSerial, Msisdn, NationalId};
use crate::sms::callbacks::{CallbackStore, SharedCallbackStore};
use crate::sms::dispatch::{DispatchStore, SharedDispatchStore};
use crate::sms::events::{EventStore, SharedEventStore};
use crate::sms::inbox::{InboxStore, SharedInboxStore};
use crate::sms::mo_forward::{MoForwardStore, SharedMoForwardStore};
use crate::sms::otp::{OtpStore, SharedOtpStore};
use crate::sms::outbox::{NewSms, Outbox, SharedOutbox};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use model::*;
use std::sync::Arc;

/// A registry error: the database failed, or a stored value is not valid.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The database could not be reached or the query failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A write that conflicts with what is stored (e.g. booking a full slot).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A stored value that no valid writer would store (e.g. an unknown state).
    #[error("invalid value {value:?} in {table}.{column}")]
    Corrupt {
        /// Table.
        table: &'static str,
        /// Column.
        column: &'static str,
        /// The offending value.
        value: String,
    },
}

/// Result alias for registry operations.
pub type Result<T, E = RegistryError> = std::result::Result<T, E>;

/// Which database engine backs a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default.
    Sqlite,
    /// Production, shared with the web side.
    Postgres,
}

/// Everything the gateway reads from and writes to the registration database.
#[async_trait]
pub trait Registry: Send + Sync + 'static {
    /// Which backend this is.
    fn backend(&self) -> Backend;
    /// Applies pending migrations.
    async fn migrate(&self) -> Result<()>;
    /// Whether the database answers and every migration we know is applied.
    async fn ready(&self) -> Result<bool>;
    /// Closes the pool, waiting for connections in use to be returned.
    async fn close(&self);

    /// The civil-registry record of a national ID.
    async fn citizen(&self, id: &NationalId) -> Result<Option<Citizen>>;
    /// Checks a typed national ID and serial (serial, 48-hour window, alive, age).
    async fn verify_identity(
        &self,
        id: &NationalId,
        serial: &IdSerial,
        now: DateTime<Utc>,
    ) -> Result<IdentityCheck>;
    /// The civil-registry record and the latest request of a national ID, in
    /// one query (the USSD identity check needs both).
    async fn citizen_and_latest_request(
        &self,
        id: &NationalId,
    ) -> Result<(Option<Citizen>, Option<CardRequest>)>;
    /// A request by key.
    async fn request(&self, id: i64) -> Result<Option<CardRequest>>;
    /// A request by key with its appointment's enrollment office and its
    /// delivery office, in one query (the status screen shows all three).
    async fn request_with_offices(&self, id: i64) -> Result<Option<RequestWithOffices>>;
    /// The latest request of a national ID.
    async fn request_by_national_id(&self, id: &NationalId) -> Result<Option<CardRequest>>;
    /// The latest request of each citizen whose notification mobile is `mobile`.
    async fn requests_by_mobile(&self, mobile: &Msisdn) -> Result<Vec<CardRequest>>;
    /// An enrollment office by key.
    async fn enrollment_office(&self, id: i64) -> Result<Option<EnrollmentOffice>>;
    /// A delivery office by key.
    async fn delivery_office(&self, id: i64) -> Result<Option<DeliveryOffice>>;
    /// The active delivery offices of a city.
    async fn delivery_offices(&self, area: &AreaCode) -> Result<Vec<DeliveryOffice>>;
    /// Days from `from` (inclusive) for `days` days with free places in suitable offices of the area.
    async fn free_days(
        &self,
        area: &AreaCode,
        from: NaiveDate,
        days: u32,
        needs: &SpecialNeeds,
    ) -> Result<Vec<FreeDay>>;
    /// Office shifts with free places, filtered by needs and ranked (see [`ranking`]).
    async fn list_offices(&self, query: &OfficeQuery) -> Result<Vec<OfficeSlot>>;
    /// Moves a request's appointment: reserves the new place and releases the
    /// old one in one transaction with an audit row; never overbooks.
    ///
    /// `confirm` (here and in the other changes) is the SMS that announce the
    /// change: they are enqueued in the same transaction, only when the
    /// outcome is `Changed`, so a change is never made without its
    /// confirmation (a crash cannot come between them) and an outbox that
    /// cannot be written rolls the change back.
    async fn move_appointment(
        &self,
        request: i64,
        to: Slot,
        actor: &Actor,
        confirm: &[NewSms],
    ) -> Result<ChangeOutcome>;
    /// Changes the notification mobile, with an audit row and `confirm`.
    async fn change_mobile(
        &self,
        request: i64,
        mobile: &Msisdn,
        actor: &Actor,
        confirm: &[NewSms],
    ) -> Result<ChangeOutcome>;
    /// Changes the delivery office (before production starts), with an audit
    /// row and `confirm`.
    async fn change_delivery_office(
        &self,
        request: i64,
        office: i64,
        actor: &Actor,
        confirm: &[NewSms],
    ) -> Result<ChangeOutcome>;
    /// The audit rows of one record, oldest first.
    async fn audit_trail(&self, entity: &str, entity_id: &str) -> Result<Vec<AuditRecord>>;
    /// The reserved and approved places of a slot, if the slot exists.
    async fn capacity(&self, slot: &Slot) -> Result<Option<(i64, i64)>>;

    /// Writes a civil-registry record (the web side's job; demo data and tests use it).
    async fn put_citizen(&self, citizen: &Citizen) -> Result<()>;
    /// Adds an enrollment office; returns its key.
    async fn add_enrollment_office(&self, office: &EnrollmentOffice) -> Result<i64>;
    /// Sets the approved places of a slot, keeping its reservations.
    async fn set_capacity(&self, slot: &Slot, approved: i64) -> Result<()>;
    /// Adds a delivery office; returns its key.
    async fn add_delivery_office(&self, office: &DeliveryOffice) -> Result<i64>;
    /// Adds a request, reserving its appointment place if it has one; returns its key.
    async fn add_request(&self, request: &NewRequest) -> Result<i64>;
    /// Loads citizens and their requests in large batches (synthetic benchmark data).
    async fn bulk_load(&self, citizens: &[Citizen], requests: &[NewRequest]) -> Result<()>;
    /// Refreshes the query planner's statistics of the registry tables
    /// (and, on PostgreSQL, their visibility maps) after a bulk load, so the
    /// first lookups do not wait for autovacuum to find the new rows.
    async fn refresh_statistics(&self) -> Result<()>;
}

/// A cheap, cloneable handle to the configured registry.
pub type SharedRegistry = Arc<dyn Registry>;

/// The shared database, seen as the registration registry and as the SMS
/// outbox: two views over one connection pool.
#[derive(Clone)]
pub struct Database {
    /// Registration data.
    pub registry: SharedRegistry,
    /// Outgoing SMS.
    pub outbox: SharedOutbox,
    /// One-time codes.
    pub otp: SharedOtpStore,
    /// The SMS dispatcher's claims and receipts.
    pub dispatch: SharedDispatchStore,
    /// Registry change events, turned into notifications.
    pub events: SharedEventStore,
    /// Incoming (MO) SMS.
    pub inbox: SharedInboxStore,
    /// Clients' callbacks for message state changes.
    pub callbacks: SharedCallbackStore,
    /// Unclaimed MO SMS forwarded to the web side.
    pub mo_forwards: SharedMoForwardStore,
}

/// Builds the database handles for the configured URL. No connection is made
/// yet: the pool connects on first use, so a database that is down at start
/// does not stop the gateway (see `startup`, which retries migrations).
pub fn connect_lazy(settings: &DatabaseSettings) -> Result<Database> {
    Ok(match &settings.url {
        DatabaseUrl::Sqlite(url) => both(Arc::new(sqlite::SqliteBackend::connect_lazy(
            url, settings,
        )?)),
        DatabaseUrl::Postgres(url) => {
            both(Arc::new(postgres::PgBackend::connect_lazy(url, settings)?))
        }
    })
}

/// One backend, every view of it.
fn both<
    B: Registry
        + Outbox
        + OtpStore
        + DispatchStore
        + EventStore
        + InboxStore
        + CallbackStore
        + MoForwardStore,
>(
    backend: Arc<B>,
) -> Database {
    Database {
        registry: backend.clone(),
        outbox: backend.clone(),
        otp: backend.clone(),
        dispatch: backend.clone(),
        events: backend.clone(),
        inbox: backend.clone(),
        callbacks: backend.clone(),
        mo_forwards: backend,
    }
}
