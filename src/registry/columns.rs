//! Reading a row's columns by position, in the order its query selects them.
//!
//! sqlx's derived `FromRow` finds every column by name; on SQLite that is a
//! SipHash lookup per column, and the two reads of a USSD journey decode 25
//! and 35 columns on every hop. The rows those reads return are decoded here
//! by position instead. Two guards keep a SELECT and its reader in step: in
//! debug builds (every test) each position's column name is checked, and a
//! value that does not decode at its position is read again by name, so an
//! error names the column exactly as the derived code's did.

use super::rows::{CitizenRow, RequestRow};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Column, ColumnIndex, Decode, Postgres, Row, Sqlite, Type};

/// A value both backends decode: what a column read by position may be.
pub(super) trait Field<'r>:
    Decode<'r, Sqlite> + Type<Sqlite> + Decode<'r, Postgres> + Type<Postgres>
{
}

impl<'r, T> Field<'r> for T where
    T: Decode<'r, Sqlite> + Type<Sqlite> + Decode<'r, Postgres> + Type<Postgres>
{
}

/// A backend's row, read by position.
pub(super) trait ByPosition<'r>: Copy {
    /// The column at `at`, which the SELECT names `name`.
    fn column<T: Field<'r>>(self, at: usize, name: &'static str) -> Result<T, sqlx::Error>;
}

impl<'r> ByPosition<'r> for &'r SqliteRow {
    fn column<T: Field<'r>>(self, at: usize, name: &'static str) -> Result<T, sqlx::Error> {
        at_or_by_name(self, at, name)
    }
}

impl<'r> ByPosition<'r> for &'r PgRow {
    fn column<T: Field<'r>>(self, at: usize, name: &'static str) -> Result<T, sqlx::Error> {
        at_or_by_name(self, at, name)
    }
}

fn at_or_by_name<'r, R: Row, T>(row: &'r R, at: usize, name: &'static str) -> Result<T, sqlx::Error>
where
    usize: ColumnIndex<R>,
    &'r str: ColumnIndex<R>,
    T: Decode<'r, R::Database> + Type<R::Database>,
{
    debug_assert_eq!(
        row.try_column(at).map(Column::name).ok(),
        Some(name),
        "column {at} of the SELECT"
    );
    row.try_get(at).or_else(|_| row.try_get(name))
}

/// A cursor over one row's columns.
pub(super) struct Columns<R> {
    row: R,
    next: usize,
}

impl<'r, R: ByPosition<'r>> Columns<R> {
    /// A cursor at the row's first column.
    pub(super) fn new(row: R) -> Self {
        Self::starting_at(row, 0)
    }

    /// A cursor at the row's column `next`.
    pub(super) fn starting_at(row: R, next: usize) -> Self {
        Columns { row, next }
    }

    /// The next column, which the SELECT names `name`.
    pub(super) fn next<T: Field<'r>>(&mut self, name: &'static str) -> Result<T, sqlx::Error> {
        let at = self.next;
        self.next += 1;
        self.row.column(at, name)
    }

    /// The column at `at`, which the SELECT names `name`; the cursor stays.
    pub(super) fn at<T: Field<'r>>(&self, at: usize, name: &'static str) -> Result<T, sqlx::Error> {
        self.row.column(at, name)
    }
}

impl CitizenRow {
    /// The citizen at the cursor, in [`CitizenRow`] order.
    pub(super) fn read<'r, R: ByPosition<'r>>(c: &mut Columns<R>) -> Result<Self, sqlx::Error> {
        Ok(CitizenRow {
            national_id: c.next("national_id")?,
            id_serial: c.next("id_serial")?,
            serial_changed_at: c.next("serial_changed_at")?,
            first_name: c.next("first_name")?,
            last_name: c.next("last_name")?,
            mother_first_name: c.next("mother_first_name")?,
            birth_date: c.next("birth_date")?,
            gender: c.next("gender")?,
            alive: c.next("alive")?,
        })
    }
}

impl RequestRow {
    /// The request at the cursor, in [`RequestRow`] order; its national ID
    /// is the column at `national_id` when the SELECT shares it with
    /// another row, else the next column.
    pub(super) fn read<'r, R: ByPosition<'r>>(
        c: &mut Columns<R>,
        national_id: Option<usize>,
    ) -> Result<Self, sqlx::Error> {
        let id = c.next("id")?;
        let tracking_code = c.next("tracking_code")?;
        let national_id = match national_id {
            Some(at) => c.at(at, "national_id")?,
            None => c.next("national_id")?,
        };
        Ok(RequestRow {
            id,
            tracking_code,
            national_id,
            mobile: c.next("mobile")?,
            state: c.next("state")?,
            payment_state: c.next("payment_state")?,
            payment_updated_at: c.next("payment_updated_at")?,
            can_leave_home: c.next("can_leave_home")?,
            can_climb_stairs: c.next("can_climb_stairs")?,
            pupils_visible: c.next("pupils_visible")?,
            fingers_healthy: c.next("fingers_healthy")?,
            appointment_office_id: c.next("appointment_office_id")?,
            appointment_day: c.next("appointment_day")?,
            appointment_shift: c.next("appointment_shift")?,
            delivery_office_id: c.next("delivery_office_id")?,
            created_at: c.next("created_at")?,
            updated_at: c.next("updated_at")?,
        })
    }
}
