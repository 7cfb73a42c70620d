//! A span's fields as the JSON object tracing-subscriber's `JsonFields`
//! stores for it, byte for byte, written directly.
//!
//! Why: every HTTP request opens the `http` span (method and route), and
//! `JsonFields` builds a `BTreeMap` of `serde_json::Value`s and serialises it
//! through serde for those two strings: about 5k instructions per USSD hop
//! (BENCHMARKS.md). Here each value is escaped straight into a small list
//! that is sorted as the map would be. Recording fields on a span that
//! already has some (rare: `Span::record`) still goes through `JsonFields`,
//! which merges them into the stored object. The tests in `json_tests`
//! compare the lines this gives with the stock formatter's.

use super::json::{escape_into, escaped_debug};
use std::fmt::{self, Write};
use std::ops::Range;
use tracing::field::{Field, Visit};
use tracing::span::Record;
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::format::{JsonFields, Writer};
use tracing_subscriber::fmt::{FormatFields, FormattedFields};

/// Formats span fields as `JsonFields` does (see the module).
#[derive(Debug, Default, Clone, Copy)]
pub struct SpanFields;

impl<'a> FormatFields<'a> for SpanFields {
    fn format_fields<R: RecordFields>(&self, mut writer: Writer<'_>, fields: R) -> fmt::Result {
        let mut object = Object::default();
        fields.record(&mut object);
        object.write(&mut writer)
    }

    fn add_fields(
        &self,
        current: &'a mut FormattedFields<Self>,
        fields: &Record<'_>,
    ) -> fmt::Result {
        if current.is_empty() {
            return self.format_fields(current.as_writer(), fields);
        }
        // Merging into a stored object: `JsonFields` parses it and writes it
        // again, and its object is ours, so it gives the same text.
        let mut stock = FormattedFields::<JsonFields>::new(std::mem::take(&mut current.fields));
        let result = JsonFields::new().add_fields(&mut stock, fields);
        current.fields = stock.fields;
        result
    }
}

/// The fields of one span: each name with its value already written as
/// JSON, all values in one buffer (a span has a few short fields; this is
/// allocated once or twice per span, not once per field and growth).
#[derive(Default)]
struct Object {
    values: String,
    entries: Vec<(&'static str, Range<usize>)>,
}

impl Object {
    fn insert(&mut self, name: &'static str, json: impl FnOnce(&mut String) -> fmt::Result) {
        if self.values.capacity() == 0 {
            self.values.reserve(64);
        }
        let start = self.values.len();
        match json(&mut self.values) {
            Ok(()) => self.entries.push((name, start..self.values.len())),
            Err(_) => self.values.truncate(start),
        }
    }

    fn string(&mut self, name: &'static str, value: impl FnOnce(&mut String) -> fmt::Result) {
        self.insert(name, |json| {
            json.push('"');
            value(json)?;
            json.push('"');
            Ok(())
        });
    }

    /// `{"name":value,…}` in name order, the last value of a repeated name,
    /// as serde_json writes a `BTreeMap`; handed to `w` in one piece.
    fn write(mut self, w: &mut Writer<'_>) -> fmt::Result {
        // Stable: among equal names the last recorded comes last, and wins.
        self.entries.sort_by(|a, b| a.0.cmp(b.0));
        let names: usize = self.entries.iter().map(|(name, _)| name.len() + 4).sum();
        let mut out = String::with_capacity(self.values.len() + names + 2);
        out.push('{');
        for (i, (name, json)) in self.entries.iter().enumerate() {
            if self.entries.get(i + 1).is_some_and(|next| next.0 == *name) {
                continue;
            }
            if out.len() > 1 {
                out.push(',');
            }
            out.push('"');
            escape_into(&mut out, name)?;
            out.push_str("\":");
            out.push_str(&self.values[json.clone()]);
        }
        out.push('}');
        w.write_str(&out)
    }
}

impl Visit for Object {
    fn record_f64(&mut self, field: &Field, value: f64) {
        // serde_json's number (`null` when not finite).
        self.insert(field.name(), |json| {
            json.push_str(&serde_json::to_string(&value).map_err(|_| fmt::Error)?);
            Ok(())
        });
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.insert(field.name(), |json| write!(json, "{value}"));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.insert(field.name(), |json| write!(json, "{value}"));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.insert(field.name(), |json| write!(json, "{value}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.string(field.name(), |json| escape_into(json, value));
    }

    fn record_bytes(&mut self, field: &Field, value: &[u8]) {
        // serde_json's `Value::from(&[u8])`: an array of numbers.
        self.insert(field.name(), |json| {
            json.push_str(&serde_json::to_string(value).map_err(|_| fmt::Error)?);
            Ok(())
        });
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let name = field.name();
        // As `JsonVisitor`: `log.` fields are the bridged record's metadata,
        // and raw identifiers lose their `r#`.
        if name.starts_with("log.") {
            return;
        }
        let name = name.strip_prefix("r#").unwrap_or(name);
        self.string(name, |json| escaped_debug(json, value));
    }
}
