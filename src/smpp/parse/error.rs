//! Decode errors, each mapped to the command_status a peer should receive.
//!
//! nom's own error type stays inside `parse`; this is what leaves it.

use crate::smpp::pdu::{CommandId, CommandStatus, Pdu};

/// A mandatory field, named so an error says which one was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum Field {
    Header,
    SystemId,
    Password,
    SystemType,
    InterfaceVersion,
    AddrTon,
    AddrNpi,
    AddressRange,
    ServiceType,
    SourceAddr,
    DestinationAddr,
    EsmClass,
    ProtocolId,
    PriorityFlag,
    ScheduleDeliveryTime,
    ValidityPeriod,
    RegisteredDelivery,
    ReplaceIfPresentFlag,
    DataCoding,
    SmDefaultMsgId,
    SmLength,
    ShortMessage,
    MessageId,
    FinalDate,
    MessageState,
    ErrorCode,
    NumberOfDests,
    DestFlag,
    DlName,
    NoUnsuccess,
    ErrorStatusCode,
    EsmeAddr,
}

impl Field {
    /// The status §5.1.3 names for a bad value in this field.
    pub fn command_status(self) -> CommandStatus {
        use Field::*;
        match self {
            SystemId => CommandStatus::ESME_RINVSYSID,
            Password => CommandStatus::ESME_RINVPASWD,
            SystemType => CommandStatus::ESME_RINVSYSTYP,
            ServiceType => CommandStatus::ESME_RINVSERTYP,
            SourceAddr | EsmeAddr => CommandStatus::ESME_RINVSRCADR,
            DestinationAddr => CommandStatus::ESME_RINVDSTADR,
            ScheduleDeliveryTime => CommandStatus::ESME_RINVSCHED,
            ValidityPeriod | FinalDate => CommandStatus::ESME_RINVEXPIRY,
            MessageId => CommandStatus::ESME_RINVMSGID,
            NumberOfDests => CommandStatus::ESME_RINVNUMDESTS,
            DestFlag => CommandStatus::ESME_RINVDESTFLAG,
            DlName => CommandStatus::ESME_RINVDLNAME,
            SmLength | ShortMessage => CommandStatus::ESME_RINVMSGLEN,
            _ => CommandStatus::ESME_RINVCMDLEN,
        }
    }
}

/// Why one framed PDU could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// `command_length` disagrees with the octets in the frame (§3.2).
    #[error("command_length {declared} but the frame holds {actual} octets")]
    LengthMismatch {
        /// Declared length.
        declared: u32,
        /// Octets present.
        actual: usize,
    },
    /// A `command_id` outside SMPP 3.4 (§5.1.2.1).
    #[error("unknown command_id 0x{0:08X}")]
    UnknownCommand(u32),
    /// The body ended before this mandatory field.
    #[error("body ends before {0:?}")]
    Truncated(Field),
    /// A C-octet string with no NUL within its maximum size (§5.2).
    #[error("{field:?} is not NUL-terminated within {max} octets")]
    Unterminated {
        /// The field.
        field: Field,
        /// Maximum size including the NUL.
        max: usize,
    },
    /// A field whose value the spec does not allow.
    #[error("invalid value {value} in {field:?}")]
    InvalidValue {
        /// The field.
        field: Field,
        /// The value received.
        value: u32,
    },
    /// Octets left after the body of an operation that has no TLVs.
    #[error("{0} unexpected octets after the body")]
    TrailingOctets(usize),
    /// The TLV area is not a whole number of TLVs (§3.3, §5.3).
    #[error("TLV stream broken at tag 0x{tag:04X}: {remaining} octets left")]
    TlvStream {
        /// Tag of the broken TLV (0 when even the tag is cut).
        tag: u16,
        /// Octets left in the stream.
        remaining: usize,
    },
    /// A typed TLV with a length its definition does not allow.
    #[error("TLV 0x{tag:04X} has invalid length {len}")]
    TlvLength {
        /// Tag.
        tag: u16,
        /// Length received.
        len: u16,
    },
    /// A typed TLV with a value its definition does not allow.
    #[error("TLV 0x{tag:04X} has an invalid value")]
    TlvValue {
        /// Tag.
        tag: u16,
    },
    /// `command_length` above the configured maximum: the codec skipped the
    /// PDU's octets without buffering them.
    #[error("command_length {len} exceeds the configured maximum of {max} octets")]
    TooLong {
        /// Length announced.
        len: u32,
        /// Our maximum.
        max: usize,
    },
}

impl DecodeError {
    /// The command_status to answer with (§5.1.3).
    pub fn command_status(&self) -> CommandStatus {
        match self {
            DecodeError::LengthMismatch { .. }
            | DecodeError::TrailingOctets(_)
            | DecodeError::TooLong { .. } => CommandStatus::ESME_RINVCMDLEN,
            DecodeError::UnknownCommand(_) => CommandStatus::ESME_RINVCMDID,
            // sm_length promising more than the PDU holds is a message-length fault.
            DecodeError::Truncated(Field::ShortMessage) => CommandStatus::ESME_RINVMSGLEN,
            DecodeError::Truncated(_) => CommandStatus::ESME_RINVCMDLEN,
            DecodeError::Unterminated { field, .. } => field.command_status(),
            DecodeError::InvalidValue { field, .. } => field.command_status(),
            DecodeError::TlvStream { .. } => CommandStatus::ESME_RINVOPTPARSTREAM,
            DecodeError::TlvLength { .. } => CommandStatus::ESME_RINVPARLEN,
            DecodeError::TlvValue { .. } => CommandStatus::ESME_RINVOPTPARAMVAL,
        }
    }
}

/// A framed PDU whose body could not be decoded, with the header the link
/// needs to answer it and carry on (§2.9: generic_nack or an error response).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("PDU 0x{:08X} seq {sequence_number}: {error}", command_id.0)]
pub struct PduError {
    /// `command_id` from the header, known or not.
    pub command_id: CommandId,
    /// `sequence_number` from the header, to echo in the answer.
    pub sequence_number: u32,
    /// What was wrong.
    pub error: DecodeError,
}

impl PduError {
    /// The command_status to answer with.
    pub fn command_status(&self) -> CommandStatus {
        self.error.command_status()
    }

    /// The generic_nack that answers this PDU (§4.3). For a malformed known
    /// request the link may prefer the request's own response with
    /// [`Self::command_status`]; for a malformed response it should answer nothing.
    pub fn generic_nack(&self) -> Pdu {
        Pdu::generic_nack(self.sequence_number, self.command_status())
    }
}
