//! Kannel's sms-service escapes for a forwarded MO (Kannel user guide,
//! "Parameters (escape codes)"), as a pure function. Supported: `%p`
//! sender, `%P` receiver (our number), `%q`/`%Q` the same with a leading
//! `00` made `+`, `%a` all words joined by single spaces, `%b` the text as
//! received (decoded, so UTF-8 rather than Kannel's raw octets), `%k` the
//! first word (keyword), `%s` the next word from the second on (each use
//! takes one more), `%S` the same with `*` made `~`, `%r` the words `%s`
//! has not taken, `%t` time received (`YYYY-MM-DD HH:MM:SS`, UTC), `%T`
//! the same in Unix seconds, `%c` coding (0 7-bit, 1 8-bit, 2 UCS-2), `%i`
//! the carrier (Kannel's SMSC id), `%I` our inbox id, `%%` a percent.
//! Values are percent-encoded as UTF-8; other escapes stay as written.

use crate::smpp::text::encoding::Encoding;
use crate::sms::callbacks::escape::{expand, kannel_time};
use chrono::{DateTime, Utc};

/// What a forwarded MO's URL may ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoValues<'a> {
    /// `%I`: the `sms_inbox` id.
    pub id: i64,
    /// `%p`: the handset that sent it.
    pub sender: &'a str,
    /// `%P`: our number it was sent to.
    pub receiver: &'a str,
    /// The decoded text (empty for a coding we do not decode).
    pub text: &'a str,
    /// The PDU's `data_coding`.
    pub data_coding: u8,
    /// `%i`: the carrier (link) it came through.
    pub carrier: &'a str,
    /// `%t`/`%T`: when it was received.
    pub received_at: DateTime<Utc>,
}

/// `template` with every supported escape replaced by its URL-encoded value.
pub fn substitute(template: &str, v: &MoValues<'_>) -> String {
    let words: Vec<&str> = v.text.split_whitespace().collect();
    // `%s` takes the words from the second on, one per use.
    let mut next = 1;
    expand(template, |code| {
        Some(match code {
            'p' => v.sender.to_owned(),
            'P' => v.receiver.to_owned(),
            'q' => international(v.sender),
            'Q' => international(v.receiver),
            'a' => words.join(" "),
            'b' => v.text.to_owned(),
            'k' => words.first().copied().unwrap_or_default().to_owned(),
            's' | 'S' => {
                let word = words.get(next).copied().unwrap_or_default();
                next += 1;
                if code == 'S' {
                    word.replace('*', "~")
                } else {
                    word.to_owned()
                }
            }
            'r' => words.get(next..).unwrap_or_default().join(" "),
            't' => kannel_time(v.received_at),
            'T' => v.received_at.timestamp().to_string(),
            'c' => coding(v.data_coding).to_string(),
            'i' => v.carrier.to_owned(),
            'I' => v.id.to_string(),
            '%' => "%".to_owned(),
            _ => return None,
        })
    })
}

/// Kannel's `%c`: 0 for the 7-bit alphabets, 2 for UCS-2, 1 for binary.
pub fn coding(data_coding: u8) -> u8 {
    match Encoding::from_data_coding(data_coding) {
        Some(Encoding::Ucs2) => 2,
        Some(Encoding::Gsm7 | Encoding::Latin1) => 0,
        None => 1,
    }
}

/// `%q`: a leading `00` becomes `+`.
fn international(number: &str) -> String {
    match number.strip_prefix("00") {
        Some(rest) => format!("+{rest}"),
        None => number.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn values(text: &str) -> MoValues<'_> {
        MoValues {
            id: 42,
            sender: "00989121234567",
            receiver: "6090",
            text,
            data_coding: 8,
            carrier: "mci",
            received_at: Utc.with_ymd_and_hms(2026, 11, 21, 17, 5, 9).unwrap(),
        }
    }

    #[test]
    fn persian_text_is_percent_encoded_as_utf8_with_the_envelope() {
        let url = substitute(
            "http://web/mo?from=%p&to=%P&text=%a&c=%c&smsc=%i&id=%I&at=%t&ts=%T",
            &values("سلام  دنیا"),
        );
        assert_eq!(
            url,
            "http://web/mo?from=00989121234567&to=6090\
             &text=%D8%B3%D9%84%D8%A7%D9%85%20%D8%AF%D9%86%DB%8C%D8%A7\
             &c=2&smsc=mci&id=42&at=2026-11-21%2017%3A05%3A09&ts=1795280709"
        );
    }

    #[test]
    fn words_are_taken_by_keyword_next_word_and_rest() {
        let v = values("Card  status a*b 12 more words");
        assert_eq!(
            substitute("k=%k&s=%s&S=%S&r=%r&b=%b", &v),
            "k=Card&s=status&S=a~b&r=12%20more%20words&b=Card%20%20status%20a%2Ab%2012%20more%20words"
        );
        assert_eq!(
            substitute("r=%r", &v),
            "r=status%20a%2Ab%2012%20more%20words"
        );
    }

    #[test]
    fn plus_forms_unknown_escapes_and_empty_text() {
        let v = values("");
        assert_eq!(
            substitute("q=%q&Q=%Q&k=%k&s=%s&x=%x&p=%%&e=%", &v),
            "q=%2B989121234567&Q=6090&k=&s=&x=%x&p=%25&e=%"
        );
    }

    #[test]
    fn kannel_codings_from_data_coding() {
        assert_eq!([coding(0), coding(3), coding(8), coding(4)], [0, 0, 2, 1]);
    }
}
