//! A USSD dialogue in each shipped carrier profile, against the simulator.

use dargah::smpp::link::{
    Inbound, Preset, ProfileRef, SubmitOutcome, UssdKind, UssdReply, UssdRequest,
};
use serde_json::{Value, json};

use crate::sim::Sim;
use crate::support::{Link, settings, start};

const MENU: &str = "۱. وضعیت کارت ملی\n۲. تغییر نوبت";
const DONE: &str = "وضعیت درخواست شما: در حال تولید";

async fn open(profile: Preset) -> (Sim, Link) {
    let sim = Sim::start().await;
    let mut s = settings(sim.port);
    s.ussd_profile = ProfileRef::Named(profile);
    let link = start(s);
    link.wait_bound().await;
    (sim, link)
}

/// The SMSC sends one USSD deliver_sm; the consumer accepts it.
async fn step(sim: &mut Sim, link: &mut Link, fields: Value) -> UssdRequest {
    let mut pdu =
        json!({"source_addr": "989121234567", "destination_addr": "4", "data_coding": 15});
    for (k, v) in fields.as_object().expect("object") {
        pdu[k] = v.clone();
    }
    let (answer, req) = tokio::join!(sim.cmd(json!({"cmd": "deliver", "pdu": pdu})), async {
        let d = link.inbound.recv().await.expect("delivered");
        let Inbound::Ussd(req) = d.message else {
            panic!("not USSD: {:?}", d.message)
        };
        d.ack.accept();
        req
    });
    assert_eq!(answer["status"], json!(0));
    req
}

/// We answer; returns what the SMSC received.
async fn reply(sim: &mut Sim, link: &Link, req: &UssdRequest, reply: UssdReply) -> Value {
    let ticket = link
        .carrier
        .reply_ussd(&req.session, &reply)
        .expect("queued");
    assert!(matches!(ticket.await, SubmitOutcome::Accepted { .. }));
    let records = sim.submits().await;
    let last = records.last().expect("a submit").clone();
    assert_eq!(last["destination"], json!("989121234567"));
    assert_eq!(
        last["data_coding"],
        json!(0x48),
        "Persian goes out in UCS-2"
    );
    last
}

async fn dial_and_answer(
    sim: &mut Sim,
    link: &mut Link,
    begin: Value,
    next: Value,
) -> (Value, Value) {
    let req = step(sim, link, begin).await;
    assert_eq!(req.kind, UssdKind::Begin);
    assert_eq!(req.text, "*4*6090#");
    let first = reply(sim, link, &req, UssdReply::Continue(MENU.into())).await;
    assert_eq!(first["text"], json!(MENU));
    let req2 = step(sim, link, next).await;
    assert_eq!(req2.kind, UssdKind::Continue);
    assert_eq!(req2.text, "1");
    assert_eq!(req2.session.id(), req.session.id(), "the same dialogue");
    let last = reply(sim, link, &req2, UssdReply::End(DONE.into())).await;
    assert_eq!(last["text"], json!(DONE));
    (first, last)
}

#[tokio::test]
async fn a_standard_profile_dialogue_echoes_its_session_info_and_ends_with_the_end_bit() {
    let (mut sim, mut link) = open(Preset::Standard).await;
    let begin = json!({"short_message": "*4*6090#", "ussd_service_op": 1, "its_session_info": "0900", "service_type": "USSD"});
    let next = json!({"short_message": "1", "ussd_service_op": 18, "its_session_info": "0902"});
    let (first, last) = dial_and_answer(&mut sim, &mut link, begin, next).await;
    assert_eq!(
        (
            first["ussd_service_op"].clone(),
            first["its_session_info"].clone()
        ),
        (json!(2), json!("0900"))
    );
    assert_eq!(
        (
            last["ussd_service_op"].clone(),
            last["its_session_info"].clone()
        ),
        (json!(17), json!("0903"))
    );
    assert_eq!(last["service_type"], json!("USSD"));
    link.shutdown().await;
}

#[tokio::test]
async fn a_tata_style_dialogue_uses_0x12_to_continue_and_0x11_to_close() {
    let (mut sim, mut link) = open(Preset::TataStyle).await;
    let begin = json!({"short_message": "*4*6090#", "ussd_service_op": 0x01});
    let next = json!({"short_message": "1", "ussd_service_op": 0x12});
    let (first, last) = dial_and_answer(&mut sim, &mut link, begin, next).await;
    assert_eq!(first["ussd_service_op"], json!(0x12));
    assert_eq!(last["ussd_service_op"], json!(0x11));
    let abort = step(
        &mut sim,
        &mut link,
        json!({"short_message": "", "ussd_service_op": 0x11}),
    )
    .await;
    assert_eq!(abort.kind, UssdKind::Abort);
    link.shutdown().await;
}

#[tokio::test]
async fn a_sixdee_style_dialogue_keeps_the_fifteen_bit_dialog_id_and_sets_the_last_bit_at_the_end()
{
    let (mut sim, mut link) = open(Preset::SixdeeStyle).await;
    let begin =
        json!({"short_message": "*4*6090#", "ussd_service_op": 1, "its_session_info": "9c40"});
    let next = json!({"short_message": "1", "ussd_service_op": 18, "its_session_info": "9c40"});
    let (first, last) = dial_and_answer(&mut sim, &mut link, begin, next).await;
    assert_eq!(first["its_session_info"], json!("9c40"));
    assert_eq!(last["its_session_info"], json!("9c41"));
    let abort = step(
        &mut sim,
        &mut link,
        json!({"short_message": "", "ussd_service_op": 18, "its_session_info": "9c41"}),
    )
    .await;
    assert_eq!(abort.kind, UssdKind::Abort);
    assert!(abort.session.id().ends_with(":20000"));
    link.shutdown().await;
}

#[tokio::test]
async fn a_mica_style_dialogue_carries_the_session_in_user_message_reference_and_129_aborts() {
    let (mut sim, mut link) = open(Preset::MicaStyle).await;
    let begin =
        json!({"short_message": "*4*6090#", "ussd_service_op": 1, "user_message_reference": 4242});
    let next = json!({"short_message": "1", "ussd_service_op": 18, "user_message_reference": 4242});
    let (first, last) = dial_and_answer(&mut sim, &mut link, begin, next).await;
    assert_eq!(first["user_message_reference"], json!(4242));
    assert_eq!(
        (
            last["ussd_service_op"].clone(),
            last["user_message_reference"].clone()
        ),
        (json!(17), json!(4242))
    );
    let abort = step(
        &mut sim,
        &mut link,
        json!({"short_message": "", "ussd_service_op": 129, "user_message_reference": 4242}),
    )
    .await;
    assert_eq!(abort.kind, UssdKind::Abort);
    link.shutdown().await;
}
