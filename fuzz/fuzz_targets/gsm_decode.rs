//! Any octets as GSM 03.38 (unpacked, packed, with fill bits) and as USSD
//! CBS text: no panic, and decoded text re-encodes to the same text.
#![no_main]

use dargah::smpp::text::{cbs, gsm7, ucs2};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = gsm7::decode_unpacked(data);
    let again = gsm7::encode_unpacked(&text).expect("decoded GSM text is GSM");
    assert_eq!(gsm7::decode_unpacked(&again), text);
    let packed = gsm7::decode_packed(data);
    let _ = gsm7::encode_packed(&packed).expect("decoded GSM text is GSM");
    if let Some((&fill, rest)) = data.split_first() {
        let _ = gsm7::unpack(rest, rest.len() * 2, fill % 7);
        let _ = cbs::decode(fill, rest, cbs::Septets::Packed);
        let _ = cbs::decode(fill, rest, cbs::Septets::Unpacked);
    }
    let u = ucs2::decode(data);
    assert_eq!(ucs2::decode(&ucs2::encode(&u)), u);
});
