//! TLS to the SMSC: a TLS-terminating proxy with a test certificate stands in
//! front of the node-smpp simulator, as stunnel does in front of many SMSCs.

use dargah::smpp::link::SubmitOutcome;
use dargah::smpp::link::tls::TlsSettings;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use crate::sim::Sim;
use crate::support::{settings, sms, start};

/// A TLS listener on loopback forwarding every connection to `backend`;
/// returns its port and the PEM of its self-signed certificate for `localhost`.
async fn tls_proxy(backend: u16) -> (u16, String) {
    let key = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
        .expect("a test certificate");
    let pem = key.cert.pem();
    let chain = vec![CertificateDer::from(key.cert.der().to_vec())];
    let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.signing_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(client).await else {
                    return;
                };
                let Ok(mut plain) = TcpStream::connect(("127.0.0.1", backend)).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    (port, pem)
}

#[tokio::test]
async fn a_bind_over_tls_submits_like_a_plain_one() {
    let mut sim = Sim::start().await;
    let (port, pem) = tls_proxy(sim.port).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, pem).unwrap();
    let mut s = settings(port);
    s.tls = Some(TlsSettings {
        ca_file: Some(ca),
        server_name: Some("localhost".into()),
    });
    let link = start(s);
    link.wait_bound().await;
    let ticket = link.carrier.submit(sms("over TLS")).await.expect("queued");
    assert!(matches!(ticket.await, SubmitOutcome::Accepted { .. }));
    assert_eq!(sim.submits().await.len(), 1);
    link.shutdown().await;
}

#[tokio::test]
async fn an_smsc_certificate_from_an_unknown_ca_is_refused() {
    let mut sim = Sim::start().await;
    let (port, _pem) = tls_proxy(sim.port).await;
    let mut s = settings(port);
    // The Mozilla roots do not include the proxy's self-signed certificate.
    s.tls = Some(TlsSettings {
        ca_file: None,
        server_name: Some("localhost".into()),
    });
    let link = start(s);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        link.carrier.bound(),
        0,
        "no bind without a trusted certificate"
    );
    assert_eq!(sim.stats().await["stats"]["binds"], serde_json::json!(0));
    link.shutdown().await;
}
