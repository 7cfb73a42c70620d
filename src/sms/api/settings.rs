//! `[api]`: the clients allowed to use the HTTP SMS API, with their keys.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// `[api]`
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiSettings {
    /// `[api.clients.NAME]`: one table per client (the web portal, the back office…).
    pub clients: BTreeMap<String, ApiClientSettings>,
}

/// `[api.clients.NAME]`: give `key` (kept in memory only as its hash) or `key_sha256`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiClientSettings {
    /// The API key in clear (`DARGAH__API__CLIENTS__WEB__KEY`); never printed.
    #[serde(skip_serializing)]
    pub key: Option<SecretString>,
    /// The SHA-256 of the key in hex, so that the config file holds no secret.
    pub key_sha256: Option<String>,
    /// Messages per second this client may enqueue; unlimited when absent.
    pub max_tps: Option<u32>,
}

impl ApiClientSettings {
    /// The key's SHA-256, from whichever form was configured.
    pub fn key_hash(&self, name: &str) -> Result<[u8; 32], String> {
        match (&self.key, &self.key_sha256) {
            (Some(key), None) => Ok(sha256(key.expose_secret())),
            (None, Some(hex_hash)) => {
                let bytes = hex::decode(hex_hash)
                    .map_err(|_| format!("api.clients.{name}.key_sha256 is not hex"))?;
                bytes
                    .try_into()
                    .map_err(|_| format!("api.clients.{name}.key_sha256 must be 64 hex digits"))
            }
            _ => Err(format!(
                "api.clients.{name} needs exactly one of key or key_sha256"
            )),
        }
    }
}

/// SHA-256 of a key as presented by a client.
pub fn sha256(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}
