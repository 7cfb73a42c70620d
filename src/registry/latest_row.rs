//! A citizen and their latest request, read as one row.
//!
//! The USSD identity check needs both; one query instead of two saves a
//! round trip to the database per check (each sqlx-sqlite query is a round
//! trip to its connection's thread). Either side may be missing, so each is
//! decoded only when its key column is not NULL.

use super::columns::{ByPosition, Columns};
use super::rows::{CitizenRow, RequestRow};
use sqlx::{FromRow, Row};

/// One national ID's citizen and latest request, both read at once, the
/// columns in [`CitizenRow`] order, then [`RequestRow`]'s without the
/// national ID: the one asked for (column 0) is both rows'. Decoded by
/// position (see [`super::columns`]).
pub(super) const CITIZEN_AND_LATEST_REQUEST: &str = "SELECT k.national_id, \
     c.id_serial, c.serial_changed_at, c.first_name, c.last_name, c.mother_first_name, \
     c.birth_date, c.gender, c.alive, \
     r.id, r.tracking_code, r.mobile, r.state, r.payment_state, r.payment_updated_at, \
     r.can_leave_home, r.can_climb_stairs, r.pupils_visible, r.fingers_healthy, \
     r.appointment_office_id, r.appointment_day, r.appointment_shift, r.delivery_office_id, \
     r.created_at, r.updated_at \
     FROM (SELECT $1 AS national_id) k \
     LEFT JOIN citizens c ON c.national_id = k.national_id \
     LEFT JOIN card_requests r ON r.id = \
     (SELECT MAX(l.id) FROM card_requests l WHERE l.national_id = k.national_id)";

/// The row of [`CITIZEN_AND_LATEST_REQUEST`].
pub(super) struct CitizenAndRequestRow {
    pub citizen: Option<CitizenRow>,
    pub request: Option<RequestRow>,
}

/// Where the request's columns begin, after the citizen's nine.
const REQUEST_AT: usize = 9;

impl<'r, R: Row> FromRow<'r, R> for CitizenAndRequestRow
where
    &'r R: ByPosition<'r>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        let c = Columns::new(row);
        // `id_serial` and `id` are NOT NULL in their tables: NULL means no row joined.
        let citizen = match c.at::<Option<String>>(1, "id_serial")? {
            Some(_) => Some(CitizenRow::read(&mut Columns::new(row))?),
            None => None,
        };
        let request = match c.at::<Option<i64>>(REQUEST_AT, "id")? {
            Some(_) => Some(RequestRow::read(
                &mut Columns::starting_at(row, REQUEST_AT),
                Some(0),
            )?),
            None => None,
        };
        Ok(CitizenAndRequestRow { citizen, request })
    }
}
