//! The User Data Header (TS 23.040 §9.2.3.24): finding the concatenation
//! information element among any others and the payload after the header.

/// Concatenation info from IE 0x00 (8-bit ref) or 0x08 (16-bit ref).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Concat {
    /// Reference shared by the parts of one message.
    pub reference: u16,
    /// Number of parts.
    pub total: u8,
    /// This part, 1-based.
    pub seqnum: u8,
}

/// A UDH that does not fit its own length octets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("malformed user data header")]
pub struct UdhError;

/// Splits `short_message` (UDHI set) into its concatenation IE, if any, and
/// the octets after the header. Other IEs (ports, national language…) are skipped.
pub fn parse(short_message: &[u8]) -> Result<(Option<Concat>, &[u8]), UdhError> {
    let (&udhl, rest) = short_message.split_first().ok_or(UdhError)?;
    let udhl = usize::from(udhl);
    if rest.len() < udhl {
        return Err(UdhError);
    }
    let (mut ies, payload) = rest.split_at(udhl);
    let mut concat = None;
    while let [id, len, tail @ ..] = ies {
        let len = usize::from(*len);
        let data = tail.get(..len).ok_or(UdhError)?;
        concat = concat.or_else(|| concat_ie(*id, data));
        ies = &tail[len..];
    }
    if !ies.is_empty() {
        return Err(UdhError);
    }
    Ok((concat, payload))
}

fn concat_ie(id: u8, data: &[u8]) -> Option<Concat> {
    match (id, data) {
        (0x00, [r, total, seq]) => Some(Concat {
            reference: u16::from(*r),
            total: *total,
            seqnum: *seq,
        }),
        (0x08, [hi, lo, total, seq]) => Some(Concat {
            reference: u16::from_be_bytes([*hi, *lo]),
            total: *total,
            seqnum: *seq,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concatenation_is_found_behind_a_port_ie() {
        let sm = [
            0x0B, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0, 0x00, 0x03, 0x2A, 0x02, 0x01, b'h', b'i',
        ];
        let (concat, payload) = parse(&sm).expect("udh");
        assert_eq!(
            concat,
            Some(Concat {
                reference: 0x2A,
                total: 2,
                seqnum: 1
            })
        );
        assert_eq!(payload, b"hi");
    }

    #[test]
    fn a_udh_longer_than_the_message_is_rejected() {
        assert_eq!(parse(&[0x09, 0x00, 0x03]), Err(UdhError));
    }
}
