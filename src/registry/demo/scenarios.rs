//! The demo citizens: one for every lifecycle and payment state, plus the
//! identity edge cases (deceased, under 15, serial just changed, no request).

use super::people::{citizen, tracking, workday};
use crate::domain::Msisdn;
use crate::registry::model::*;
use chrono::{NaiveDate, Utc};

/// The documented demo mobile: its owner has a paid request with an appointment ahead.
pub const DEMO_MSISDN: &str = "09121234567";

/// One demo citizen and what their request looks like.
pub struct Scenario {
    /// What this citizen demonstrates.
    pub label: &'static str,
    /// The civil-registry record.
    pub citizen: Citizen,
    spec: Option<Spec>,
}

struct Spec {
    mobile: String,
    state: RequestState,
    payment: PaymentState,
    /// (office index, days from today, shift)
    appointment: Option<(usize, i64, Shift)>,
    needs: SpecialNeeds,
}

impl Scenario {
    /// The request to add, resolving office indexes against the offices created.
    pub fn request(
        &self,
        offices: &[EnrollmentOffice],
        delivery: &[DeliveryOffice],
    ) -> Option<NewRequest> {
        let spec = self.spec.as_ref()?;
        let today = crate::registry::identity::tehran_today(Utc::now());
        let paid = spec.payment == PaymentState::Succeeded;
        Some(NewRequest {
            national_id: self.citizen.national_id.clone(),
            mobile: Msisdn::parse(&spec.mobile).expect("demo mobiles are valid"),
            state: spec.state,
            payment: spec.payment,
            tracking_code: paid.then(|| tracking(&self.citizen.national_id)),
            needs: spec.needs,
            appointment: spec.appointment.map(|(office, days, shift)| Slot {
                office_id: offices[office].id,
                day: workday(today, days),
                shift,
            }),
            delivery_office_id: spec
                .appointment
                .map(|(office, _, _)| delivery[(office / 3) % delivery.len()].id),
        })
    }
}

/// The demo citizens, relative to `today`.
pub fn scenarios(today: NaiveDate) -> Vec<Scenario> {
    use PaymentState as P;
    use RequestState as R;
    use Shift::{Evening, Morning};
    let ok = SpecialNeeds::default();
    let stairs = SpecialNeeds {
        can_climb_stairs: false,
        ..ok
    };
    let rows: Vec<(&'static str, Option<Spec>)> = vec![
        (
            "paid, appointment ahead (demo mobile)",
            spec(
                DEMO_MSISDN,
                R::AppointmentChosen,
                P::Succeeded,
                Some((0, 3, Morning)),
                ok,
            ),
        ),
        (
            "first page submitted only",
            spec(
                "09121110001",
                R::FirstPageSubmitted,
                P::NotStarted,
                None,
                ok,
            ),
        ),
        (
            "personal data entered",
            spec(
                "09121110002",
                R::PersonalDataEntered,
                P::NotStarted,
                None,
                ok,
            ),
        ),
        (
            "payment pending",
            spec(
                "09351110003",
                R::AppointmentChosen,
                P::Pending,
                Some((1, 4, Evening)),
                ok,
            ),
        ),
        (
            "payment failed, no money taken",
            spec("09351110004", R::AppointmentChosen, P::Failed, None, ok),
        ),
        (
            "payment failed, money taken",
            spec(
                "09351110005",
                R::AppointmentChosen,
                P::FailedMoneyTaken,
                None,
                ok,
            ),
        ),
        (
            "payment timed out",
            spec("09191110006", R::AppointmentChosen, P::TimedOut, None, ok),
        ),
        (
            "appointment passed, did not show up",
            spec(
                "09141110007",
                R::AppointmentChosen,
                P::Succeeded,
                Some((8, -2, Morning)),
                ok,
            ),
        ),
        (
            "enrollment started",
            spec(
                "09141110008",
                R::EnrollmentStarted,
                P::Succeeded,
                Some((9, 0, Morning)),
                ok,
            ),
        ),
        (
            "enrollment completed",
            spec(
                "09131110009",
                R::EnrollmentCompleted,
                P::Succeeded,
                Some((16, -1, Evening)),
                ok,
            ),
        ),
        (
            "card production started",
            spec(
                "09131110010",
                R::ProductionStarted,
                P::Succeeded,
                Some((17, -3, Morning)),
                ok,
            ),
        ),
        (
            "card produced",
            spec(
                "09151110011",
                R::CardProduced,
                P::Succeeded,
                Some((21, -3, Evening)),
                ok,
            ),
        ),
        (
            "card at the delivery office",
            spec(
                "09151110012",
                R::CardAtDeliveryOffice,
                P::Succeeded,
                Some((22, -2, Morning)),
                ok,
            ),
        ),
        (
            "card delivered",
            spec(
                "09171110013",
                R::CardDelivered,
                P::Succeeded,
                Some((26, -3, Morning)),
                ok,
            ),
        ),
        (
            "cannot climb stairs",
            spec(
                "09141110014",
                R::AppointmentChosen,
                P::Succeeded,
                Some((8, 5, Morning)),
                stairs,
            ),
        ),
        (
            "family phone, first member",
            spec(
                "09141112233",
                R::AppointmentChosen,
                P::Succeeded,
                Some((13, 2, Morning)),
                ok,
            ),
        ),
        (
            "family phone, second member",
            spec(
                "09141112233",
                R::FirstPageSubmitted,
                P::NotStarted,
                None,
                ok,
            ),
        ),
        ("no request yet", None),
        ("deceased", None),
        ("under 15", None),
        (
            "birth certificate just replaced",
            spec(
                "09121110020",
                R::AppointmentChosen,
                P::Succeeded,
                Some((2, 6, Evening)),
                ok,
            ),
        ),
    ];
    rows.into_iter()
        .enumerate()
        .map(|(i, (label, spec))| Scenario {
            label,
            citizen: citizen(i, label, today),
            spec,
        })
        .collect()
}

fn spec(
    mobile: &str,
    state: RequestState,
    payment: PaymentState,
    appointment: Option<(usize, i64, Shift)>,
    needs: SpecialNeeds,
) -> Option<Spec> {
    Some(Spec {
        mobile: mobile.into(),
        state,
        payment,
        appointment,
        needs,
    })
}
