//! Random key presses against the fixture service: no panic, every page fits,
//! and every dialogue either waits for a reply or has ended.

use super::support::service;
use dargah::domain::{Msisdn, ServiceCode};
use dargah::ussd::page::PageLimits;
use dargah::ussd::{RequestKind, UssdRequest};
use proptest::prelude::*;

const KEYS: &[&str] = &[
    "",
    "0",
    "00",
    "98",
    "1",
    "2",
    "3",
    "4",
    "12",
    "۱",
    "0012345679",
    "0499370899",
    "123456",
    "1403/01/15",
    "021",
    "99",
    "بله",
    "2",
    "xyz#",
    " 1 ",
    "09129998877",
    "*",
    "9999999999999",
];

#[derive(Debug, Clone)]
enum Press {
    Dial(bool),
    Key(usize),
    Release,
}

fn press() -> impl Strategy<Value = Press> {
    prop_oneof![
        1 => any::<bool>().prop_map(Press::Dial),
        8 => (0..KEYS.len()).prop_map(Press::Key),
        1 => Just(Press::Release),
    ]
}

fn request(session: u32, press: &Press) -> UssdRequest {
    let (kind, input) = match press {
        Press::Dial(_) => (RequestKind::Begin, ""),
        Press::Key(k) => (RequestKind::Continue, KEYS[*k]),
        Press::Release => (RequestKind::Abort, ""),
    };
    let code = match press {
        Press::Dial(true) => "*4*6090*1*0012345679#",
        _ => "*4*6090#",
    };
    UssdRequest {
        session_id: format!("f{session}"),
        msisdn: Msisdn::parse("09121234567").unwrap(),
        dialled: Some(ServiceCode::parse(code).unwrap()),
        input: input.to_owned(),
        kind,
        carrier: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn random_key_presses_never_break_a_page(presses in proptest::collection::vec(press(), 1..25)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap();
        rt.block_on(async {
            let (svc, _) = service();
            let mut session = 0;
            for p in &presses {
                if matches!(p, Press::Dial(_)) {
                    session += 1;
                }
                let reply = svc.handle(request(session, p)).await;
                prop_assert!(PageLimits::default().fits(&reply.text), "{:?}", reply.text);
                prop_assert!(reply.end || !reply.text.is_empty());
            }
            Ok(())
        })?;
    }
}
