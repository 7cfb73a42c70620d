//! Kannel's `dlr-url` escapes: a Kannel client's callback URL carries
//! `%d`, `%p`, … placeholders that are replaced by the receipt's values,
//! URL-encoded, before the URL is called (Kannel user guide, "Parameters
//! (escape codes)"). Escapes we have no value for become empty, as Kannel
//! does; a `%` followed by anything else is kept as written.

use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters is encoded.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The values a Kannel `dlr-url` may ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DlrValues {
    /// `%d`: the DLR type (1 delivered, 2 undeliverable, 8 submitted, 16 failed).
    pub dlr_type: i64,
    /// `%A`: the SMSC's reply or the receipt text.
    pub reply: String,
    /// `%p`: the handset (the message's recipient, as receipts come from it).
    pub recipient: String,
    /// `%P`: the message's sender (source address), if it had one.
    pub sender: Option<String>,
    /// `%I`: our message id.
    pub id: i64,
    /// `%F`: the SMSC's message id (first part).
    pub smsc_message_id: Option<String>,
    /// `%i`: the carrier (Kannel's SMSC id).
    pub carrier: Option<String>,
    /// `%n`: the client (Kannel's sendsms user).
    pub client: String,
    /// `%t` (`YYYY-MM-DD HH:MM:SS`, UTC) and `%T` (Unix seconds): when the state was reached.
    pub at: DateTime<Utc>,
}

/// `template` with every known escape replaced by its URL-encoded value.
pub fn substitute(template: &str, v: &DlrValues) -> String {
    expand(template, |code| value(code, v))
}

/// `template` with each `%x` that `value` knows replaced by its value,
/// URL-encoded (UTF-8); other `%x` and a trailing `%` are kept as written.
/// `value` is called in order of appearance (Kannel's `%s` takes the next
/// word each time).
pub fn expand(template: &str, mut value: impl FnMut(char) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(code) = chars.next() else {
            out.push('%');
            break;
        };
        match value(code) {
            Some(text) => out.extend(utf8_percent_encode(&text, VALUE)),
            None => {
                out.push('%');
                out.push(code);
            }
        }
    }
    out
}

/// Kannel's `%t`: `YYYY-MM-DD HH:MM:SS`, UTC.
pub fn kannel_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The raw value of escape `%code`; `None` for what is not an escape of ours.
fn value(code: char, v: &DlrValues) -> Option<String> {
    let plus = |n: &str| format!("+{n}");
    Some(match code {
        'd' => v.dlr_type.to_string(),
        'A' => v.reply.clone(),
        'p' => v.recipient.clone(),
        'q' => plus(&v.recipient),
        'P' => v.sender.clone().unwrap_or_default(),
        'Q' => v.sender.as_deref().map(plus).unwrap_or_default(),
        'I' => v.id.to_string(),
        'F' => v.smsc_message_id.clone().unwrap_or_default(),
        'i' => v.carrier.clone().unwrap_or_default(),
        'n' => v.client.clone(),
        't' => kannel_time(v.at),
        'T' => v.at.timestamp().to_string(),
        '%' => "%".to_owned(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn values() -> DlrValues {
        DlrValues {
            dlr_type: 1,
            reply: "id:AB stat:DELIVRD err:000".into(),
            recipient: "989121234567".into(),
            sender: Some("3000 12".into()),
            id: 42,
            smsc_message_id: Some("AB".into()),
            carrier: Some("mci".into()),
            client: "web".into(),
            at: Utc.with_ymd_and_hms(2026, 11, 21, 17, 5, 9).unwrap(),
        }
    }

    #[test]
    fn every_known_escape_is_replaced_by_its_url_encoded_value() {
        let url = substitute(
            "http://web/dlr?t=%d&a=%A&to=%p&q=%q&from=%P&id=%I&f=%F&s=%i&u=%n&at=%t&ts=%T",
            &values(),
        );
        assert_eq!(
            url,
            "http://web/dlr?t=1&a=id%3AAB%20stat%3ADELIVRD%20err%3A000&to=989121234567\
             &q=%2B989121234567&from=3000%2012&id=42&f=AB&s=mci&u=web\
             &at=2026-11-21%2017%3A05%3A09&ts=1795280709"
        );
    }

    #[test]
    fn unknown_escapes_and_a_trailing_percent_are_kept_as_written() {
        assert_eq!(
            substitute("http://web/x?a=%20b&c=%Z&d=%%&e=%", &values()),
            "http://web/x?a=%20b&c=%Z&d=%25&e=%"
        );
    }

    #[test]
    fn a_missing_sender_becomes_empty_and_persian_text_is_encoded_as_utf8() {
        let v = DlrValues {
            sender: None,
            reply: "تحویل".into(),
            ..values()
        };
        assert_eq!(
            substitute("/d?f=%P&Q=%Q&a=%A", &v),
            "/d?f=&Q=&a=%D8%AA%D8%AD%D9%88%DB%8C%D9%84"
        );
    }
}
