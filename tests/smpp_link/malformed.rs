//! Bad input on a live link: every kind of malformed PDU from a hostile SMSC
//! is answered with the proper status and the bind stays up; endless bytes,
//! floods and silence cost bounded memory and tasks.

use std::time::Duration;

use dargah::smpp::link::SubmitOutcome;
use dargah::smpp::pdu::{Body, CommandStatus, Pdu};

use crate::hostile::{DELIVER_SM, Peer, Smsc, deliver_body, frame, rss_kib, tasks};
use crate::support::{settings, sms, start};

/// (what, octets, sequence number, status the gateway must answer with)
fn malformed() -> Vec<(&'static str, Vec<u8>, u32, CommandStatus)> {
    let ok = deliver_body(2, b"hi");
    let mut cut_tlv = ok.clone();
    cut_tlv.extend_from_slice(&[0x05, 0x01, 0x00]); // tag and half a length
    let mut bad_tlv_len = ok.clone();
    bad_tlv_len.extend_from_slice(&[0x05, 0x01, 0x00, 0x02, 1, 1]); // ussd_service_op is 1 octet
    let mut long_service_type = b"USSDUSSDUSSD".to_vec(); // no NUL within 6 octets
    long_service_type.extend_from_slice(&ok[1..]);
    vec![
        (
            "unknown command_id",
            frame(None, 0x0000_0077, 101, &[]),
            101,
            CommandStatus::ESME_RINVCMDID,
        ),
        (
            "body ending before its mandatory fields",
            frame(None, DELIVER_SM, 102, &ok[..21]),
            102,
            CommandStatus::ESME_RINVCMDLEN,
        ),
        (
            "source_addr cut before its NUL",
            frame(None, DELIVER_SM, 109, &ok[..12]),
            109,
            CommandStatus::ESME_RINVSRCADR,
        ),
        (
            "sm_length beyond the PDU",
            frame(None, DELIVER_SM, 103, &deliver_body(200, b"hi")),
            103,
            CommandStatus::ESME_RINVMSGLEN,
        ),
        (
            "service_type without its NUL",
            frame(None, DELIVER_SM, 104, &long_service_type),
            104,
            CommandStatus::ESME_RINVSERTYP,
        ),
        (
            "a TLV cut in its header",
            frame(None, DELIVER_SM, 105, &cut_tlv),
            105,
            CommandStatus::ESME_RINVOPTPARSTREAM,
        ),
        (
            "a TLV of the wrong length",
            frame(None, DELIVER_SM, 106, &bad_tlv_len),
            106,
            CommandStatus::ESME_RINVPARLEN,
        ),
        (
            "enquire_link with a body",
            frame(None, 0x0000_0015, 107, &[1, 2, 3, 4]),
            107,
            CommandStatus::ESME_RINVCMDLEN,
        ),
        (
            "command_length of 1 MB",
            oversize(1_000_000, 108),
            108,
            CommandStatus::ESME_RINVCMDLEN,
        ),
    ]
}

fn oversize(len: u32, seq: u32) -> Vec<u8> {
    let mut octets = frame(Some(len), DELIVER_SM, seq, &[]);
    octets.resize(len as usize, 0x41);
    octets
}

async fn submit_and_accept(peer: &mut Peer, link: &crate::support::Link, text: &str) {
    let ticket = link.carrier.submit(sms(text)).await.expect("queued");
    let pdu = peer.next().await;
    assert!(matches!(pdu.body, Body::SubmitSm(_)), "{pdu:?}");
    peer.answer(&pdu, CommandStatus::ESME_ROK).await;
    let outcome = tokio::time::timeout(Duration::from_secs(10), ticket)
        .await
        .expect("resolved");
    assert!(
        matches!(outcome, SubmitOutcome::Accepted { .. }),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn every_kind_of_malformed_pdu_gets_its_error_status_and_the_bind_stays_up() {
    let smsc = Smsc::start().await;
    let link = start(settings(smsc.port));
    let mut peer = smsc.bound().await;
    link.wait_bound().await;
    for (what, octets, seq, status) in malformed() {
        peer.raw(&octets).await;
        let answer = peer.next().await;
        assert_eq!(
            answer,
            Pdu::generic_nack(seq, status),
            "{what}: answered with the proper status"
        );
        submit_and_accept(&mut peer, &link, what).await;
    }
    assert_eq!(link.carrier.bound(), 1);
    assert!(
        smsc.accept_within(Duration::from_millis(300))
            .await
            .is_none(),
        "the gateway never reconnected: the same bind served throughout"
    );
    link.shutdown().await;
}

#[tokio::test]
async fn a_command_length_below_the_header_drops_that_connection_only_and_loses_nothing() {
    let smsc = Smsc::start().await;
    let link = start(settings(smsc.port));
    let mut peer = smsc.bound().await;
    let ticket = link.carrier.submit(sms("in flight")).await.expect("queued");
    let first = peer.next().await;
    assert!(matches!(first.body, Body::SubmitSm(_)));
    peer.raw(&[0, 0, 0, 8, 0, 0, 0, 0x15]).await;
    let mut again = smsc.bound().await;
    let resent = again.next().await;
    assert_eq!(resent.body, first.body, "the unanswered submit is resent");
    again.answer(&resent, CommandStatus::ESME_ROK).await;
    assert!(matches!(ticket.await, SubmitOutcome::Accepted { .. }));
    link.shutdown().await;
}

#[tokio::test]
async fn an_endless_oversize_pdu_is_skipped_unbuffered_until_keepalive_gives_up() {
    let smsc = Smsc::start().await;
    let mut s = settings(smsc.port);
    s.enquire_link_interval = Duration::from_millis(500);
    s.enquire_link_timeout = Duration::from_millis(1000);
    let link = start(s);
    let peer = smsc.bound().await;
    link.wait_bound().await;
    let before = rss_kib();
    let (mut rx, mut tx) = peer.framed.into_inner().into_split();
    let flood = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        tx.write_all(&frame(Some(u32::MAX), DELIVER_SM, 9, &[]))
            .await
            .expect("header");
        // Endless as far as the gateway can tell: 1 GiB (far past any
        // buffer) at full speed, then the socket held open in silence.
        let chunk = vec![0x5A; 64 * 1024];
        let mut sent = 0u64;
        while sent < 1 << 30 && tx.write_all(&chunk).await.is_ok() {
            sent += chunk.len() as u64;
        }
        (sent, tx)
    });
    let mut seen = Vec::new();
    let mut framed =
        tokio_util::codec::FramedRead::new(&mut rx, dargah::smpp::codec::SmppCodec::new());
    use futures_util::StreamExt;
    while let Ok(Some(Ok(Ok(pdu)))) =
        tokio::time::timeout(Duration::from_secs(10), framed.next()).await
    {
        if pdu.body == Body::GenericNack && !seen.contains(&pdu.command_id()) {
            assert_eq!(pdu, Pdu::generic_nack(9, CommandStatus::ESME_RINVCMDLEN));
        }
        seen.push(pdu.body.command_id());
    }
    let (sent, _tx) = flood.await.expect("flood");
    let grown = rss_kib().saturating_sub(before);
    println!("endless PDU: {sent} octets streamed, RSS grew {grown} KiB, saw {seen:?}");
    assert!(seen.contains(&Body::GenericNack.command_id()), "{seen:?}");
    assert!(seen.contains(&Body::EnquireLink.command_id()), "{seen:?}");
    assert!(sent > 1 << 20, "the peer streamed {sent} octets");
    assert!(grown < 16 * 1024, "RSS grew {grown} KiB for {sent} octets");
    let _rebound = smsc.bound().await;
    link.shutdown().await;
}

#[tokio::test]
async fn a_flood_of_deliveries_nobody_takes_is_refused_beyond_the_inbound_window() {
    let smsc = Smsc::start().await;
    let mut s = settings(smsc.port);
    s.inbound_window = 32;
    let mut link = start(s);
    let mut peer = smsc.bound().await;
    link.wait_bound().await;
    let base = tasks();
    let octets: Vec<u8> = (1..=5_000)
        .flat_map(|seq| frame(None, DELIVER_SM, seq, &deliver_body(2, b"hi")))
        .collect();
    peer.raw(&octets).await;
    let mut refused = 0;
    while refused < 5_000 - 32 {
        let r = peer.next().await;
        assert_eq!(r.command_status, CommandStatus::ESME_RMSGQFUL, "{r:?}");
        refused += 1;
    }
    let busy = tasks();
    println!("5000 deliveries: {refused} refused, tasks {base} -> {busy}");
    assert!(busy <= base + 32, "tasks {base} -> {busy}");
    for _ in 0..32 {
        link.inbound.recv().await.expect("delivered").ack.accept();
    }
    for _ in 0..32 {
        let r = peer.next().await;
        assert_eq!(r.command_status, CommandStatus::ESME_ROK);
        assert!(matches!(r.body, Body::DeliverSmResp(_)));
    }
    link.shutdown().await;
}

#[tokio::test]
async fn an_smsc_that_floods_and_never_reads_loses_the_connection_not_the_window() {
    let smsc = Smsc::start().await;
    let mut s = settings(smsc.port);
    s.response_timeout = Duration::from_millis(800);
    let link = start(s);
    let mut peer = smsc.bound().await;
    let ticket = link.carrier.submit(sms("kept")).await.expect("queued");
    let first = peer.next().await;
    assert!(matches!(first.body, Body::SubmitSm(_)));
    let before = rss_kib();
    let (_rx, mut tx) = peer.framed.into_inner().into_split();
    let flood = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        let burst: Vec<u8> = (1..=1000)
            .flat_map(|seq| frame(None, 0x0000_0015, seq, &[]))
            .collect();
        let mut sent = 0u64;
        while tx.write_all(&burst).await.is_ok() {
            sent += 1000;
        }
        sent
    });
    let mut again = smsc.bound().await;
    let enquiries = flood.await.expect("flood");
    let grown = rss_kib().saturating_sub(before);
    println!("unread flood: {enquiries} enquire_link sent, RSS grew {grown} KiB");
    assert!(grown < 16 * 1024, "RSS grew {grown} KiB");
    let resent = again.next().await;
    assert_eq!(resent.body, first.body);
    again.answer(&resent, CommandStatus::ESME_ROK).await;
    assert!(matches!(ticket.await, SubmitOutcome::Accepted { .. }));
    link.shutdown().await;
}

#[tokio::test]
async fn a_bind_that_is_never_answered_times_out_and_is_retried() {
    let smsc = Smsc::start().await;
    let mut s = settings(smsc.port);
    s.response_timeout = Duration::from_millis(300);
    let link = start(s);
    let _silent = smsc
        .accept_within(Duration::from_secs(5))
        .await
        .expect("first connection");
    let retried = std::time::Instant::now();
    let _peer = smsc.bound().await;
    assert!(
        retried.elapsed() < Duration::from_secs(3),
        "retried after {:?}",
        retried.elapsed()
    );
    link.wait_bound().await;
    link.shutdown().await;
}
