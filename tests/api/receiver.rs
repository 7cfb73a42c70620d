//! A real HTTP receiver for the gateway's outbound calls (client callbacks,
//! MO forwards): an axum server on port 0 that answers a script of statuses
//! and records every request.

use axum::http::{HeaderMap, Method, StatusCode, Uri};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Hit {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: String,
    /// The status it was answered with.
    pub answered: u16,
}

/// Answers its `script` of statuses in turn, then `last` for ever, each
/// with `text` as a plain-text body.
#[derive(Clone)]
pub struct Receiver {
    addr: SocketAddr,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Receiver {
    pub async fn start(script: &[u16], last: u16, text: &'static str) -> Receiver {
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let (seen, script) = (hits.clone(), script.to_vec());
        let handler = move |method: Method, uri: Uri, headers: HeaderMap, body: String| {
            let (seen, script) = (seen.clone(), script.clone());
            async move {
                let mut hits = seen.lock().unwrap();
                let answered = script.get(hits.len()).copied().unwrap_or(last);
                hits.push(Hit {
                    method,
                    uri,
                    headers,
                    body,
                    answered,
                });
                (StatusCode::from_u16(answered).unwrap(), text)
            }
        };
        let router = axum::Router::new().fallback(handler);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        Receiver { addr, hits }
    }

    /// `http://127.0.0.1:port` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Every request so far, in arrival order.
    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
}
