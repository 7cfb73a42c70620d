//! Any sequence of fragments (in any order, duplicated, bogus) through the
//! reassembler: no panic, memory bound held, completed text is whole.
#![no_main]

use std::time::{Duration, Instant};

use bytes::Bytes;
use dargah::smpp::text::reassembly::{Fragment, Limits, Outcome, Reassembler};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        timeout: Duration::from_secs(30),
        max_bytes: 512,
    };
    let mut r = Reassembler::new(limits);
    let t0 = Instant::now();
    let mut i = data;
    while let [sender, reference, total, seqnum, len, clock, rest @ ..] = i {
        let len = usize::from(*len % 64).min(rest.len());
        let (payload, tail) = rest.split_at(len);
        i = tail;
        let origin = (Bytes::from(vec![*sender % 4]), Bytes::from_static(b"6090"));
        let frag = Fragment {
            reference: u16::from(*reference % 8),
            total: *total % 6,
            seqnum: *seqnum % 7,
            data: Bytes::copy_from_slice(payload),
        };
        let now = t0 + Duration::from_secs(u64::from(*clock));
        if let Outcome::Complete(all) = r.push(origin, frag, now) {
            // At most `total` (< 6) parts of at most 63 octets each.
            assert!(all.len() <= 5 * 63);
        }
        assert!(r.held_bytes() <= limits.max_bytes);
    }
});
