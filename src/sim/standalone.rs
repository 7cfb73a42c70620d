//! `dargah sim sink`: the fast SMSC sink as its own process, for benchmarks
//! that drive it from another gateway (dargah's release binary, Kannel).
//!
//! With `--expect N` it times a drain: from the first bind request until it
//! has received N submit_sm, until the ESME has acknowledged N receipts,
//! and (with `--dlr-listen`) until N delivery-report callbacks reached its
//! HTTP counter (Kannel's `dlr-url`). It then prints one JSON line and
//! exits (with `--stay`, keeps serving until SIGINT/SIGTERM, for an ESME
//! that still has work to do after the last receipt was acknowledged).
//! Without `--expect` it runs until a signal, printing counts every second.

use super::sink::Sink;
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// What `dargah sim sink` was asked.
#[derive(Debug, Clone)]
pub struct SinkRun {
    /// The SMPP address to listen on.
    pub listen: SocketAddr,
    /// Report every accepted message `DELIVRD`.
    pub receipts: bool,
    /// Stop once this many submits (and receipts, callbacks) were seen.
    pub expect: Option<u64>,
    /// An HTTP address counting delivery-report callbacks (any request).
    pub dlr_listen: Option<SocketAddr>,
    /// Give up after this long.
    pub timeout: Duration,
    /// After printing the outcome, keep serving until a signal.
    pub stay: bool,
    /// deliver_sm unanswered per connection at most.
    pub deliver_window: usize,
}

/// The drain's figures; times are seconds since the first bind.
#[derive(Debug, Serialize)]
struct Outcome {
    expect: u64,
    submits: u64,
    receipts_acked: u64,
    dlr_hits: u64,
    /// Unix time of the first bind request, in seconds.
    first_bind_unix: Option<f64>,
    all_submitted_s: Option<f64>,
    all_receipts_acked_s: Option<f64>,
    all_dlr_s: Option<f64>,
    timed_out: bool,
}

/// Runs the sink until the drain completes (or the timeout, or a signal).
pub async fn run(args: SinkRun) -> anyhow::Result<()> {
    let sink = Sink::start_on(args.listen, args.receipts, args.deliver_window).await?;
    let hits = Arc::new(AtomicU64::new(0));
    if let Some(addr) = args.dlr_listen {
        spawn_dlr_counter(addr, hits.clone()).await?;
    }
    eprintln!("sink listening on {}", args.listen);
    let started = Instant::now();
    let mut signal = std::pin::pin!(crate::shutdown::os_signal());
    let mut out = Outcome::new(args.expect.unwrap_or(0));
    let mut last_print = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(5));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = &mut signal => break,
        }
        out.observe(&sink, hits.load(Ordering::Relaxed), &args);
        if args.expect.is_some() && out.done(&args) {
            break;
        }
        if started.elapsed() > args.timeout {
            out.timed_out = true;
            break;
        }
        if args.expect.is_none() && last_print.elapsed() >= Duration::from_secs(1) {
            last_print = Instant::now();
            eprintln!(
                "submits {} receipts acked {} dlr {}",
                out.submits, out.receipts_acked, out.dlr_hits
            );
        }
    }
    println!("{}", serde_json::to_string(&out)?);
    anyhow::ensure!(!out.timed_out, "timed out before the drain completed");
    if args.stay && args.expect.is_some() {
        signal.await;
    }
    Ok(())
}

impl Outcome {
    fn new(expect: u64) -> Outcome {
        Outcome {
            expect,
            submits: 0,
            receipts_acked: 0,
            dlr_hits: 0,
            first_bind_unix: None,
            all_submitted_s: None,
            all_receipts_acked_s: None,
            all_dlr_s: None,
            timed_out: false,
        }
    }

    /// Takes the sink's counts and stamps each milestone the first time it is reached.
    fn observe(&mut self, sink: &Sink, dlr_hits: u64, args: &SinkRun) {
        self.submits = sink.count() as u64;
        self.receipts_acked = sink.receipts_acked();
        self.dlr_hits = dlr_hits;
        let Some(bound) = sink.first_bind() else {
            return;
        };
        if self.first_bind_unix.is_none() {
            let ago = bound.elapsed();
            let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH);
            self.first_bind_unix = now.ok().map(|n| (n - ago).as_secs_f64());
        }
        let Some(n) = args.expect else { return };
        let since = bound.elapsed().as_secs_f64();
        let stamp = |slot: &mut Option<f64>, count: u64| {
            if slot.is_none() && count >= n {
                *slot = Some(since);
            }
        };
        stamp(&mut self.all_submitted_s, self.submits);
        stamp(&mut self.all_receipts_acked_s, self.receipts_acked);
        stamp(&mut self.all_dlr_s, self.dlr_hits);
    }

    fn done(&self, args: &SinkRun) -> bool {
        self.all_submitted_s.is_some()
            && (!args.receipts || self.all_receipts_acked_s.is_some())
            && (args.dlr_listen.is_none() || self.all_dlr_s.is_some())
    }
}

/// An HTTP server that answers 200 to anything and counts the requests.
async fn spawn_dlr_counter(addr: SocketAddr, hits: Arc<AtomicU64>) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let app = axum::Router::new().fallback(move || {
        let hits = hits.clone();
        async move {
            hits.fetch_add(1, Ordering::Relaxed);
            "ok"
        }
    });
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("dlr counter stopped: {e}");
        }
    });
    Ok(())
}
