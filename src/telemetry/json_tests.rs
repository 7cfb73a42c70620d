//! [`JsonLine`] against the stock JSON formatter it replaces.

use super::*;
use std::io;
use std::sync::{Arc, Mutex};
use tracing_subscriber::fmt::{self as tfmt, MakeWriter};
use tracing_subscriber::prelude::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Events of every field kind, inside a span with fields (one recorded after
/// it opened), inside one without fields, with an explicit parent, and
/// outside any span.
fn events() {
    let err = io::Error::other("disk \"full\"");
    let http = tracing::info_span!("http", method = "POST", route = %"/a\"b", later = tracing::field::Empty);
    http.in_scope(|| {
        tracing::info!(
            target: "dargah::journey",
            session = "s1",
            msisdn = %"a9e7da6e3127",
            screen = "کد ملی",
            input = "1*2\n\"3\"\\\u{1}\u{7f}",
            outcome = "con",
            latency_us = 12u64,
            "ussd hop"
        )
    });
    http.record("later", -3i64);
    http.in_scope(|| {
        tracing::warn!(ok = true, ratio = 1.5f64, nan = f64::NAN, big = 1e21f64, list = ?vec!["a", "b"], "after {} record", 1)
    });
    tracing::info_span!("bare").in_scope(|| {
        tracing::error!(
            error = &err as &(dyn std::error::Error + 'static),
            "no span fields"
        )
    });
    tracing::info!(parent: &http, "explicit parent");
    tracing::debug!(x = 1u64, "no span");
}

/// Spans with fields of every kind (raw identifiers, floats that JSON cannot
/// hold, `Debug` and `Display` values, escapes), one recorded after it opened.
fn span_kinds() {
    let kinds = tracing::info_span!(
        "kinds",
        z = 1u64,
        r#type = "t",
        ok = false,
        ratio = 0.25f64,
        inf = f64::INFINITY,
        neg = -2i64,
        pair = ?("a\"", 1),
        shown = %"x\ty\u{1}",
        "é" = "ü",
    );
    kinds.in_scope(|| tracing::info!("in kinds"));
    kinds.record("z", 2u64);
    kinds.in_scope(|| tracing::info!("recorded"));
    tracing::info_span!("none").in_scope(|| tracing::info!("no fields"));
}

fn lines(layer: impl tracing_subscriber::Layer<tracing_subscriber::Registry> + Send + Sync) {
    lines_of(layer, events);
}

fn lines_of(
    layer: impl tracing_subscriber::Layer<tracing_subscriber::Registry> + Send + Sync,
    events: fn(),
) {
    let subscriber = tracing_subscriber::registry().with(layer);
    tracing::subscriber::with_default(subscriber, events);
}

fn stock() -> String {
    stock_of(events)
}

fn stock_of(events: fn()) -> String {
    let out = Captured::default();
    let layer = tfmt::layer()
        .json()
        .without_time()
        .with_current_span(true)
        .with_span_list(false)
        .with_writer(out.clone());
    lines_of(layer, events);
    out.text()
}

fn ours() -> String {
    ours_of(events)
}

fn ours_of(events: fn()) -> String {
    let out = Captured::default();
    let layer = tfmt::layer()
        .json()
        .fmt_fields(super::super::span_fields::SpanFields)
        .event_format(JsonLine::<()>::without_time())
        .with_writer(out.clone());
    lines_of(layer, events);
    out.text()
}

#[test]
fn span_fields_of_every_kind_are_what_the_stock_json_fields_store() {
    let (stock, ours) = (stock_of(span_kinds), ours_of(span_kinds));
    assert_eq!(stock.lines().count(), 3, "{stock}");
    assert!(stock.contains(r#""inf":null"#), "{stock}");
    assert!(stock.contains(r#""type":"t""#), "{stock}");
    assert!(stock.contains(r#""z":2"#), "{stock}");
    assert_eq!(ours, stock);
}

#[test]
fn lines_are_byte_for_byte_what_the_stock_json_format_writes() {
    let (stock, ours) = (stock(), ours());
    assert_eq!(stock.lines().count(), 5, "{stock}");
    assert!(
        stock.contains(r#""span":{"later":-3,"method":"POST","route":"/a\"b","name":"http"}"#),
        "{stock}"
    );
    for (s, o) in stock.lines().zip(ours.lines()) {
        assert_eq!(o, s);
    }
    assert_eq!(ours, stock);
}

#[test]
fn a_stamped_line_is_one_json_object_with_the_time_first() {
    let out = Captured::default();
    let layer = tfmt::layer()
        .json()
        .fmt_fields(super::super::span_fields::SpanFields)
        .event_format(JsonLine::new(tfmt::time::SystemTime))
        .with_writer(out.clone());
    lines(layer);
    let text = out.text();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect(line);
        let stamp = v["timestamp"].as_str().expect(line);
        assert!(line.starts_with(r#"{"timestamp":"2"#), "{line}");
        assert!(stamp.ends_with('Z'), "{stamp}");
    }
}

proptest::proptest! {
    #[test]
    fn the_eight_byte_check_never_misses_a_byte_to_escape(
        word in proptest::array::uniform8(proptest::num::u8::ANY)
    ) {
        if word.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\') {
            proptest::prop_assert!(may_need_escape(u64::from_le_bytes(word)));
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them(
        s in "(\\PC|[\\x00-\\x1f\"\\\\])*"
    ) {
        let mut ours = String::from("\"");
        escape_into(&mut ours, &s).unwrap();
        ours.push('"');
        proptest::prop_assert_eq!(ours, serde_json::to_string(&s).unwrap());
    }
}
