//! Who is calling: `Authorization: Bearer KEY` checked against hashed keys in
//! constant time, then the client's own rate limit (governor).

use super::settings::{ApiSettings, sha256};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// A client the API knows.
pub struct Client {
    /// Its configured name, recorded on every message it sends.
    pub name: String,
    key_hash: [u8; 32],
    limiter: Option<DefaultDirectRateLimiter>,
}

/// All clients, built once from settings; cheap to clone.
#[derive(Clone, Default)]
pub struct Clients(Arc<Vec<Client>>);

/// Why a request was not let through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No key, or a key no client has.
    #[error("missing or unknown API key")]
    Unauthorized,
    /// The client is over its `max_tps`.
    #[error("rate limit exceeded for client {0}")]
    RateLimited(String),
}

impl Clients {
    /// Hashes and indexes the configured clients; a bad entry names its key.
    pub fn from_settings(settings: &ApiSettings) -> Result<Self, String> {
        let clients = settings
            .clients
            .iter()
            .map(|(name, c)| {
                Ok(Client {
                    name: name.clone(),
                    key_hash: c.key_hash(name)?,
                    limiter: c
                        .max_tps
                        .map(limiter)
                        .transpose()
                        .map_err(|e: String| format!("api.clients.{name}.{e}"))?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Clients(Arc::new(clients)))
    }

    /// The client holding `key`. Every configured hash is compared, in
    /// constant time, so timing does not reveal how close a guess was.
    pub fn authenticate(&self, key: &str) -> Result<&Client, AuthError> {
        let hash = sha256(key);
        let mut found = None;
        for c in self.0.iter() {
            if bool::from(c.key_hash.ct_eq(&hash)) {
                found = Some(c);
            }
        }
        found.ok_or(AuthError::Unauthorized)
    }

    /// The client for an `Authorization` header value, within its rate limit
    /// for `n` messages.
    pub fn admit(&self, authorization: Option<&str>, n: u32) -> Result<&Client, AuthError> {
        let key = authorization
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or(AuthError::Unauthorized)?;
        let client = self.authenticate(key.trim())?;
        client.take(n)?;
        Ok(client)
    }
}

impl Client {
    /// Takes `n` messages from this client's rate limit.
    pub fn take(&self, n: u32) -> Result<(), AuthError> {
        if let (Some(limiter), Some(n)) = (&self.limiter, NonZeroU32::new(n))
            && !matches!(limiter.check_n(n), Ok(Ok(())))
        {
            metrics::counter!("dargah_api_rate_limited_total", "client" => self.name.clone())
                .increment(1);
            return Err(AuthError::RateLimited(self.name.clone()));
        }
        Ok(())
    }
}

fn limiter(max_tps: u32) -> Result<DefaultDirectRateLimiter, String> {
    let rate = NonZeroU32::new(max_tps).ok_or("max_tps must be above 0")?;
    Ok(RateLimiter::direct(Quota::per_second(rate)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sms::api::settings::ApiClientSettings;

    fn clients() -> Clients {
        let mut s = ApiSettings::default();
        s.clients.insert(
            "web".into(),
            ApiClientSettings {
                key: Some("k-web".to_owned().into()),
                max_tps: Some(2),
                ..Default::default()
            },
        );
        let hash = hex::encode(sha256("k-office"));
        s.clients.insert(
            "office".into(),
            ApiClientSettings {
                key_sha256: Some(hash),
                ..Default::default()
            },
        );
        Clients::from_settings(&s).unwrap()
    }

    #[test]
    fn a_key_given_in_clear_or_as_its_hash_authenticates_its_client() {
        let c = clients();
        assert_eq!(c.admit(Some("Bearer k-web"), 1).unwrap().name, "web");
        assert_eq!(c.admit(Some("Bearer k-office"), 1).unwrap().name, "office");
    }

    #[test]
    fn a_wrong_or_missing_key_is_unauthorized() {
        let c = clients();
        assert!(matches!(
            c.admit(Some("Bearer nope"), 1),
            Err(AuthError::Unauthorized)
        ));
        assert!(matches!(
            c.admit(Some("k-web"), 1),
            Err(AuthError::Unauthorized)
        ));
        assert!(matches!(c.admit(None, 1), Err(AuthError::Unauthorized)));
    }

    #[test]
    fn a_client_over_its_rate_is_refused_until_the_next_second() {
        let c = clients();
        assert!(c.admit(Some("Bearer k-web"), 2).is_ok());
        assert!(matches!(
            c.admit(Some("Bearer k-web"), 1),
            Err(AuthError::RateLimited(_))
        ));
        assert!(c.admit(Some("Bearer k-office"), 50).is_ok());
    }

    #[test]
    fn a_client_with_both_or_neither_key_form_is_a_config_error() {
        let mut s = ApiSettings::default();
        s.clients.insert("x".into(), ApiClientSettings::default());
        let err = Clients::from_settings(&s).err().expect("a config error");
        assert!(err.contains("api.clients.x"), "{err}");
    }
}
