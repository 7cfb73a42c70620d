//! Domain newtypes, parsed where data enters the gateway: a value of one of
//! these types is valid by construction, so the rest of the code never re-checks.
//!
//! Persian and Arabic-Indic digits are accepted everywhere a citizen types.

pub mod area_code;
pub mod digits;
pub mod id_serial;
pub mod msisdn;
pub mod national_id;
pub mod service_code;
pub mod solar;
pub mod tracking_code;

pub use area_code::AreaCode;
pub use id_serial::IdSerial;
pub use msisdn::Msisdn;
pub use national_id::NationalId;
pub use service_code::ServiceCode;
pub use solar::SolarDate;
pub use tracking_code::TrackingCode;

/// Why a piece of citizen or carrier input is not a valid domain value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// A national ID that is not 10 digits.
    #[error("a national ID has exactly 10 digits")]
    NationalIdLength,
    /// A national ID whose check digit does not match.
    #[error("the national ID's check digit is wrong")]
    NationalIdChecksum,
    /// A national ID made of one digit repeated, which passes mod 11 but is never issued.
    #[error("a national ID cannot be one digit repeated")]
    NationalIdRepeated,
    /// A birth-certificate serial that is not 6 digits.
    #[error("the birth-certificate serial has exactly 6 digits")]
    IdSerial,
    /// A mobile number in none of the accepted forms.
    #[error("not an Iranian mobile number (09xxxxxxxxx, 989xxxxxxxxx or +989xxxxxxxxx)")]
    Msisdn,
    /// A USSD service code that is not `*digits*…#`.
    #[error("not a USSD service code like *4*6090#")]
    ServiceCode,
    /// A tracking number that is not 6 to 20 digits.
    #[error("a tracking number has 6 to 20 digits")]
    TrackingCode,
    /// A telephone area code that is not 0 followed by 2 or 3 digits.
    #[error("an area code is 0 followed by 2 or 3 digits, like 021")]
    AreaCode,
    /// A Solar Hijri date that does not exist or is not `yyyy/mm/dd`.
    #[error("not a Solar Hijri date like 1369/03/19")]
    SolarDate,
}
