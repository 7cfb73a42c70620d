//! The cumulative dialect (Africa's Talking style): each callback carries all
//! inputs so far as `text`, `1*2*3`; the gateway wants only the newest.

use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_while},
    combinator::all_consuming,
    multi::separated_list0,
};
use serde::Deserialize;

/// The form fields of one callback.
#[derive(Debug, Clone, Deserialize)]
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

    #[test]
    fn replies_start_with_con_or_end() {
        assert_eq!(body("سلام", false), "CON سلام");
        assert_eq!(body("bye", true), "END bye");
    }
}
