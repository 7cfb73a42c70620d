//! A TCP proxy the test controls, between the gateway and PostgreSQL:
//! `Pass` forwards, `Cut` drops every connection and refuses new ones (the
//! database went away), `Slow(d)` delays every chunk by `d` (an overloaded
//! database or a congested network).

use dargah::config::DatabaseUrl;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Pass,
    Cut,
    Slow(Duration),
}

pub struct Proxy {
    pub port: u16,
    mode: watch::Sender<Mode>,
}

impl Proxy {
    pub async fn start(backend: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (mode, watched) = watch::channel(Mode::Pass);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if *watched.borrow() == Mode::Cut {
                    continue; // accepted and dropped at once: refused
                }
                let (backend, watched) = (backend.clone(), watched.clone());
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(&backend).await {
                        relay(client, server, watched).await;
                    }
                });
            }
        });
        Proxy { port, mode }
    }

    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }
}

async fn relay(client: TcpStream, server: TcpStream, mode: watch::Receiver<Mode>) {
    let (cr, cw) = client.into_split();
    let (sr, sw) = server.into_split();
    tokio::select! {
        () = pump(cr, sw, mode.clone()) => {}
        () = pump(sr, cw, mode) => {}
    }
}

async fn pump<R, W>(mut from: R, mut to: W, mut mode: watch::Receiver<Mode>)
where
    R: AsyncReadExt + Unpin,
    W: AsyncWriteExt + Unpin,
{
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = tokio::select! {
            r = from.read(&mut buf) => match r { Ok(0) | Err(_) => return, Ok(n) => n },
            _ = mode.wait_for(|m| *m == Mode::Cut) => return,
        };
        let current = *mode.borrow();
        match current {
            Mode::Cut => return,
            Mode::Slow(d) => tokio::time::sleep(d).await,
            Mode::Pass => {}
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

/// `host:port` of the server in a PostgreSQL URL: where the proxy forwards.
pub fn backend(url: &DatabaseUrl) -> String {
    let s = url.expose();
    let at = host_start(s);
    s[at..at + s[at..].find('/').unwrap()].to_owned()
}

/// The same URL with the proxy's port on 127.0.0.1 in place of the server.
pub fn through(url: &DatabaseUrl, proxy: u16) -> DatabaseUrl {
    let s = url.expose();
    let at = host_start(s);
    let end = at + s[at..].find('/').unwrap();
    DatabaseUrl::parse(&format!("{}127.0.0.1:{proxy}{}", &s[..at], &s[end..])).unwrap()
}

fn host_start(s: &str) -> usize {
    s.find('@').map_or(s.find("://").unwrap() + 3, |i| i + 1)
}
