//! Graceful shutdown: in-flight requests finish, new ones are refused, the pool closes.

use crate::helpers::spawn_app;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn shutdown_finishes_the_request_in_flight_then_refuses_new_ones() {
    let (app, _db) = spawn_app().await;
    // A request whose headers are half sent when the signal comes.
    let mut conn = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: dargah\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    app.shutdown.trigger();
    tokio::time::sleep(Duration::from_millis(50)).await;
    conn.write_all(b"\r\n").await.unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("ok"), "{response}");

    let stopped = tokio::time::timeout(Duration::from_secs(5), app.server).await;
    assert!(matches!(stopped, Ok(Ok(Ok(())))), "{stopped:?}");
    assert!(tokio::net::TcpStream::connect(app.addr).await.is_err());
    let closed = app.registry.ready().await.unwrap_err();
    assert!(closed.to_string().contains("closed"), "{closed}");
}
