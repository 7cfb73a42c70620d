//! Any text as what a caller or a web client types: service codes, USSD
//! input, Kannel-style cumulative strings, numbers, IDs, dates, MO keywords,
//! menu conditions and templates. No panic; a parsed value's text parses to
//! the same value.
#![no_main]

use dargah::domain::{
    AreaCode, IdSerial, Msisdn, NationalId, ServiceCode, SolarDate, TrackingCode, digits,
};
use dargah::menu::{condition::Condition, template::Template};
use dargah::sms::inbox::keyword;
use dargah::ussd::{input, transport::cumulative};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    if let Ok(code) = ServiceCode::parse(text) {
        let again = ServiceCode::parse(&code.to_string()).expect("a service code re-parses");
        assert_eq!(again, code);
        let _ = code.deep_link_under(&again);
    }
    let _ = cumulative::inputs(text);
    let _ = cumulative::body(text, true);
    let _ = input::mask(&input::normalize(text));
    let _ = digits::normalize_letters(&digits::normalize_digits(text));
    let _ = Msisdn::parse(text);
    let _ = NationalId::parse(text);
    let _ = IdSerial::parse(text);
    let _ = AreaCode::parse(text);
    let _ = TrackingCode::parse(text);
    let _ = SolarDate::parse(text);
    let _ = keyword::parse(text);
    if let Ok(c) = Condition::parse(text) {
        let _ = c.holds(&|_| Some("1"));
        let _ = c.variables();
    }
    if let Ok(t) = Template::parse(text) {
        let _ = t.render(|_| Some("۱۲۳"));
        let _ = t.variables().count();
    }
});
