use bytes::Bytes;

use super::*;

fn tlvs(list: Vec<Tlv>) -> Tlvs {
    Tlvs::from(list)
}

fn op(v: u8) -> Tlv {
    Tlv::UssdServiceOp(UssdServiceOp(v))
}

#[test]
fn standard_opens_on_pssr_indication_and_continues_on_ussr_confirm() {
    let p = Preset::Standard.profile();
    let its = Tlv::ItsSessionInfo(ItsSessionInfo::new(7, 0, false));
    assert_eq!(
        p.classify(&tlvs(vec![op(1), its.clone()])),
        Ok(UssdKind::Begin)
    );
    assert_eq!(p.classify(&tlvs(vec![op(18), its])), Ok(UssdKind::Continue));
}

#[test]
fn standard_reads_the_end_bit_from_the_handset_as_an_abort() {
    let p = Preset::Standard.profile();
    let its = Tlv::ItsSessionInfo(ItsSessionInfo::new(7, 3, true));
    assert_eq!(p.classify(&tlvs(vec![op(18), its])), Ok(UssdKind::Abort));
}

#[test]
fn standard_echoes_its_session_info_with_the_end_bit_only_on_the_last_reply() {
    let p = Preset::Standard.profile();
    let marks = p
        .marks(&tlvs(vec![
            op(1),
            Tlv::ItsSessionInfo(ItsSessionInfo::new(7, 1, false)),
        ]))
        .expect("marks");
    assert_eq!(marks.session_id, 7);
    let more = p.reply_tlvs(&marks, false);
    assert_eq!(more.ussd_service_op(), Some(UssdServiceOp::USSR_REQUEST));
    assert_eq!(
        more.its_session_info().map(|i| i.end_of_session()),
        Some(false)
    );
    let last = p.reply_tlvs(&marks, true);
    assert_eq!(last.ussd_service_op(), Some(UssdServiceOp::PSSR_RESPONSE));
    assert_eq!(
        last.its_session_info().map(|i| i.end_of_session()),
        Some(true)
    );
    assert_eq!(last.its_session_info().map(|i| i.session_number()), Some(7));
}

#[test]
fn tata_style_uses_one_new_0x12_continue_and_0x11_close() {
    let p = Preset::TataStyle.profile();
    assert_eq!(p.classify(&tlvs(vec![op(0x01)])), Ok(UssdKind::Begin));
    assert_eq!(p.classify(&tlvs(vec![op(0x12)])), Ok(UssdKind::Continue));
    assert_eq!(p.classify(&tlvs(vec![op(0x11)])), Ok(UssdKind::Abort));
    let marks = p.marks(&tlvs(vec![op(0x01)])).expect("no id needed");
    assert_eq!(
        p.reply_tlvs(&marks, false).ussd_service_op(),
        Some(UssdServiceOp(0x12))
    );
    assert_eq!(
        p.reply_tlvs(&marks, true).ussd_service_op(),
        Some(UssdServiceOp(0x11))
    );
}

#[test]
fn sixdee_style_reads_a_fifteen_bit_dialog_id_and_the_last_bit_as_end() {
    let p = Preset::SixdeeStyle.profile();
    let raw = (20_000u16 << 1) | 1;
    let t = tlvs(vec![op(18), Tlv::ItsSessionInfo(ItsSessionInfo(raw))]);
    assert_eq!(p.marks(&t).expect("marks").session_id, 20_000);
    assert_eq!(p.classify(&t), Ok(UssdKind::Abort));
    let open = tlvs(vec![
        op(1),
        Tlv::ItsSessionInfo(ItsSessionInfo(20_000 << 1)),
    ]);
    let marks = p.marks(&open).expect("marks");
    let end = p
        .reply_tlvs(&marks, true)
        .its_session_info()
        .expect("echoed");
    assert_eq!(end.0, raw);
}

#[test]
fn mica_style_keeps_the_session_in_user_message_reference_and_129_aborts() {
    let p = Preset::MicaStyle.profile();
    let t = tlvs(vec![op(1), Tlv::UserMessageReference(4242)]);
    let marks = p.marks(&t).expect("marks");
    assert_eq!(marks.session_id, 4242);
    assert_eq!(
        p.reply_tlvs(&marks, true).user_message_reference(),
        Some(4242)
    );
    assert_eq!(p.classify(&tlvs(vec![op(129)])), Ok(UssdKind::Abort));
}

#[test]
fn a_missing_session_tlv_is_a_typed_error() {
    let p = Preset::MicaStyle.profile();
    assert_eq!(
        p.marks(&tlvs(vec![op(1)])),
        Err(ProfileError::MissingSessionId)
    );
}

#[test]
fn an_unlisted_operation_is_a_typed_error() {
    let p = Preset::Standard.profile();
    assert_eq!(
        p.classify(&tlvs(vec![op(77)])),
        Err(ProfileError::UnknownOp(77))
    );
}

#[test]
fn a_vendor_tlv_session_id_is_read_big_endian_and_echoed() {
    let p = UssdProfile {
        session_id: SessionIdSource::Tlv(0x1501),
        ..Preset::Standard.profile()
    };
    let value = Bytes::from_static(&[0x01, 0x02]);
    let t = tlvs(vec![
        op(1),
        Tlv::Other {
            tag: 0x1501,
            value: value.clone(),
        },
    ]);
    let marks = p.marks(&t).expect("marks");
    assert_eq!(marks.session_id, 0x0102);
    assert_eq!(
        p.reply_tlvs(&marks, false).find(0x1501),
        Some(&Tlv::Other { tag: 0x1501, value })
    );
}

#[test]
fn profiles_are_configuration_by_name_or_inline_table() {
    #[derive(serde::Deserialize)]
    struct Holder {
        p: ProfileRef,
    }
    use figment::providers::{Format, Toml};
    let named: Holder = figment::Figment::from(Toml::string("p = \"sixdee-style\""))
        .extract()
        .expect("named");
    assert_eq!(named.p.resolve(), Preset::SixdeeStyle.profile());
    let inline = r#"
        [p]
        service_type = "USSD"
        session_id = { tlv = 5377 }
        begin_ops = [1]
        continue_ops = [18]
        abort_ops = []
        end_bit_in = false
        reply_continue_op = 2
        reply_end_op = 17
        end_bit_out = false
        data_coding = 72
    "#;
    let custom: Holder = figment::Figment::from(Toml::string(inline))
        .extract()
        .expect("inline");
    assert_eq!(custom.p.resolve().session_id, SessionIdSource::Tlv(5377));
}
