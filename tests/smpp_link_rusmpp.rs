//! Bind, submit and receipts against a second, independent SMSC: a small
//! server on the `rusmpp` crate's codec, in this file.

#[path = "smpp_link/support.rs"]
mod support;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::BytesMut;
use futures_util::StreamExt;
use rusmpp::pdus::{BindTransceiverResp, DeliverSm, SubmitSmResp};
use rusmpp::tokio_codec::CommandCodec;
use rusmpp::types::{COctetString, OctetString};
use rusmpp::values::EsmClass;
use rusmpp::{Command, CommandStatus, Pdu};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::net::tcp::OwnedWriteHalf;
use tokio_util::codec::{Encoder, FramedRead};

use dargah::smpp::link::{Inbound, SubmitOutcome};
use support::{settings, sms, start};

#[derive(Default)]
struct Seen {
    submits: AtomicUsize,
    receipt_acks: AtomicUsize,
    unbinds: AtomicUsize,
}

async fn send(w: &mut OwnedWriteHalf, cmd: Command) {
    let mut buf = BytesMut::new();
    CommandCodec::new()
        .encode(&cmd, &mut buf)
        .expect("rusmpp encodes");
    w.write_all(&buf).await.expect("write");
}

fn cstr<const MIN: usize, const MAX: usize>(s: &str) -> COctetString<MIN, MAX> {
    COctetString::from_vec(format!("{s}\0").into_bytes()).expect("ascii")
}

fn receipt(seq: u32, id: &str) -> Command {
    let text = format!(
        "id:{id} sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:"
    );
    let pdu = DeliverSm::builder()
        .source_addr(cstr("989121234567"))
        .destination_addr(cstr("dargah"))
        .esm_class(EsmClass::from(0x04))
        .short_message(OctetString::from_vec(text.into_bytes()).expect("fits"))
        .build();
    Command::new(CommandStatus::EsmeRok, seq, pdu)
}

/// Answers one ESME: binds, submit_sm (then a receipt for it), enquire_link, unbind.
async fn rusmpp_smsc(listener: TcpListener, seen: Arc<Seen>) {
    let (sock, _) = listener.accept().await.expect("accept");
    let (r, mut w) = sock.into_split();
    let mut frames = FramedRead::new(r, CommandCodec::new());
    let mut our_seq = 0x1000;
    while let Some(Ok(cmd)) = frames.next().await {
        let seq = cmd.sequence_number();
        let ok = CommandStatus::EsmeRok;
        match cmd.pdu() {
            Some(Pdu::BindTransceiver(_)) => {
                let resp = BindTransceiverResp::builder()
                    .system_id(cstr("rusmpp"))
                    .build();
                send(&mut w, Command::new(ok, seq, resp)).await;
            }
            Some(Pdu::SubmitSm(_)) => {
                let n = seen.submits.fetch_add(1, Ordering::SeqCst) + 1;
                let id = format!("{n:x}");
                send(
                    &mut w,
                    Command::new(ok, seq, SubmitSmResp::new(cstr(&id), vec![])),
                )
                .await;
                our_seq += 1;
                send(&mut w, receipt(our_seq, &id)).await;
            }
            Some(Pdu::DeliverSmResp(_)) if cmd.status() == ok => {
                seen.receipt_acks.fetch_add(1, Ordering::SeqCst);
            }
            Some(Pdu::EnquireLink) => {
                send(&mut w, Command::new(ok, seq, Pdu::EnquireLinkResp)).await
            }
            Some(Pdu::Unbind) => {
                seen.unbinds.fetch_add(1, Ordering::SeqCst);
                send(&mut w, Command::new(ok, seq, Pdu::UnbindResp)).await;
                break;
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn bind_submit_and_receipts_work_against_a_rusmpp_smsc() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Seen::default());
    let server = tokio::spawn(rusmpp_smsc(listener, seen.clone()));
    let mut link = start(settings(port));
    link.wait_bound().await;
    let mut tickets = Vec::new();
    for i in 0..1_000 {
        tickets.push(
            link.carrier
                .submit(sms(&format!("m{i}")))
                .await
                .expect("queued"),
        );
    }
    let mut ids = HashSet::new();
    let mut receipts = HashSet::new();
    for t in tickets {
        while let Ok(d) = link.inbound.try_recv() {
            let Inbound::Receipt(r) = &d.message else {
                panic!("not a receipt")
            };
            receipts.insert(r.receipt.id.clone().expect("id"));
            d.ack.accept();
        }
        match tokio::time::timeout(Duration::from_secs(30), t)
            .await
            .expect("in time")
        {
            SubmitOutcome::Accepted { message_id } => assert!(ids.insert(message_id)),
            other => panic!("{other:?}"),
        }
    }
    while receipts.len() < 1_000 {
        let d = tokio::time::timeout(Duration::from_secs(10), link.inbound.recv())
            .await
            .expect("receipt in time")
            .expect("open");
        let Inbound::Receipt(r) = &d.message else {
            panic!("not a receipt")
        };
        receipts.insert(r.receipt.id.clone().expect("id"));
        d.ack.accept();
    }
    assert_eq!(
        receipts, ids,
        "every receipt matches a message id we were given"
    );
    for _ in 0..200 {
        if seen.receipt_acks.load(Ordering::SeqCst) == 1_000 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(seen.receipt_acks.load(Ordering::SeqCst), 1_000);
    link.shutdown().await;
    server.await.expect("server ends after unbind");
    assert_eq!(seen.unbinds.load(Ordering::SeqCst), 1);
    assert_eq!(seen.submits.load(Ordering::SeqCst), 1_000);
}
