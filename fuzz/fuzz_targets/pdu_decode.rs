//! Any octets through the framing codec and the PDU parser: no panic, and
//! whatever decodes and re-encodes must decode to the same PDU.
#![no_main]

use bytes::{Bytes, BytesMut};
use dargah::smpp::codec::SmppCodec;
use dargah::smpp::{encode, parse};
use libfuzzer_sys::fuzz_target;
use tokio_util::codec::Decoder;

fuzz_target!(|data: &[u8]| {
    let frame = Bytes::copy_from_slice(data);
    if let Ok(pdu) = parse::decode(&frame)
        && let Ok(again) = encode::to_bytes(&pdu)
    {
        assert_eq!(parse::decode(&again).as_ref(), Ok(&pdu));
    }
    let mut codec = SmppCodec::with_max_len(4096);
    let mut buf = BytesMut::from(data);
    while let Ok(Some(_)) = codec.decode(&mut buf) {}
});
