//! SMPP codec speed: dargah against rusmpp on the same PDUs and texts.
//!
//! Decode starts from a `BytesMut` holding 64 copies of the PDU, as a socket
//! read buffer would (built outside the timed part), and drains it through
//! each crate's tokio-util `Decoder`; encode writes 64 PDUs into a reused
//! buffer through each crate's `Encoder`. Times are per batch of 64; the
//! per-PDU figure is the batch time / 64 (criterion prints it as thrpt).

use std::hint::black_box;

use bytes::{Bytes, BytesMut};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use dargah::smpp::codec::SmppCodec;
use dargah::smpp::pdu::{Address, Body, ItsSessionInfo, Pdu, ShortMessage, Tlv, UssdServiceOp};
use dargah::smpp::text::{gsm7, ucs2};
use dargah::smpp::{encode, parse};
use rusmpp::extra::encoding::gsm7bit::Gsm7BitUnpacked;
use rusmpp::extra::encoding::ucs2::Ucs2;
use rusmpp::tokio_codec::CommandCodec;
use tokio_util::codec::{Decoder, Encoder};

const PERSIAN: &str = "وضعیت درخواست شما: در حال تولید";
const GSM_TEXT: &str = "Your national ID card is ready. Collect it at the delivery office with tracking code 1402-77-88; bring your old card {and} this SMS. Info: *4*6090# (€0).";

fn addr(ton: u8, npi: u8, a: &'static str) -> Address {
    Address {
        ton,
        npi,
        addr: Bytes::from_static(a.as_bytes()),
    }
}

/// A Persian status SMS with a delivery receipt requested.
fn submit_sm() -> Pdu {
    let sm = ShortMessage {
        source: addr(5, 0, "dargah"),
        destination: addr(1, 1, "989121234567"),
        registered_delivery: 1,
        data_coding: 8,
        short_message: Bytes::from(ucs2::encode(PERSIAN)),
        ..Default::default()
    };
    Pdu::new(0x0102_0304, Body::SubmitSm(sm))
}

/// A USSD dial-in as an SMSC sends it: service_type USSD, two TLVs.
fn ussd_deliver_sm() -> Pdu {
    let mut sm = ShortMessage {
        service_type: Bytes::from_static(b"USSD"),
        source: addr(1, 1, "989121234567"),
        destination: addr(0, 0, "*4*6090#"),
        data_coding: 0x0F,
        short_message: Bytes::from_static(b"*4*6090#"),
        ..Default::default()
    };
    sm.tlvs
        .push(Tlv::UssdServiceOp(UssdServiceOp::PSSR_INDICATION));
    sm.tlvs
        .push(Tlv::ItsSessionInfo(ItsSessionInfo::new(0x2A, 0, false)));
    Pdu::new(77, Body::DeliverSm(sm))
}

fn rusmpp_command(wire: &[u8]) -> rusmpp::Command {
    let mut buf = BytesMut::from(wire);
    CommandCodec::new()
        .decode(&mut buf)
        .expect("rusmpp decodes")
        .expect("whole")
}

fn bench_pdu(c: &mut Criterion, name: &str, pdu: &Pdu) {
    let wire = encode::to_bytes(pdu).expect("encodes");
    let cmd = rusmpp_command(&wire);
    let mut check = BytesMut::new();
    CommandCodec::new()
        .encode(&cmd, &mut check)
        .expect("rusmpp encodes");
    assert_eq!(check.freeze(), wire, "both crates must see the same PDU");
    assert_eq!(parse::decode(&wire).expect("decodes"), *pdu);

    // A socket read buffer holding BATCH PDUs back to back, decoded in turn.
    let stream: Vec<u8> = wire
        .iter()
        .copied()
        .cycle()
        .take(wire.len() * BATCH)
        .collect();
    let fresh = || BytesMut::from(&stream[..]);
    let mut g = c.benchmark_group(format!("{name}/decode"));
    g.throughput(Throughput::Elements(BATCH as u64));
    let mut ours = SmppCodec::new();
    g.bench_function("dargah", |b| {
        b.iter_batched_ref(fresh, |buf| drain(&mut ours, buf), BatchSize::SmallInput)
    });
    let mut theirs = CommandCodec::new();
    g.bench_function("rusmpp", |b| {
        b.iter_batched_ref(fresh, |buf| drain(&mut theirs, buf), BatchSize::SmallInput)
    });
    g.finish();

    // BATCH PDUs encoded into one reused write buffer.
    let mut g = c.benchmark_group(format!("{name}/encode"));
    g.throughput(Throughput::Elements(BATCH as u64));
    let mut out = BytesMut::with_capacity(wire.len() * BATCH);
    g.bench_function("dargah", |b| {
        b.iter(|| {
            out.clear();
            for _ in 0..BATCH {
                ours.encode(black_box(pdu), &mut out).expect("encodes");
            }
        })
    });
    g.bench_function("rusmpp", |b| {
        b.iter(|| {
            out.clear();
            for _ in 0..BATCH {
                theirs.encode(black_box(&cmd), &mut out).expect("encodes");
            }
        })
    });
    g.finish();
}

const BATCH: usize = 64;

/// Decodes every PDU in `buf`, keeping the results alive until the end as a
/// link would while it handles them.
fn drain<D: Decoder>(codec: &mut D, buf: &mut BytesMut) -> Vec<D::Item>
where
    D::Error: std::fmt::Debug,
{
    let mut items = Vec::with_capacity(BATCH);
    while let Some(item) = codec.decode(buf).expect("framing") {
        items.push(item);
    }
    assert_eq!(items.len(), BATCH);
    items
}

fn codec(c: &mut Criterion) {
    bench_pdu(c, "submit_sm", &submit_sm());
    bench_pdu(c, "ussd_deliver_sm", &ussd_deliver_sm());
}

fn text(c: &mut Criterion) {
    let theirs_gsm = Gsm7BitUnpacked::new();
    assert_eq!(
        theirs_gsm.encode_to_vec(GSM_TEXT).expect("gsm"),
        gsm7::encode_unpacked(GSM_TEXT).expect("gsm")
    );
    let mut g = c.benchmark_group("gsm7_encode");
    g.bench_function("dargah", |b| {
        b.iter(|| gsm7::encode_unpacked(black_box(GSM_TEXT)))
    });
    g.bench_function("rusmpp", |b| {
        b.iter(|| theirs_gsm.encode_to_vec(black_box(GSM_TEXT)))
    });
    g.finish();

    let theirs_ucs2 = Ucs2::new();
    assert_eq!(
        theirs_ucs2.encode_to_vec(PERSIAN).expect("ucs2"),
        ucs2::encode(PERSIAN)
    );
    let mut g = c.benchmark_group("ucs2_encode");
    g.bench_function("dargah", |b| b.iter(|| ucs2::encode(black_box(PERSIAN))));
    g.bench_function("rusmpp", |b| {
        b.iter(|| theirs_ucs2.encode_to_vec(black_box(PERSIAN)))
    });
    g.finish();
}

criterion_group!(benches, codec, text);
criterion_main!(benches);
