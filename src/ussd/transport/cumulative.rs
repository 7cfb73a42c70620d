//! The cumulative dialect (Africa's Talking style): each callback carries all
//! inputs so far as `text`, `1*2*3`; the gateway wants only the newest.

use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_while},
    combinator::all_consuming,
    multi::separated_list0,
};
use serde::Deserialize;
use std::borrow::Cow;

/// The form fields of one callback.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CumulativeForm {
    /// The aggregator's session id.
    pub session_id: String,
    /// The service code dialled (`*4*6090#`).
    pub service_code: String,
    /// The citizen's number.
    pub phone_number: String,
    /// The mobile network (MCC+MNC); informational.
    #[serde(default)]
    pub network_code: Option<String>,
    /// All inputs so far, `*`-separated; empty on the first callback.
    #[serde(default)]
    pub text: String,
}

impl CumulativeForm {
    /// Reads a url-encoded body directly, when it is a well-formed callback:
    /// the three required fields present and no known field twice. Anything
    /// else is `None`, and the caller lets axum's `Form` give its exact
    /// rejection.
    ///
    /// Why not `Form` on every hop: serde_urlencoded, serde_path_to_error and
    /// `form_urlencoded`'s byte-at-a-time decoding cost about 7k instructions
    /// per hop (BENCHMARKS.md). Fields are decoded as `form_urlencoded` does
    /// (see [`pairs`]), and unknown ones ignored, as the derived
    /// `Deserialize` does.
    pub fn parse(body: &[u8]) -> Option<Self> {
        let (mut session_id, mut service_code, mut phone_number) = (None, None, None);
        let (mut network_code, mut text) = (None, None);
        for (key, value) in pairs(body) {
            let slot = match key.as_ref() {
                "sessionId" => &mut session_id,
                "serviceCode" => &mut service_code,
                "phoneNumber" => &mut phone_number,
                "networkCode" => &mut network_code,
                "text" => &mut text,
                _ => continue,
            };
            // A repeated field is an error for serde: leave it to `Form`.
            if slot.replace(value.into_owned()).is_some() {
                return None;
            }
        }
        Some(CumulativeForm {
            session_id: session_id?,
            service_code: service_code?,
            phone_number: phone_number?,
            network_code,
            text: text.unwrap_or_default(),
        })
    }
}

/// The `(name, value)` pairs of a url-encoded body, split and decoded as
/// `form_urlencoded::parse` does: `&`-separated, empty pairs skipped, a pair
/// without `=` has an empty value, `+` is a space, `%XX` a byte, and bytes
/// that are not UTF-8 become U+FFFD.
fn pairs(body: &[u8]) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
    body.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &[][..]),
            };
            (decode(name), decode(value))
        })
}

/// One name or value: borrowed when there is nothing to decode, else
/// decoded in one pass (aggregators escape `+`, `*` and `#`, so most hops
/// decode two or three fields).
fn decode(part: &[u8]) -> Cow<'_, str> {
    if !part.iter().any(|&b| b == b'%' || b == b'+')
        && let Ok(plain) = std::str::from_utf8(part)
    {
        return Cow::Borrowed(plain);
    }
    let mut bytes = Vec::with_capacity(part.len());
    let mut rest = part;
    while let Some((&b, tail)) = rest.split_first() {
        rest = tail;
        let byte = match b {
            b'+' => b' ',
            // `%` and two hex digits is a byte; anything else stays as it is.
            b'%' => match tail {
                [hi, lo, after @ ..] => match (hex(*hi), hex(*lo)) {
                    (Some(hi), Some(lo)) => {
                        rest = after;
                        hi << 4 | lo
                    }
                    _ => b,
                },
                _ => b,
            },
            _ => b,
        };
        bytes.push(byte);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Cow::Owned(text),
        Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

fn hex(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).map(|d| d as u8)
}

/// Splits `text` into its inputs: `""` → none, `1*2*` → `["1", "2", ""]`.
pub fn inputs(text: &str) -> Vec<&str> {
    if text.is_empty() {
        return Vec::new();
    }
    let parsed: IResult<&str, Vec<&str>> =
        all_consuming(separated_list0(tag("*"), take_while(|c| c != '*'))).parse(text);
    match parsed {
        Ok((_, v)) => v,
        // Unreachable for any &str, but never panic on the wire: treat it as one input.
        Err(_) => vec![text],
    }
}

/// The reply body: `CON …` or `END …`.
pub fn body(text: &str, end: bool) -> String {
    format!("{} {text}", if end { "END" } else { "CON" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cumulative_text_splits_into_inputs() {
        assert!(inputs("").is_empty());
        assert_eq!(inputs("1"), ["1"]);
        assert_eq!(inputs("1*0012345679*98"), ["1", "0012345679", "98"]);
        assert_eq!(inputs("1**"), ["1", "", ""]);
        assert_eq!(inputs("۱*۲"), ["۱", "۲"]);
    }

    /// What axum's `Form` makes of `body`: the value, or its rejection text.
    async fn through_form(body: &str) -> Result<CumulativeForm, String> {
        use axum::extract::{Form, FromRequest};
        let req = axum::http::Request::post("/")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body.to_owned()))
            .unwrap();
        match Form::<CumulativeForm>::from_request(req, &()).await {
            Ok(Form(f)) => Ok(f),
            Err(e) => Err(e.body_text()),
        }
    }

    #[tokio::test]
    async fn the_direct_parse_reads_every_body_as_axums_form_does_or_leaves_it_to_form() {
        let bodies = [
            "sessionId=s1&serviceCode=*4*6090%23&phoneNumber=%2B989121234567&text=",
            "sessionId=s1&serviceCode=*4*6090%23&phoneNumber=%2B989121234567&text=1*0012345679*1",
            "phoneNumber=0912&text=%DB%B1*%DB%B2&serviceCode=x&sessionId=a+b&networkCode=43211",
            "sessionId=s1&serviceCode=c&phoneNumber=p",
            "sessionId=s1&serviceCode=c&phoneNumber=p&extra=1&extra=2&=&&novalue",
            "sessionId=%E0%A4&serviceCode=%zz&phoneNumber=p+%2B+q&text=a%2Ab",
            "sessionId=s1&serviceCode=c&phoneNumber=p&networkCode=",
            "sessionId=%&serviceCode=%4&phoneNumber=%%41&text=%ff+%C3%A9+%DB",
            "%73essionId=s1&serviceCode=c&phoneNumber=p&text",
            // Rejected by `Form`: missing or repeated fields.
            "",
            "sessionId=s1&serviceCode=c",
            "sessionId=s1&serviceCode=c&phoneNumber=p&text=1&text=2",
            "sessionId=s1&sessionId=s2&serviceCode=c&phoneNumber=p",
            "sessionId=s1&serviceCode=c&phoneNumber=p&networkCode=1&networkCode=2",
        ];
        for body in bodies {
            let form = through_form(body).await;
            let direct = CumulativeForm::parse(body.as_bytes());
            match &form {
                Ok(f) => assert_eq!(direct.as_ref(), Some(f), "{body}"),
                Err(_) => assert_eq!(direct, None, "{body}: {form:?}"),
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_direct_parse_agrees_with_form_on_any_mix_of_fields_and_escapes(
            tokens in proptest::collection::vec(proptest::sample::select(vec![
                "sessionId=", "serviceCode=", "phoneNumber=", "networkCode=", "text=",
                "&", "=", "+", "%", "%2B", "%2a", "%23", "%E0", "%DB%B1", "%7", "%zz", "a", "*", "۱",
            ]), 0..24)
        ) {
            let body = tokens.concat();
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let form = rt.block_on(through_form(&body));
            let direct = CumulativeForm::parse(body.as_bytes());
            match &form {
                Ok(f) => proptest::prop_assert_eq!(direct.as_ref(), Some(f), "{}", body),
                Err(_) => proptest::prop_assert_eq!(direct, None, "{}: {:?}", body, form),
            }
        }
    }

    #[test]
    fn replies_start_with_con_or_end() {
        assert_eq!(body("سلام", false), "CON سلام");
        assert_eq!(body("bye", true), "END bye");
    }
}
