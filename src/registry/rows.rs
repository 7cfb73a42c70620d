//! Rows as the database returns them, and their conversion to the typed model.
//!
//! The web side writes these tables too, so every text value is parsed here
//! and a value no valid writer stores becomes `RegistryError::Corrupt`.

use super::{RegistryError, Result, model::*};
use crate::domain::{AreaCode, IdSerial, Msisdn, NationalId, TrackingCode};
use chrono::{DateTime, NaiveDate, Utc};
use std::str::FromStr;

/// The columns of `card_requests` in [`RequestRow`] order.
macro_rules! request_select {
    ($rest:literal) => {
        concat!(
            "SELECT id, tracking_code, national_id, mobile, state, payment_state, payment_updated_at, ",
            "can_leave_home, can_climb_stairs, pupils_visible, fingers_healthy, appointment_office_id, ",
            "appointment_day, appointment_shift, delivery_office_id, created_at, updated_at FROM card_requests ",
            $rest
        )
    };
}
pub(super) use request_select;

/// The columns of an enrollment office (alias `o`) in [`OfficeRow`] order.
macro_rules! office_columns {
    () => {
        "o.id, o.code, o.name, o.city, o.area_code, o.phone, o.address, o.home_enrollment, \
         o.step_free_access, o.iris_exception, o.fingerprint_exception"
    };
}
pub(super) use office_columns;

fn parse<T, E>(
    table: &'static str,
    column: &'static str,
    value: String,
    f: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T> {
    f(&value).map_err(|_| RegistryError::Corrupt {
        table,
        column,
        value,
    })
}

fn variant<T: FromStr>(table: &'static str, column: &'static str, value: String) -> Result<T> {
    parse(table, column, value, T::from_str)
}

#[derive(sqlx::FromRow)]
pub(super) struct CitizenRow {
    pub(super) national_id: String,
    pub(super) id_serial: String,
    pub(super) serial_changed_at: Option<DateTime<Utc>>,
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) mother_first_name: String,
    pub(super) birth_date: NaiveDate,
    pub(super) gender: String,
    pub(super) alive: bool,
}

impl TryFrom<CitizenRow> for Citizen {
    type Error = RegistryError;
    fn try_from(r: CitizenRow) -> Result<Self> {
        Ok(Citizen {
            national_id: parse("citizens", "national_id", r.national_id, NationalId::parse)?,
            id_serial: parse("citizens", "id_serial", r.id_serial, IdSerial::parse)?,
            serial_changed_at: r.serial_changed_at,
            first_name: r.first_name,
            last_name: r.last_name,
            mother_first_name: r.mother_first_name,
            birth_date: r.birth_date,
            gender: variant("citizens", "gender", r.gender)?,
            alive: r.alive,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct RequestRow {
    pub(super) id: i64,
    pub(super) tracking_code: Option<String>,
    pub(super) national_id: String,
    pub(super) mobile: String,
    pub(super) state: String,
    pub(super) payment_state: String,
    pub(super) payment_updated_at: Option<DateTime<Utc>>,
    pub(super) can_leave_home: bool,
    pub(super) can_climb_stairs: bool,
    pub(super) pupils_visible: bool,
    pub(super) fingers_healthy: bool,
    pub(super) appointment_office_id: Option<i64>,
    pub(super) appointment_day: Option<NaiveDate>,
    pub(super) appointment_shift: Option<String>,
    pub(super) delivery_office_id: Option<i64>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) updated_at: DateTime<Utc>,
}

impl TryFrom<RequestRow> for CardRequest {
    type Error = RegistryError;
    fn try_from(r: RequestRow) -> Result<Self> {
        const T: &str = "card_requests";
        let appointment = match (
            r.appointment_office_id,
            r.appointment_day,
            r.appointment_shift,
        ) {
            (Some(office_id), Some(day), Some(shift)) => Some(Slot {
                office_id,
                day,
                shift: variant(T, "appointment_shift", shift)?,
            }),
            _ => None,
        };
        Ok(CardRequest {
            id: r.id,
            tracking_code: r
                .tracking_code
                .map(|t| parse(T, "tracking_code", t, TrackingCode::parse))
                .transpose()?,
            national_id: parse(T, "national_id", r.national_id, NationalId::parse)?,
            mobile: parse(T, "mobile", r.mobile, Msisdn::parse)?,
            state: variant(T, "state", r.state)?,
            payment: variant(T, "payment_state", r.payment_state)?,
            payment_updated_at: r.payment_updated_at,
            needs: SpecialNeeds {
                can_leave_home: r.can_leave_home,
                can_climb_stairs: r.can_climb_stairs,
                pupils_visible: r.pupils_visible,
                fingers_healthy: r.fingers_healthy,
            },
            appointment,
            delivery_office_id: r.delivery_office_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct OfficeRow {
    pub(super) id: i64,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) city: String,
    pub(super) area_code: String,
    pub(super) phone: String,
    pub(super) address: String,
    pub(super) home_enrollment: bool,
    pub(super) step_free_access: bool,
    pub(super) iris_exception: bool,
    pub(super) fingerprint_exception: bool,
}

impl TryFrom<OfficeRow> for EnrollmentOffice {
    type Error = RegistryError;
    fn try_from(r: OfficeRow) -> Result<Self> {
        Ok(EnrollmentOffice {
            id: r.id,
            code: r.code,
            name: r.name,
            city: r.city,
            area_code: parse(
                "enrollment_offices",
                "area_code",
                r.area_code,
                AreaCode::parse,
            )?,
            phone: r.phone,
            address: r.address,
            facilities: Facilities {
                home_enrollment: r.home_enrollment,
                step_free_access: r.step_free_access,
                iris_exception: r.iris_exception,
                fingerprint_exception: r.fingerprint_exception,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct OfficeSlotRow {
    #[sqlx(flatten)]
    office: OfficeRow,
    day: NaiveDate,
    shift: String,
    approved: i64,
    free: i64,
}

impl TryFrom<OfficeSlotRow> for OfficeSlot {
    type Error = RegistryError;
    fn try_from(r: OfficeSlotRow) -> Result<Self> {
        let office = EnrollmentOffice::try_from(r.office)?;
        let shift = variant("office_capacity", "shift", r.shift)?;
        Ok(OfficeSlot {
            slot: Slot {
                office_id: office.id,
                day: r.day,
                shift,
            },
            office,
            approved: r.approved,
            free: r.free,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct DeliveryRow {
    pub(super) id: i64,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) city: String,
    pub(super) area_code: String,
    pub(super) phone: String,
    pub(super) address: String,
}

impl TryFrom<DeliveryRow> for DeliveryOffice {
    type Error = RegistryError;
    fn try_from(r: DeliveryRow) -> Result<Self> {
        Ok(DeliveryOffice {
            id: r.id,
            code: r.code,
            name: r.name,
            city: r.city,
            area_code: parse(
                "delivery_offices",
                "area_code",
                r.area_code,
                AreaCode::parse,
            )?,
            phone: r.phone,
            address: r.address,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct AuditRow {
    actor: String,
    channel: String,
    entity: String,
    entity_id: String,
    action: String,
    before: Option<String>,
    after: Option<String>,
}

impl TryFrom<AuditRow> for AuditRecord {
    type Error = RegistryError;
    fn try_from(r: AuditRow) -> Result<Self> {
        Ok(AuditRecord {
            actor: Actor {
                channel: variant("audit_log", "channel", r.channel)?,
                who: r.actor,
            },
            entity: r.entity,
            entity_id: r.entity_id,
            action: r.action,
            before: r.before,
            after: r.after,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct FreeDayRow {
    pub day: NaiveDate,
    pub morning: i64,
    pub evening: i64,
}

/// Converts every row, failing on the first invalid one.
pub(super) fn convert<R, T: TryFrom<R, Error = RegistryError>>(rows: Vec<R>) -> Result<Vec<T>> {
    rows.into_iter().map(T::try_from).collect()
}
