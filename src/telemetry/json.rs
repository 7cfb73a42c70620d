//! The JSON log line, written directly: the same object, byte for byte, as
//! tracing-subscriber's JSON formatter with the current span and without the
//! span list (`timestamp`, `level`, `fields`, `target`, `span`).
//!
//! Why not the stock formatter: every USSD hop logs its journey event inside
//! the `http` span, and the stock formatter spent about a tenth of the
//! server's CPU on it (BENCHMARKS.md). It parses the span's stored fields back
//! with serde_json on every event only to write them out again, and it goes
//! through serde's map machinery for every field. Here the span's stored
//! object is copied as it is, and fields are escaped straight into the line
//! as serde_json escapes them. The tests compare both formatters' lines.

use super::span_fields::SpanFields;
use std::fmt::{self, Write};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_log::NormalizeEvent;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

/// One JSON object per event; `timer` stamps it (`None`: no `timestamp` key).
pub struct JsonLine<T> {
    timer: Option<T>,
}

impl<T> JsonLine<T> {
    /// Lines stamped by `timer`.
    pub fn new(timer: T) -> Self {
        JsonLine { timer: Some(timer) }
    }

    /// Lines without a timestamp (for comparisons in tests).
    #[cfg(test)]
    fn without_time() -> Self {
        JsonLine { timer: None }
    }
}

impl<S, T> FormatEvent<S, SpanFields> for JsonLine<T>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    T: FormatTime,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, SpanFields>,
        mut w: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        // The line is built in a `String` of our own and handed over in one
        // write: `Writer` reaches its buffer through `dyn Write`, and a line
        // is ~40 small writes, each a call there and an inlined push here
        // (a fifth of the journey event's formatting, BENCHMARKS.md).
        let mut line = String::with_capacity(LINE_CAPACITY);
        self.line(ctx, &mut line, event)?;
        w.write_str(&line)
    }
}

/// Room for a journey line with its span and timestamp, so that it needs no regrowth.
const LINE_CAPACITY: usize = 512;

impl<T: FormatTime> JsonLine<T> {
    fn line<S>(
        &self,
        ctx: &FmtContext<'_, S, SpanFields>,
        w: &mut String,
        event: &Event<'_>,
    ) -> fmt::Result
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        // Events bridged from the `log` crate carry their real level and target here.
        let normalized = event.normalized_metadata();
        let meta = normalized.as_ref().unwrap_or_else(|| event.metadata());
        w.write_char('{')?;
        if let Some(timer) = &self.timer {
            w.write_str("\"timestamp\":\"")?;
            // The stock formatter writes the time into a String, then escapes it.
            let mut stamp = String::new();
            timer.format_time(&mut Writer::new(&mut stamp))?;
            Escaped(&mut *w).write_str(&stamp)?;
            w.write_str("\",")?;
        }
        w.write_str("\"level\":\"")?;
        w.write_str(meta.level().as_str())?;
        w.write_str("\",\"fields\":{")?;
        let mut fields = Fields {
            w: &mut *w,
            first: true,
            result: Ok(()),
        };
        event.record(&mut fields);
        fields.result?;
        w.write_str("},\"target\":")?;
        string(w, meta.target())?;
        // The span the stock formatter shows: the explicit parent, else the current one.
        let span = event
            .parent()
            .and_then(|id| ctx.span(id))
            .or_else(|| ctx.lookup_current());
        if let Some(span) = span {
            w.write_str(",\"span\":")?;
            let ext = span.extensions();
            let stored = ext
                .get::<FormattedFields<SpanFields>>()
                .map_or("", |f| f.fields.as_str());
            // The stored fields are one JSON object (`SpanFields`): reopen it.
            match stored.strip_suffix('}') {
                Some(head) if head.len() > 1 => {
                    w.write_str(head)?;
                    w.write_char(',')?;
                }
                _ => w.write_char('{')?,
            }
            w.write_str("\"name\":")?;
            string(w, span.name())?;
            w.write_char('}')?;
        }
        w.write_str("}\n")
    }
}

/// Writes `"key":value` pairs as `tracing_serde`'s map visitor serialises them.
struct Fields<'a> {
    w: &'a mut String,
    first: bool,
    result: fmt::Result,
}

impl Fields<'_> {
    fn entry(&mut self, field: &Field, value: impl FnOnce(&mut String) -> fmt::Result) {
        if self.result.is_err() {
            return;
        }
        self.result = (|| {
            if !std::mem::take(&mut self.first) {
                self.w.write_char(',')?;
            }
            string(self.w, field.name())?;
            self.w.write_char(':')?;
            value(self.w)
        })();
    }
}

impl Visit for Fields<'_> {
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.entry(field, |w| write!(w, "{value}"));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.entry(field, |w| write!(w, "{value}"));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.entry(field, |w| write!(w, "{value}"));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        // serde_json's float format (shortest round trip, `null` for NaN and infinities).
        self.entry(field, |w| {
            w.write_str(&serde_json::to_string(&value).map_err(|_| fmt::Error)?)
        });
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.entry(field, |w| string(w, value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.entry(field, |w| {
            w.write_char('"')?;
            escaped_debug(w, value)?;
            w.write_char('"')
        });
    }
}

/// `s` as a JSON string.
fn string(w: &mut String, s: &str) -> fmt::Result {
    w.write_char('"')?;
    Escaped(w).write_str(s)?;
    w.write_char('"')
}

/// Writes `s` into `w` escaped as in a JSON string (see [`Escaped`]).
pub(super) fn escape_into<W: Write + ?Sized>(w: &mut W, s: &str) -> fmt::Result {
    Escaped(w).write_str(s)
}

/// Writes `value`'s `Debug` text into `w`, escaped as in a JSON string.
pub(super) fn escaped_debug<W: Write + ?Sized>(w: &mut W, value: &dyn fmt::Debug) -> fmt::Result {
    write!(Escaped(w), "{value:?}")
}

/// Escapes what it is given as serde_json escapes strings: `"`, `\` and the
/// control characters below U+0020; everything else as it is.
struct Escaped<'a, W: ?Sized>(&'a mut W);

impl<W: Write + ?Sized> Write for Escaped<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let bytes = s.as_bytes();
        let (mut plain, mut i) = (0, 0);
        while let Some(&b) = bytes.get(i) {
            // Most of a line needs no escape: skip it eight bytes at a time.
            if let Some(word) = bytes
                .get(i..i + 8)
                .and_then(|w| <[u8; 8]>::try_from(w).ok())
                && !may_need_escape(u64::from_le_bytes(word))
            {
                i += 8;
                continue;
            }
            let escape = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0..0x20 => "",
                _ => {
                    i += 1;
                    continue;
                }
            };
            self.0.write_str(&s[plain..i])?;
            if escape.is_empty() {
                let (hi, lo) = (HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]);
                write!(self.0, "\\u00{}{}", hi as char, lo as char)?;
            } else {
                self.0.write_str(escape)?;
            }
            i += 1;
            plain = i;
        }
        self.0.write_str(&s[plain..])
    }
}

/// Whether any of the eight bytes in `word` may be `"`, `\\` or below 0x20.
/// Never false when one is (the usual zero-byte and less-than bit tricks);
/// sometimes true when none is, which only costs a byte-by-byte look.
fn may_need_escape(word: u64) -> bool {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    below_space | quote | backslash != 0
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
