//! The pure parts of one-time codes: making, hashing and judging them.

use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::Duration;
use subtle::ConstantTimeEq;

/// `[otp]`: how codes behave.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OtpPolicy {
    /// Digits in a code.
    pub digits: u32,
    /// How long a code stays valid.
    #[serde(with = "humantime_serde")]
    pub ttl: Duration,
    /// A new code for the same number and purpose only after this (seed 003: 120 s).
    #[serde(with = "humantime_serde")]
    pub resend_after: Duration,
    /// Wrong guesses before a code is dead.
    pub max_attempts: i64,
    /// The key codes are hashed with. Set it (the same on every node) in
    /// production; when absent a random key is made at start, and codes
    /// issued before a restart no longer verify.
    #[serde(skip_serializing)]
    pub secret: Option<SecretString>,
    /// The SMS text; `{code}` is replaced by the code in Persian digits.
    pub template: String,
}

impl Default for OtpPolicy {
    fn default() -> Self {
        OtpPolicy {
            digits: 6,
            ttl: Duration::from_secs(300),
            resend_after: Duration::from_secs(120),
            max_attempts: 5,
            secret: None,
            template: "کد تأیید شما: {code}\nاین کد را به هیچ‌کس ندهید.".into(),
        }
    }
}

/// What a verification found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Right code, now consumed.
    Valid,
    /// Wrong code; the attempt was counted.
    Wrong,
    /// The code's time is up.
    Expired,
    /// Too many wrong guesses.
    TooManyAttempts,
    /// No live code for this number and purpose.
    NotFound,
}

/// A random code of `digits` digits (leading zeros allowed).
pub fn new_code(digits: u32) -> String {
    let mut rng = rand::rng();
    (0..digits)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// The stored form: SHA-256 over the key, number, purpose and code, in hex.
pub fn code_hash(key: &SecretString, msisdn: &str, purpose: &str, code: &str) -> String {
    let mut h = Sha256::new();
    for part in [key.expose_secret(), msisdn, purpose, code] {
        h.update((part.len() as u32).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Compares two hashes without revealing where they differ.
pub fn same_hash(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_asked_number_of_digits() {
        for _ in 0..100 {
            let c = new_code(6);
            assert_eq!(c.len(), 6);
            assert!(c.chars().all(|d| d.is_ascii_digit()));
        }
    }

    #[test]
    fn the_hash_depends_on_key_number_purpose_and_code() {
        let k: SecretString = "k".to_owned().into();
        let base = code_hash(&k, "989121234567", "login", "123456");
        assert!(same_hash(
            &base,
            &code_hash(&k, "989121234567", "login", "123456")
        ));
        assert!(!same_hash(
            &base,
            &code_hash(&k, "989121234567", "login", "123457")
        ));
        assert!(!same_hash(
            &base,
            &code_hash(&k, "989121234568", "login", "123456")
        ));
        assert!(!same_hash(
            &base,
            &code_hash(&k, "989121234567", "signup", "123456")
        ));
        assert!(!same_hash(
            &base,
            &code_hash(&"k2".to_owned().into(), "989121234567", "login", "123456")
        ));
    }
}
