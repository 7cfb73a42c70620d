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
use std::fmt;
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

/// The fields of one span: each name with its value already written as JSON.
#[derive(Default)]
struct Object {
    entries: Vec<(&'static str, String)>,
}

impl Object {
    fn insert(&mut self, name: &'static str, json: String) {
        self.entries.push((name, json));
    }

    fn string(&mut self, name: &'static str, value: impl FnOnce(&mut String) -> fmt::Result) {
        let mut json = String::from("\"");
        if value(&mut json).is_ok() {
            json.push('"');
            self.insert(name, json);
        }
    }

    /// `{"name":value,…}` in name order, the last value of a repeated name,
    /// as serde_json writes a `BTreeMap`.
    fn write(mut self, w: &mut Writer<'_>) -> fmt::Result {
        // Stable: among equal names the last recorded comes last, and wins.
        self.entries.sort_by(|a, b| a.0.cmp(b.0));
        w.write_char('{')?;
        let mut first = true;
        for (i, (name, json)) in self.entries.iter().enumerate() {
            if self.entries.get(i + 1).is_some_and(|next| next.0 == *name) {
                continue;
            }
            if !std::mem::take(&mut first) {
                w.write_char(',')?;
            }
            w.write_char('"')?;
            escape_into(w, name)?;
            w.write_str("\":")?;
            w.write_str(json)?;
        }
        w.write_char('}')
    }
}

impl Visit for Object {
    fn record_f64(&mut self, field: &Field, value: f64) {
        // serde_json's number (`null` when not finite).
        if let Ok(json) = serde_json::to_string(&value) {
            self.insert(field.name(), json);
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.insert(field.name(), value.to_string());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.insert(field.name(), value.to_string());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.insert(field.name(), value.to_string());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.string(field.name(), |json| escape_into(json, value));
    }

    fn record_bytes(&mut self, field: &Field, value: &[u8]) {
        // serde_json's `Value::from(&[u8])`: an array of numbers.
        if let Ok(json) = serde_json::to_string(value) {
            self.insert(field.name(), json);
        }
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
