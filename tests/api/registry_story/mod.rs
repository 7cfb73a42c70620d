//! The registry's story, told once and run on SQLite and on PostgreSQL.

mod changes;
mod confirm;
mod lookups;
mod offices;
mod race;
