//! The civil-registry mirror: who a citizen is, and the identity checks on entry.

use crate::domain::{IdSerial, NationalId};
use chrono::{DateTime, NaiveDate, Utc};

/// Gender as the civil registry records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Gender {
    /// مرد
    Male,
    /// زن
    Female,
}

/// A person in the civil-registry mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citizen {
    /// کد ملی
    pub national_id: NationalId,
    /// The numeric part of the current birth-certificate serial.
    pub id_serial: IdSerial,
    /// When the birth certificate was last replaced (its serial changed), if ever.
    pub serial_changed_at: Option<DateTime<Utc>>,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Mother's first name, one of the knowledge checks.
    pub mother_first_name: String,
    /// Gregorian birth date; shown in Solar Hijri.
    pub birth_date: NaiveDate,
    /// As recorded.
    pub gender: Gender,
    /// False once a death is registered.
    pub alive: bool,
}

/// The result of checking a national ID and serial typed by a caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityCheck {
    /// Everything matches: this is the citizen.
    Verified(Box<Citizen>),
    /// The civil registry has no such national ID.
    UnknownCitizen,
    /// The serial does not belong to this national ID.
    SerialMismatch,
    /// The serial does not match, but the birth certificate was replaced less
    /// than 48 working hours ago: the new serial may not be known yet.
    SerialRecentlyChanged,
    /// A death is registered for this national ID.
    Deceased,
    /// Younger than 15 full years.
    Underage,
}
