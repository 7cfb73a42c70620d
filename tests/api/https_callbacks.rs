//! Callbacks over HTTPS: the web side's receiver serves a certificate from a
//! private CA (generated here with rcgen). With the CA in
//! `[http.outbound] ca_file` the call succeeds; without it the TLS failure is
//! recorded as the attempt's error, and nothing is called in clear.

use crate::helpers::{TestDb, spawn_app_with};
use crate::sms_callbacks::{attempts, send_json, settings, stop, until_settled};
use dargah::sim::sink::Sink;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio_rustls::TlsAcceptor;

/// An HTTPS server on port 0 answering 200 to anything, counting requests.
struct TlsReceiver {
    addr: SocketAddr,
    ca_file: PathBuf,
    hits: Arc<AtomicUsize>,
    _dir: tempfile::TempDir,
}

impl TlsReceiver {
    async fn start() -> TlsReceiver {
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, cert.cert.pem()).unwrap();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()));
        let chain = vec![CertificateDer::from(cert.cert.der().to_vec())];
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = hits.clone();
        let router = axum::Router::new().fallback(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            async { "ok" }
        });
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, router) = (acceptor.clone(), router.clone());
                tokio::spawn(async move {
                    // A client that refuses the certificate ends here.
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let service = TowerToHyperService::new(router);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                });
            }
        });
        TlsReceiver {
            addr,
            ca_file,
            hits,
            _dir: dir,
        }
    }

    fn url(&self) -> String {
        format!("https://localhost:{}/sms/status", self.addr.port())
    }
}

async fn a_callback_to_https_trusts_the_configured_ca(db: TestDb) {
    let sink = Sink::start(true).await.unwrap();
    let receiver = TlsReceiver::start().await;
    let mut s = settings(&db, &sink, 3);
    s.http.outbound.ca_file = Some(receiver.ca_file.clone());
    let app = spawn_app_with(s).await;
    app.wait_ready().await;
    send_json(
        &app,
        serde_json::json!({"to": "09121234567", "text": "رمز یکبار مصرف",
            "callback_url": receiver.url()}),
    )
    .await;
    assert_eq!(until_settled(&db, 1).await, [(0, "sent".to_owned(), 1)]);
    assert_eq!(attempts(&db).await, [(1, Some(200), None)]);
    assert_eq!(receiver.hits.load(Ordering::SeqCst), 1);
    stop(app).await;
}

async fn a_callback_to_an_untrusted_certificate_fails_with_the_tls_error(db: TestDb) {
    let sink = Sink::start(true).await.unwrap();
    let receiver = TlsReceiver::start().await;
    let app = spawn_app_with(settings(&db, &sink, 1)).await;
    app.wait_ready().await;
    send_json(
        &app,
        serde_json::json!({"to": "09121234567", "text": "x", "callback_url": receiver.url()}),
    )
    .await;
    assert_eq!(until_settled(&db, 1).await, [(0, "given_up".to_owned(), 1)]);
    let tried = attempts(&db).await;
    assert_eq!(tried.len(), 1);
    assert_eq!(tried[0].1, None, "no HTTP status: the handshake failed");
    let error = tried[0].2.as_deref().unwrap_or_default().to_lowercase();
    assert!(
        error.contains("certificate"),
        "the TLS error is recorded: {tried:?}"
    );
    assert_eq!(receiver.hits.load(Ordering::SeqCst), 0);
    stop(app).await;
}

crate::on_both_backends!(
    a_callback_to_https_trusts_the_configured_ca,
    a_callback_to_an_untrusted_certificate_fails_with_the_tls_error,
);
