//! The machine's ceiling for USSD over HTTP: a server that does nothing but
//! answer every request `CON ok` over keep-alive HTTP/1.1 (hyper, as dargah
//! uses, on a 2-thread runtime). `scripts/bench ussd` drives it with the same
//! load generator and journeys as dargah and ussd-menu-builder, so the table
//! shows how much of the machine the load generator and the HTTP layer alone
//! take, and how close each server comes to that limit.
//!
//! `cargo bench --bench http_null -- 127.0.0.1:18070`

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;

async fn answer(_: Request<hyper::body::Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::new(Full::new(Bytes::from_static(b"CON ok"))))
}

fn main() {
    // `cargo nextest` and `cargo test --benches` list targets with --list: nothing here.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let addr = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map_or("127.0.0.1:18070", String::as_str)
        .to_owned();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
        eprintln!("http_null: answering CON ok on {addr}");
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service_fn(answer))
                    .await;
            });
        }
    });
}
