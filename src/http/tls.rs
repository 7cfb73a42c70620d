//! `[http.tls]`: HTTPS on the given listener with rustls (ring provider),
//! the certificate chain and key read from PEM files at start.

use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

/// `[http.tls]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpTlsSettings {
    /// PEM file: the server certificate, then its intermediates.
    pub cert_file: PathBuf,
    /// PEM file: the private key (PKCS#8, PKCS#1 or SEC1).
    pub key_file: PathBuf,
}

/// Why HTTPS could not be set up; names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A PEM file could not be read or holds nothing usable.
    #[error("{path}: {reason}")]
    Pem {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// rustls refused the pair (e.g. the key does not match the certificate).
    #[error("certificate and key refused: {0}")]
    Rustls(#[from] rustls::Error),
}

fn pem_error(path: &std::path::Path, reason: impl std::fmt::Display) -> TlsError {
    TlsError::Pem {
        path: path.to_owned(),
        reason: reason.to_string(),
    }
}

/// The acceptor for `settings`: HTTP/1.1 over TLS 1.2 or 1.3.
pub fn acceptor(settings: &HttpTlsSettings) -> Result<TlsAcceptor, TlsError> {
    let certs = CertificateDer::pem_file_iter(&settings.cert_file)
        .map_err(|e| pem_error(&settings.cert_file, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| pem_error(&settings.cert_file, e))?;
    if certs.is_empty() {
        return Err(pem_error(&settings.cert_file, "no certificate in the file"));
    }
    let key = PrivateKeyDer::from_pem_file(&settings.key_file)
        .map_err(|e| pem_error(&settings.key_file, e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
