//! A national smart ID card request: its lifecycle, payment, special needs and
//! the permission table of seed 002 §2.7.

use super::office::Slot;
use crate::domain::{Msisdn, NationalId, TrackingCode};
use chrono::{DateTime, Utc};

/// Where a request stands, in lifecycle order (the order is used for permissions).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum RequestState {
    /// The first page (ID, serial, mobile) was submitted.
    FirstPageSubmitted,
    /// Personal data entered.
    PersonalDataEntered,
    /// An appointment was chosen; payment follows.
    AppointmentChosen,
    /// The citizen showed up and enrollment completion started.
    EnrollmentStarted,
    /// Enrollment completed (photo, fingerprints).
    EnrollmentCompleted,
    /// Card production started.
    ProductionStarted,
    /// The card is produced.
    CardProduced,
    /// The card waits at the delivery office.
    CardAtDeliveryOffice,
    /// The citizen collected the card.
    CardDelivered,
}

/// The payment of the registration fee.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum PaymentState {
    /// No payment attempted yet.
    NotStarted,
    /// At the bank gateway now; the slot is reserved.
    Pending,
    /// Failed, no money taken: pay again from the final confirmation.
    Failed,
    /// Failed but money was taken: the bank returns it within 72 hours.
    FailedMoneyTaken,
    /// The payment session timed out: choose office and time again, then pay.
    TimedOut,
    /// Paid; the request has a tracking number.
    Succeeded,
}

/// The four yes/no questions; "yes" to all is the normal case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialNeeds {
    /// Healthy enough to leave home.
    pub can_leave_home: bool,
    /// Can climb stairs.
    pub can_climb_stairs: bool,
    /// Both pupils clearly visible.
    pub pupils_visible: bool,
    /// All fingers with three healthy phalanges.
    pub fingers_healthy: bool,
}

impl Default for SpecialNeeds {
    fn default() -> Self {
        SpecialNeeds {
            can_leave_home: true,
            can_climb_stairs: true,
            pupils_visible: true,
            fingers_healthy: true,
        }
    }
}

/// A card request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRequest {
    /// Key.
    pub id: i64,
    /// Given after a successful payment.
    pub tracking_code: Option<TrackingCode>,
    /// Whose request.
    pub national_id: NationalId,
    /// All notification SMS go to this number.
    pub mobile: Msisdn,
    /// Lifecycle state.
    pub state: RequestState,
    /// Payment state.
    pub payment: PaymentState,
    /// When the payment state last changed.
    pub payment_updated_at: Option<DateTime<Utc>>,
    /// Special-needs answers.
    pub needs: SpecialNeeds,
    /// The enrollment appointment, once chosen.
    pub appointment: Option<Slot>,
    /// Where the card will be collected.
    pub delivery_office_id: Option<i64>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed by anyone.
    pub updated_at: DateTime<Utc>,
}

impl CardRequest {
    /// Print, save or e-mail the receipt: only after a successful payment.
    pub fn may_get_receipt(&self) -> bool {
        self.payment == PaymentState::Succeeded
    }

    /// Edit personal data: only before enrollment completion starts.
    pub fn may_edit_personal_data(&self) -> bool {
        self.state < RequestState::EnrollmentStarted
    }

    /// Change mobile: anyone who submitted the first page, any time.
    pub fn may_change_mobile(&self) -> bool {
        true
    }

    /// Change enrollment office and time: before enrollment completion starts,
    /// even if the chosen date has passed.
    pub fn may_change_appointment(&self) -> bool {
        self.state < RequestState::EnrollmentStarted
    }

    /// Change card delivery office: before card production starts.
    pub fn may_change_delivery_office(&self) -> bool {
        self.state < RequestState::ProductionStarted
    }
}

/// A request as the web side creates it (demo data and tests use this too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// Whose request.
    pub national_id: NationalId,
    /// Notification number.
    pub mobile: Msisdn,
    /// Lifecycle state.
    pub state: RequestState,
    /// Payment state.
    pub payment: PaymentState,
    /// Tracking number, for paid requests.
    pub tracking_code: Option<TrackingCode>,
    /// Special-needs answers.
    pub needs: SpecialNeeds,
    /// Appointment; its slot place is reserved on insert.
    pub appointment: Option<Slot>,
    /// Delivery office.
    pub delivery_office_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    fn request(state: RequestState, payment: PaymentState) -> CardRequest {
        CardRequest {
            id: 1,
            tracking_code: None,
            national_id: NationalId::parse("0084575948").unwrap(),
            mobile: Msisdn::parse("09121234567").unwrap(),
            state,
            payment,
            payment_updated_at: None,
            needs: SpecialNeeds::default(),
            appointment: None,
            delivery_office_id: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn the_permission_table_of_seed_section_2_7_holds_for_every_state() {
        use RequestState::*;
        for state in RequestState::iter() {
            let r = request(state, PaymentState::NotStarted);
            assert!(r.may_change_mobile());
            let before_enrollment = matches!(
                state,
                FirstPageSubmitted | PersonalDataEntered | AppointmentChosen
            );
            assert_eq!(r.may_change_appointment(), before_enrollment, "{state:?}");
            assert_eq!(r.may_edit_personal_data(), before_enrollment, "{state:?}");
            let before_production =
                before_enrollment || matches!(state, EnrollmentStarted | EnrollmentCompleted);
            assert_eq!(
                r.may_change_delivery_office(),
                before_production,
                "{state:?}"
            );
        }
    }

    #[test]
    fn only_a_successful_payment_gives_a_receipt() {
        for payment in PaymentState::iter() {
            let r = request(RequestState::AppointmentChosen, payment);
            assert_eq!(r.may_get_receipt(), payment == PaymentState::Succeeded);
        }
    }
}
