//! Who may see and change a request in this session: the phone on the
//! request, or a caller who proved the national ID and serial. The session
//! variables the identification actions set are the only proof used.

use crate::domain::Msisdn;
use crate::registry::model::CardRequest;
use crate::ussd::ActionRequest;
use crate::ussd::session::text;

/// The session variable holding the request key.
pub const REQUEST: &str = "request";
/// Set to the request key by a successful national ID + serial check.
pub const VERIFIED: &str = "verified";

/// How the caller is related to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Calling from the registered mobile: sees everything.
    Owner,
    /// Proved national ID and serial from another phone: stage and generic steps only.
    Verified,
    /// Neither.
    None,
}

/// The caller's access to `r`, given what the session proved.
pub fn access(r: &CardRequest, caller: &Msisdn, verified: Option<&str>) -> Access {
    if &r.mobile == caller {
        Access::Owner
    } else if verified == Some(r.id.to_string().as_str()) {
        Access::Verified
    } else {
        Access::None
    }
}

/// The request key an action is called with.
pub fn request_id(req: &ActionRequest) -> Option<i64> {
    req.param(REQUEST).parse().ok()
}

/// The access of this session's caller to `r`.
pub fn of(req: &ActionRequest, r: &CardRequest) -> Access {
    access(r, &req.msisdn, text(&req.vars, VERIFIED))
}

/// `0912***4567`: enough for a citizen to recognise their number.
pub fn masked_local(m: &Msisdn) -> String {
    let local = m.local();
    format!("{}***{}", &local[..4], &local[7..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::model::{PaymentState, RequestState, SpecialNeeds};
    use chrono::Utc;

    fn request() -> CardRequest {
        CardRequest {
            id: 7,
            tracking_code: None,
            national_id: crate::domain::NationalId::parse("0084575948").unwrap(),
            mobile: Msisdn::parse("09121234567").unwrap(),
            state: RequestState::AppointmentChosen,
            payment: PaymentState::Succeeded,
            payment_updated_at: None,
            needs: SpecialNeeds::default(),
            appointment: None,
            delivery_office_id: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn the_registered_mobile_is_the_owner_and_a_proof_only_counts_for_its_request() {
        let r = request();
        let owner = Msisdn::parse("+989121234567").unwrap();
        let other = Msisdn::parse("09351234567").unwrap();
        assert_eq!(access(&r, &owner, None), Access::Owner);
        assert_eq!(access(&r, &other, Some("7")), Access::Verified);
        assert_eq!(access(&r, &other, Some("8")), Access::None);
        assert_eq!(access(&r, &other, None), Access::None);
    }

    #[test]
    fn a_masked_mobile_keeps_the_operator_prefix_and_the_last_four_digits() {
        assert_eq!(
            masked_local(&Msisdn::parse("989121234567").unwrap()),
            "0912***4567"
        );
    }
}
