//! SQLite's query planner stability guarantee on every connection
//! (`SQLITE_DBCONFIG_ENABLE_QPSG`): a plan that does not depend on the values
//! bound to it, so a prepared statement is prepared once and reused.
//!
//! Why: the SQLite that sqlx bundles is built with `SQLITE_ENABLE_STAT4`.
//! Once a database has been analysed (`ANALYZE` or `PRAGMA optimize`; `demo
//! generate` does it after its bulk load, and the web side may), the planner
//! looks at the value bound to an indexed equality such as `WHERE mobile = $1`
//! and marks the statement to be parsed and planned again whenever another
//! value is bound. sqlx keeps statements prepared per connection, but every
//! registry read was re-prepared anyway: 28% of the instructions of a USSD hop
//! went to `sqlite3Reprepare` (callgrind, BENCHMARKS.md). Our reads are point
//! lookups on indexes, whose plan no bound value changes.

use sqlx::SqliteConnection;
use std::os::raw::c_int;

/// Turns the guarantee on for `conn`; do it before the connection prepares anything.
pub(super) async fn stable_plans(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    set(conn, 1).await.map(|_| ())
}

/// Sets the flag (`1` on, `0` off, `-1` leave) and returns its value afterwards.
async fn set(conn: &mut SqliteConnection, value: c_int) -> Result<c_int, sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    let mut now: c_int = -1;
    // SAFETY: `db` is an open connection, held locked by `handle` so that its
    // worker thread does not use it meanwhile. This op takes an int and an
    // int pointer (written with the new setting), as SQLite documents.
    let rc = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db,
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            value,
            &mut now as *mut c_int,
        )
    };
    if rc != libsqlite3_sys::SQLITE_OK {
        return Err(sqlx::Error::Configuration(
            format!("sqlite3_db_config(SQLITE_DBCONFIG_ENABLE_QPSG) returned {rc}").into(),
        ));
    }
    Ok(now)
}

/// Whether the guarantee is on for `conn` (for tests).
#[cfg(test)]
pub(super) async fn is_on(conn: &mut SqliteConnection) -> bool {
    set(conn, -1).await.expect("the flag can be read") == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::{ConnectOptions, Connection, sqlite::SqliteConnectOptions};

    #[tokio::test]
    async fn the_guarantee_is_off_by_default_and_on_once_asked() {
        let mut conn = SqliteConnectOptions::new()
            .in_memory(true)
            .connect()
            .await
            .unwrap();
        assert!(!is_on(&mut conn).await);
        stable_plans(&mut conn).await.unwrap();
        assert!(is_on(&mut conn).await);
        conn.close().await.unwrap();
    }
}
