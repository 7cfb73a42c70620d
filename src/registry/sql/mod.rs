//! The SQL both backends share, written once as macros that expand over a
//! concrete sqlx database type. Placeholders are `$n`, which both SQLite and
//! PostgreSQL accept; anything that differs (pool options, how a write
//! transaction begins, migrations) stays in the backend's own file.
//!
//! Macros rather than generics: sqlx's generic bounds would cost more lines than
//! the queries themselves, and each expansion is type-checked concretely.

mod admin;
mod reads;
mod trait_impl;
mod writes;

pub(super) use admin::{BULK_CHUNK, sql_admin};
pub(super) use reads::sql_reads;
pub(super) use trait_impl::{impl_registry, missing_table_is_empty};
pub(super) use writes::sql_writes;
