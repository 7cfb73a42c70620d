//! Serving the router on the listener the application was given: hyper's
//! HTTP/1.1 with a header read timeout (a slowloris client that never
//! finishes its headers is cut off), optional TLS with a handshake
//! timeout, and graceful shutdown of every connection.
//!
//! The first request's headers must come within `header_read_timeout`;
//! after that, an idle keep-alive connection is kept `keep_alive_timeout`
//! (hyper counts both as "reading headers"). Keeping idle connections
//! longer than clients do (most close theirs after 90 s) means the client,
//! not the server, closes them: a server closing first races the client's
//! next request on that connection, which then fails.
//!
//! Separate from `axum::serve` because that offers neither timeout nor TLS.

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use crate::shutdown::Shutdown;

/// How connections are served.
#[derive(Clone)]
pub struct ServeOptions {
    /// Longest wait for the first request's complete headers (and the TLS handshake).
    pub header_read_timeout: Duration,
    /// How long an idle keep-alive connection is kept.
    pub keep_alive_timeout: Duration,
    /// HTTPS when set.
    pub tls: Option<TlsAcceptor>,
}

/// Accepts until shutdown; every connection is a task the shutdown drains.
pub async fn serve(listener: TcpListener, router: Router, opts: ServeOptions, shutdown: Shutdown) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = shutdown.cancelled() => return,
        };
        let _ = stream.set_nodelay(true);
        let conn = connection(stream, router.clone(), opts.clone(), shutdown.token());
        shutdown.spawn(conn);
    }
}

async fn connection(
    stream: TcpStream,
    router: Router,
    opts: ServeOptions,
    stop: CancellationToken,
) {
    let Some(tls) = opts.tls.clone() else {
        return http1(stream, router, &opts, stop).await;
    };
    match tokio::time::timeout(opts.header_read_timeout, tls.accept(stream)).await {
        Ok(Ok(stream)) => http1(stream, router, &opts, stop).await,
        Ok(Err(e)) => debug!(error = %e, "TLS handshake failed"),
        Err(_) => debug!("TLS handshake timed out"),
    }
}

async fn http1<S>(stream: S, router: Router, opts: &ServeOptions, stop: CancellationToken)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let seen = Arc::new(AtomicBool::new(false));
    let flag = seen.clone();
    let service = hyper::service::service_fn(move |req| {
        flag.store(true, Ordering::Relaxed);
        tower::Service::call(&mut router.clone(), req)
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(opts.keep_alive_timeout.max(opts.header_read_timeout))
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    let mut conn = std::pin::pin!(conn);
    let first = first_request(opts.header_read_timeout, seen);
    let done = tokio::select! {
        done = conn.as_mut() => done,
        () = first => return debug!("no complete request headers in time; closed"),
        () = stop.cancelled() => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = done {
        debug!(error = %e, "HTTP connection ended with an error");
    }
}

/// Resolves when `limit` passed without a first request; never otherwise.
async fn first_request(limit: Duration, seen: Arc<AtomicBool>) {
    tokio::time::sleep(limit).await;
    if seen.load(Ordering::Relaxed) {
        std::future::pending::<()>().await;
    }
}
