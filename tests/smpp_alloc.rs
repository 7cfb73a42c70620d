//! Allocation budget of the codec, counted (not timed) with a counting
//! global allocator: decoding allocates only the TLV list it returns, and
//! encoding into a buffer with room allocates nothing.
//!
//! The counter is per thread: the test harness and other tests run on other
//! threads at the same time, and their allocations must not land in the
//! count of the code measured here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use bytes::{Bytes, BytesMut};
use dargah::smpp::codec::SmppCodec;
use dargah::smpp::encode;
use dargah::smpp::pdu::{Address, Body, ItsSessionInfo, Pdu, ShortMessage, Tlv, UssdServiceOp};
use tokio_util::codec::{Decoder, Encoder};

struct Counting;

thread_local! {
    // `const` and without a destructor: reading it never allocates and never
    // registers a thread-exit hook, so the allocator may touch it.
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // `try_with`: a thread being torn down may still allocate.
        let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How many allocations `f` makes on this thread, and what it returns.
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = ALLOCS.with(Cell::get);
    let out = f();
    (ALLOCS.with(Cell::get) - before, out)
}

fn deliver_sm(tlvs: bool) -> Pdu {
    let mut sm = ShortMessage {
        service_type: Bytes::from_static(b"USSD"),
        source: Address {
            ton: 1,
            npi: 1,
            addr: Bytes::from_static(b"989121234567"),
        },
        destination: Address {
            ton: 0,
            npi: 0,
            addr: Bytes::from_static(b"*4*6090#"),
        },
        short_message: Bytes::from_static(b"*4*6090#"),
        ..Default::default()
    };
    if tlvs {
        sm.tlvs
            .push(Tlv::UssdServiceOp(UssdServiceOp::PSSR_INDICATION));
        sm.tlvs
            .push(Tlv::ItsSessionInfo(ItsSessionInfo::new(1, 0, false)));
    }
    Pdu::new(1, Body::DeliverSm(sm))
}

/// A read buffer holding `n` copies of `pdu`, already shared the way a
/// socket buffer is after its first frame was split off.
fn socket_buffer(pdu: &Pdu, n: usize) -> BytesMut {
    let mut buf = BytesMut::with_capacity(4096);
    for _ in 0..n {
        encode::encode(pdu, &mut buf).expect("encodes");
    }
    buf
}

#[test]
fn decoding_a_pdu_without_tlvs_allocates_nothing_after_the_first_frame() {
    let pdu = deliver_sm(false);
    let mut buf = socket_buffer(&pdu, 3);
    let mut codec = SmppCodec::new();
    let first = codec.decode(&mut buf).expect("framing").expect("a frame");
    let (n, second) = allocations(|| codec.decode(&mut buf).expect("framing").expect("a frame"));
    assert_eq!(n, 0);
    assert_eq!(second.expect("pdu"), pdu);
    drop(first);
}

#[test]
fn decoding_a_pdu_with_tlvs_allocates_only_the_tlv_list() {
    let pdu = deliver_sm(true);
    let mut buf = socket_buffer(&pdu, 3);
    let mut codec = SmppCodec::new();
    let _first = codec.decode(&mut buf).expect("framing");
    let (n, second) = allocations(|| codec.decode(&mut buf).expect("framing").expect("a frame"));
    assert_eq!(n, 1);
    assert_eq!(second.expect("pdu"), pdu);
}

#[test]
fn encoding_into_a_buffer_with_room_allocates_nothing() {
    let pdu = deliver_sm(true);
    let mut out = BytesMut::with_capacity(1024);
    let mut codec = SmppCodec::new();
    let (n, result) = allocations(|| codec.encode(&pdu, &mut out));
    assert_eq!(n, 0);
    assert!(result.is_ok());
}
