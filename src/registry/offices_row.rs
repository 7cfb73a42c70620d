//! A request and the offices its status names, read as one row.
//!
//! The status screen shows the enrollment office of the appointment and the
//! delivery office; reading them with the request in one query saves up to
//! two round trips to the database on that hop. The office columns carry a
//! prefix (`o_`, `d_`) and are NULL when the request names no office.

use super::columns::{ByPosition, Columns};
use super::model::{CardRequest, DeliveryOffice, EnrollmentOffice, RequestWithOffices};
use super::rows::{DeliveryRow, OfficeRow, RequestRow};
use super::{RegistryError, Result};
use sqlx::{FromRow, Row};

/// The request `$1` with its offices.
pub(super) const REQUEST_WITH_OFFICES: &str = "SELECT r.id, r.tracking_code, r.national_id, \
     r.mobile, r.state, r.payment_state, r.payment_updated_at, r.can_leave_home, \
     r.can_climb_stairs, r.pupils_visible, r.fingers_healthy, r.appointment_office_id, \
     r.appointment_day, r.appointment_shift, r.delivery_office_id, r.created_at, r.updated_at, \
     o.id AS o_id, o.code AS o_code, o.name AS o_name, o.city AS o_city, \
     o.area_code AS o_area_code, o.phone AS o_phone, o.address AS o_address, \
     o.home_enrollment AS o_home_enrollment, o.step_free_access AS o_step_free_access, \
     o.iris_exception AS o_iris_exception, o.fingerprint_exception AS o_fingerprint_exception, \
     d.id AS d_id, d.code AS d_code, d.name AS d_name, d.city AS d_city, \
     d.area_code AS d_area_code, d.phone AS d_phone, d.address AS d_address \
     FROM card_requests r \
     LEFT JOIN enrollment_offices o ON o.id = r.appointment_office_id \
     LEFT JOIN delivery_offices d ON d.id = r.delivery_office_id \
     WHERE r.id = $1";

/// The row of [`REQUEST_WITH_OFFICES`], decoded by position (see
/// [`super::columns`]) in its SELECT's order.
pub(super) struct RequestWithOfficesRow {
    request: RequestRow,
    o_id: Option<i64>,
    o_code: Option<String>,
    o_name: Option<String>,
    o_city: Option<String>,
    o_area_code: Option<String>,
    o_phone: Option<String>,
    o_address: Option<String>,
    o_home_enrollment: Option<bool>,
    o_step_free_access: Option<bool>,
    o_iris_exception: Option<bool>,
    o_fingerprint_exception: Option<bool>,
    d_id: Option<i64>,
    d_code: Option<String>,
    d_name: Option<String>,
    d_city: Option<String>,
    d_area_code: Option<String>,
    d_phone: Option<String>,
    d_address: Option<String>,
}

impl<'r, R: Row> FromRow<'r, R> for RequestWithOfficesRow
where
    &'r R: ByPosition<'r>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        let mut c = Columns::new(row);
        Ok(RequestWithOfficesRow {
            request: RequestRow::read(&mut c, None)?,
            o_id: c.next("o_id")?,
            o_code: c.next("o_code")?,
            o_name: c.next("o_name")?,
            o_city: c.next("o_city")?,
            o_area_code: c.next("o_area_code")?,
            o_phone: c.next("o_phone")?,
            o_address: c.next("o_address")?,
            o_home_enrollment: c.next("o_home_enrollment")?,
            o_step_free_access: c.next("o_step_free_access")?,
            o_iris_exception: c.next("o_iris_exception")?,
            o_fingerprint_exception: c.next("o_fingerprint_exception")?,
            d_id: c.next("d_id")?,
            d_code: c.next("d_code")?,
            d_name: c.next("d_name")?,
            d_city: c.next("d_city")?,
            d_area_code: c.next("d_area_code")?,
            d_phone: c.next("d_phone")?,
            d_address: c.next("d_address")?,
        })
    }
}

impl RequestWithOfficesRow {
    /// The joined enrollment office; its columns are NOT NULL, so all or none are set.
    fn office(&mut self) -> Option<OfficeRow> {
        Some(OfficeRow {
            id: self.o_id?,
            code: self.o_code.take()?,
            name: self.o_name.take()?,
            city: self.o_city.take()?,
            area_code: self.o_area_code.take()?,
            phone: self.o_phone.take()?,
            address: self.o_address.take()?,
            home_enrollment: self.o_home_enrollment?,
            step_free_access: self.o_step_free_access?,
            iris_exception: self.o_iris_exception?,
            fingerprint_exception: self.o_fingerprint_exception?,
        })
    }

    /// The joined delivery office, likewise.
    fn delivery(&mut self) -> Option<DeliveryRow> {
        Some(DeliveryRow {
            id: self.d_id?,
            code: self.d_code.take()?,
            name: self.d_name.take()?,
            city: self.d_city.take()?,
            area_code: self.d_area_code.take()?,
            phone: self.d_phone.take()?,
            address: self.d_address.take()?,
        })
    }
}

impl TryFrom<RequestWithOfficesRow> for RequestWithOffices {
    type Error = RegistryError;
    fn try_from(mut r: RequestWithOfficesRow) -> Result<Self> {
        let office = r.office().map(EnrollmentOffice::try_from).transpose()?;
        let delivery = r.delivery().map(DeliveryOffice::try_from).transpose()?;
        let request = CardRequest::try_from(r.request)?;
        // As when read one by one: the office of an appointment, only when
        // the request has a whole appointment (office, day and shift).
        let office = office.filter(|_| request.appointment.is_some());
        Ok(RequestWithOffices {
            request,
            office,
            delivery,
        })
    }
}
