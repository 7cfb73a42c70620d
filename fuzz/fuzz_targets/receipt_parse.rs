//! Any octets as a delivery receipt text: no panic; ids normalise in every format.
#![no_main]

use dargah::smpp::receipt::{self, IdFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let r = receipt::parse(data);
    let _ = r.outcome();
    if let Some(id) = &r.id {
        for f in [IdFormat::Verbatim, IdFormat::Hex, IdFormat::Decimal] {
            let _ = receipt::normalize(id, f);
        }
    }
});
