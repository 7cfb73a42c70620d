//! SQLite's memory statistics, switched off for the process before the first
//! connection opens (`SQLITE_CONFIG_MEMSTATUS`).
//!
//! Why: the SQLite that sqlx bundles keeps them on, so every `sqlite3_malloc`
//! and `sqlite3_free` takes a process-wide mutex to count bytes. sqlx copies
//! each column of each row it reads with `sqlite3_value_dup` (a second
//! allocation for a text), so a USSD hop made about 20 allocations and 20
//! frees, each locking and counting. Nothing here reads the statistics (`sqlite3_memory_used`, the
//! soft heap limit), so they cost without serving anyone.

use std::sync::Once;

/// Turns SQLite's memory statistics off, once per process, if SQLite has not
/// been initialised yet; otherwise (another part of the process opened a
/// connection first) it leaves them as they are: a cost, not an error.
pub(super) fn off() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: `SQLITE_CONFIG_MEMSTATUS` takes one int. `sqlite3_config`
        // returns `SQLITE_MISUSE` without touching anything once SQLite is
        // initialised; before that, the only thing it changes is the flag
        // that `sqlite3_initialize` reads.
        let rc =
            unsafe { libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS, 0) };
        if rc != libsqlite3_sys::SQLITE_OK {
            tracing::debug!(
                rc,
                "SQLite was initialised already; its memory statistics stay on"
            );
        }
    });
}
