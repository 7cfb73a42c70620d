//! Outbound HTTP: the one client builder for the calls the gateway makes to
//! the web side (SMS status callbacks, MO forwarding).
//!
//! HTTPS trusts the system's root certificates (so an operator adds a
//! government or in-house CA the usual way, or points `SSL_CERT_FILE` at a
//! bundle) plus the PEM file in `[http.outbound] ca_file`, for a web side
//! whose certificate comes from a private CA the host does not trust.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// `[http.outbound]`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboundSettings {
    /// Extra CA certificates (PEM, one or more) trusted for HTTPS calls.
    pub ca_file: Option<PathBuf>,
}

/// Why the outbound client cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    /// The CA file cannot be read.
    #[error("http.outbound.ca_file {path}: {source}")]
    CaFile {
        /// The configured path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The CA file holds no usable certificate.
    #[error("http.outbound.ca_file {path}: no PEM certificate in it ({source})")]
    CaPem {
        /// The configured path.
        path: PathBuf,
        /// What the PEM parser said.
        source: reqwest::Error,
    },
    /// The client itself cannot be built (e.g. no TLS roots at all).
    #[error("the outbound HTTP client: {0}")]
    Build(#[from] reqwest::Error),
}

/// A client whose every request times out after `timeout`.
pub fn client(
    settings: &OutboundSettings,
    timeout: Duration,
) -> Result<reqwest::Client, OutboundError> {
    let mut builder = reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("dargah/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = &settings.ca_file {
        for cert in extra_roots(path)? {
            builder = builder.add_root_certificate(cert);
        }
    }
    Ok(builder.build()?)
}

fn extra_roots(path: &PathBuf) -> Result<Vec<reqwest::Certificate>, OutboundError> {
    let pem = std::fs::read(path).map_err(|source| OutboundError::CaFile {
        path: path.clone(),
        source,
    })?;
    let certs =
        reqwest::Certificate::from_pem_bundle(&pem).map_err(|source| OutboundError::CaPem {
            path: path.clone(),
            source,
        })?;
    if certs.is_empty() {
        // from_pem_bundle accepts a file with no certificate in it.
        return Err(OutboundError::CaFile {
            path: path.clone(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, "no certificate"),
        });
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_ca_file_is_an_error_naming_the_file() {
        let settings = OutboundSettings {
            ca_file: Some("/nonexistent/ca.pem".into()),
        };
        let e = client(&settings, Duration::from_secs(1)).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/ca.pem"), "{e}");
    }

    #[test]
    fn a_file_without_certificates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let settings = OutboundSettings {
            ca_file: Some(path),
        };
        assert!(client(&settings, Duration::from_secs(1)).is_err());
    }

    #[test]
    fn the_default_client_builds_with_the_system_roots() {
        client(&OutboundSettings::default(), Duration::from_secs(1)).unwrap();
    }
}
