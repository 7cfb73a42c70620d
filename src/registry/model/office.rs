//! Enrollment offices, their capacity per day and shift, and delivery offices.

use super::request::SpecialNeeds;
use crate::domain::AreaCode;
use chrono::NaiveDate;

/// An office works a morning and an evening shift; each has its own capacity.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum Shift {
    /// صبح
    Morning,
    /// عصر
    Evening,
}

impl Shift {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The Persian name shown to citizens.
    pub fn persian(self) -> &'static str {
        match self {
            Shift::Morning => "صبح",
            Shift::Evening => "عصر",
        }
    }
}

/// One place in time at one office: the unit of capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Slot {
    /// The enrollment office.
    pub office_id: i64,
    /// The day.
    pub day: NaiveDate,
    /// The shift.
    pub shift: Shift,
}

/// What an office can do for citizens with special needs (the four seed questions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facilities {
    /// Enrols citizens who cannot leave home (longer wait, seed 002).
    pub home_enrollment: bool,
    /// Reachable without stairs.
    pub step_free_access: bool,
    /// Can enrol citizens whose pupils are not clearly visible.
    pub iris_exception: bool,
    /// Can enrol citizens without all fingers' three phalanges.
    pub fingerprint_exception: bool,
}

impl Facilities {
    /// Whether an office with these facilities can serve a citizen with these answers.
    pub fn serves(&self, needs: &SpecialNeeds) -> bool {
        (needs.can_leave_home || self.home_enrollment)
            && (needs.can_climb_stairs || self.step_free_access)
            && (needs.pupils_visible || self.iris_exception)
            && (needs.fingers_healthy || self.fingerprint_exception)
    }
}

/// A دفتر تکمیل ثبت نام.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentOffice {
    /// Key.
    pub id: i64,
    /// A short stable code the web side uses.
    pub code: String,
    /// Persian name.
    pub name: String,
    /// City name in Persian.
    pub city: String,
    /// The city's area code.
    pub area_code: AreaCode,
    /// The office's phone without the area code; its left four digits locate the neighbourhood.
    pub phone: String,
    /// Persian address.
    pub address: String,
    /// Special-needs facilities.
    pub facilities: Facilities,
}

/// Where a produced card is collected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryOffice {
    /// Key.
    pub id: i64,
    /// A short stable code the web side uses.
    pub code: String,
    /// Persian name.
    pub name: String,
    /// City name in Persian.
    pub city: String,
    /// The city's area code.
    pub area_code: AreaCode,
    /// Phone without the area code.
    pub phone: String,
    /// Persian address.
    pub address: String,
}

/// An office shift with free places, as offered to a citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeSlot {
    /// The office.
    pub office: EnrollmentOffice,
    /// Which day and shift.
    pub slot: Slot,
    /// Places approved for the shift.
    pub approved: i64,
    /// Places still free.
    pub free: i64,
}

/// Which offices to offer: the seed's inputs for choosing an office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeQuery {
    /// The city's area code.
    pub area_code: AreaCode,
    /// The desired day.
    pub day: NaiveDate,
    /// One shift, or both (each office then appears twice).
    pub shift: Option<Shift>,
    /// The citizen's special-needs answers; offices that cannot serve them are left out.
    pub needs: SpecialNeeds,
    /// Left digits of the caller's landline, used only to sort nearer offices first.
    pub phone_prefix: Option<String>,
}

/// A day with free places in an area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeDay {
    /// The day.
    pub day: NaiveDate,
    /// Free places in the morning shifts of suitable offices.
    pub morning: i64,
    /// Free places in the evening shifts of suitable offices.
    pub evening: i64,
}

/// A request with the offices its status names, read together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestWithOffices {
    /// The request.
    pub request: super::CardRequest,
    /// The enrollment office of its appointment, when it has one.
    pub office: Option<EnrollmentOffice>,
    /// The office its card is to be collected from, when chosen.
    pub delivery: Option<DeliveryOffice>,
}
