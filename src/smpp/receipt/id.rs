//! Message-id normalisation: many SMSCs answer submit_sm with a hex id and
//! quote it in decimal in the receipt, or the other way round. Each side is
//! configured per link; both normalise to the same key.

/// How one side writes message ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdFormat {
    /// Compare as received (trimmed).
    #[default]
    Verbatim,
    /// Hexadecimal digits.
    Hex,
    /// Decimal digits.
    Decimal,
}

/// A key under which the same message id from either side compares equal:
/// numeric ids become their decimal value without leading zeros; ids that
/// do not parse in the given format stay as received, lower-cased.
pub fn normalize(id: &str, format: IdFormat) -> String {
    let id = id.trim();
    let radix = match format {
        IdFormat::Verbatim => return id.to_owned(),
        IdFormat::Hex => 16,
        IdFormat::Decimal => 10,
    };
    match u128::from_str_radix(id, radix) {
        Ok(n) if !id.starts_with('+') => n.to_string(),
        _ => id.to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_id_in_the_response_matches_decimal_id_in_the_receipt() {
        let resp = normalize("0A1B2C3D", IdFormat::Hex);
        let receipt = normalize("0169552957", IdFormat::Decimal);
        assert_eq!(resp, receipt);
    }

    #[test]
    fn decimal_response_matches_hex_receipt() {
        assert_eq!(
            normalize("255", IdFormat::Decimal),
            normalize("ff", IdFormat::Hex)
        );
    }

    #[test]
    fn unparseable_ids_compare_verbatim() {
        assert_eq!(normalize(" abc-1 ", IdFormat::Hex), "abc-1");
        assert_eq!(normalize("Msg-1", IdFormat::Verbatim), "Msg-1");
    }
}
