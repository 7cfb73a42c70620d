//! JSON log lines that carry the current span without parsing it per event.
//!
//! tracing-subscriber's JSON formatter stores a span's fields as a JSON
//! object (a string) when the span opens, and with `with_current_span` parses
//! that string back with serde_json on every event inside the span, to write
//! it out again unchanged. Every USSD hop logs its journey event inside the
//! `http` span, so every hop paid for the parse (about a tenth of the server's
//! CPU went to the journey log; BENCHMARKS.md). [`SpanJson`] lets the stock
//! formatter write the line without the span and appends the stored object
//! as it is: the line is the same, byte for byte.

use std::cell::RefCell;
use std::fmt;
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{Format, Json, JsonFields, Writer};
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

thread_local! {
    /// The line before the span is appended, reused so a line costs no allocation.
    static LINE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The stock JSON event format (built without the current span and the span
/// list), followed by `"span":{<the span's fields>,"name":<its name>}` as
/// `with_current_span(true)` writes it.
pub struct SpanJson<T> {
    inner: Format<Json, T>,
}

impl<T> SpanJson<T> {
    /// Wraps a JSON format whose own current span and span list are turned off.
    pub fn new(inner: Format<Json, T>) -> Self {
        SpanJson { inner }
    }
}

impl<S, T> FormatEvent<S, JsonFields> for SpanJson<T>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    T: FormatTime,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, JsonFields>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        // The span the stock formatter would pick: the explicit parent, else the current one.
        let span = event
            .parent()
            .and_then(|id| ctx.span(id))
            .or_else(|| ctx.lookup_current());
        let Some(span) = span else {
            return self.inner.format_event(ctx, writer, event);
        };
        let mut write = |line: &mut String| {
            line.clear();
            self.inner.format_event(ctx, Writer::new(line), event)?;
            // The stock line is one object and a newline: reopen the object.
            let open = line.trim_end().strip_suffix('}').ok_or(fmt::Error)?;
            writer.write_str(open)?;
            writer.write_str(",\"span\":")?;
            let ext = span.extensions();
            let fields = ext
                .get::<FormattedFields<JsonFields>>()
                .map_or("", |f| f.fields.as_str());
            match fields.strip_suffix('}') {
                Some(head) if head.len() > 1 => {
                    writer.write_str(head)?;
                    writer.write_char(',')?;
                }
                _ => writer.write_char('{')?,
            }
            writer.write_str("\"name\":")?;
            let name = serde_json::to_string(span.name()).map_err(|_| fmt::Error)?;
            writer.write_str(&name)?;
            writer.write_str("}}\n")
        };
        // A field's Display that logs would re-enter: give it its own buffer.
        LINE.with(|cell| match cell.try_borrow_mut() {
            Ok(mut line) => write(&mut line),
            Err(_) => write(&mut String::new()),
        })
    }
}

#[cfg(test)]
mod tests {
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

    /// The lines a few events write: inside a span with fields (one escaped,
    /// one added after the span opened), inside one without fields, an
    /// explicit parent, and outside any span.
    fn lines(layer: impl tracing_subscriber::Layer<tracing_subscriber::Registry> + Send + Sync) {
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, || {
            let http = tracing::info_span!("http", method = "POST", route = %"/a\"b", later = tracing::field::Empty);
            http.in_scope(|| tracing::info!(target: "dargah::journey", session = "s1", latency_us = 12u64, "ussd hop"));
            http.record("later", 3i64);
            http.in_scope(|| tracing::warn!(ok = true, "after a record"));
            tracing::info_span!("bare").in_scope(|| tracing::info!("no span fields"));
            tracing::info!(parent: &http, "explicit parent");
            tracing::info!(x = 1.5f64, "no span");
        });
    }

    fn stock() -> String {
        let out = Captured::default();
        let layer = tfmt::layer()
            .json()
            .without_time()
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(out.clone());
        lines(layer);
        String::from_utf8(out.0.lock().unwrap().clone()).unwrap()
    }

    fn ours() -> String {
        let out = Captured::default();
        let layer = tfmt::layer()
            .json()
            .without_time()
            .with_current_span(false)
            .with_span_list(false)
            .map_event_format(SpanJson::new)
            .with_writer(out.clone());
        lines(layer);
        String::from_utf8(out.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn lines_are_byte_for_byte_what_the_stock_current_span_format_writes() {
        let (stock, ours) = (stock(), ours());
        assert_eq!(stock.lines().count(), 5, "{stock}");
        assert!(
            stock.contains(r#""span":{"later":3,"method":"POST","route":"/a\"b","name":"http"}"#),
            "{stock}"
        );
        assert_eq!(ours, stock);
    }
}
