//! HTTPS with `[http.tls]`: a certificate generated at test time (rcgen),
//! a rustls client that trusts only it, and a plain-HTTP client refused.

use crate::helpers::{TestDb, spawn_app_with};
use dargah::http::tls::HttpTlsSettings;
use rustls::pki_types::{CertificateDer, ServerName};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

fn connector(ca: CertificateDer<'static>) -> TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

#[tokio::test]
async fn the_api_answers_over_tls_with_the_configured_certificate_and_refuses_plain_http() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert_file, key_file) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_file, cert.cert.pem()).unwrap();
    std::fs::write(&key_file, cert.signing_key.serialize_pem()).unwrap();
    let db = TestDb::sqlite().await;
    let mut s = db.settings();
    s.http.tls = Some(HttpTlsSettings {
        cert_file,
        key_file,
    });
    let app = spawn_app_with(s).await;

    let tcp = TcpStream::connect(app.addr).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let ca = CertificateDer::from(cert.cert.der().to_vec());
    let mut tls = connector(ca)
        .connect(name, tcp)
        .await
        .expect("TLS handshake");
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    tls.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let plain = app.client.get(app.url("/healthz")).send().await;
    assert!(
        plain.is_err(),
        "plain HTTP on the TLS port is refused: {plain:?}"
    );

    let stranger = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let tcp = TcpStream::connect(app.addr).await.unwrap();
    let other = CertificateDer::from(stranger.cert.der().to_vec());
    let name = ServerName::try_from("localhost").unwrap();
    let refused =
        tokio::time::timeout(Duration::from_secs(5), connector(other).connect(name, tcp)).await;
    assert!(
        matches!(refused, Ok(Err(_))),
        "a client not trusting the certificate fails"
    );
}

#[tokio::test]
async fn a_missing_certificate_file_stops_the_start_naming_the_file() {
    let db = TestDb::sqlite().await;
    let mut s = db.settings();
    s.http.tls = Some(HttpTlsSettings {
        cert_file: "/nonexistent/cert.pem".into(),
        key_file: "/nonexistent/key.pem".into(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let Err(e) = dargah::startup::Application::build(s, listener).await else {
        panic!("built without a certificate")
    };
    assert!(e.to_string().contains("/nonexistent/cert.pem"), "{e}");
}
