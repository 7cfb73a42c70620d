//! SMPP link throughput: pre-built submit_sm through one transceiver bind
//! (window 100) to a minimal sink SMSC on loopback, in this file, that
//! reads headers only and answers every request at once.
//!
//! Run: `cargo bench --bench smpp_link`. Besides criterion's figures, it
//! prints the response latency (submit to ticket) at p50/p99.

use std::time::{Duration, Instant};

use bytes::{Buf, BufMut, Bytes, BytesMut};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dargah::smpp::link::{Carrier, CarrierSettings, Delivery, SubmitOutcome, start_carrier};
use dargah::smpp::pdu::{Address, ShortMessage};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const BATCH: usize = 50_000;

/// Answers each request PDU from its header: bind, submit_sm, enquire_link, unbind.
async fn sink(mut sock: TcpStream) {
    let mut inb = BytesMut::with_capacity(256 * 1024);
    let mut out = BytesMut::with_capacity(64 * 1024);
    let mut ids = 0u32;
    while sock.read_buf(&mut inb).await.is_ok_and(|n| n > 0) {
        while inb.len() >= 16 {
            let len = u32::from_be_bytes([inb[0], inb[1], inb[2], inb[3]]) as usize;
            if inb.len() < len {
                break;
            }
            let id = u32::from_be_bytes([inb[4], inb[5], inb[6], inb[7]]);
            let seq = u32::from_be_bytes([inb[12], inb[13], inb[14], inb[15]]);
            inb.advance(len);
            let body: &[u8] = match id {
                0x0000_0004 => {
                    ids = ids.wrapping_add(1);
                    b"1\0"
                }
                0x0000_0009 | 0x0000_0002 => b"sink\0",
                _ => b"",
            };
            out.put_u32(16 + body.len() as u32);
            out.put_u32(id | 0x8000_0000);
            out.put_u32(0);
            out.put_u32(seq);
            out.put_slice(body);
        }
        if sock.write_all(&out).await.is_err() {
            return;
        }
        out.clear();
    }
}

fn message() -> ShortMessage {
    ShortMessage {
        source: Address {
            ton: 5,
            npi: 0,
            addr: Bytes::from_static(b"dargah"),
        },
        destination: Address {
            ton: 1,
            npi: 1,
            addr: Bytes::from_static(b"989121234567"),
        },
        registered_delivery: 1,
        short_message: Bytes::from_static(b"Your national ID card is ready for pickup."),
        ..ShortMessage::default()
    }
}

async fn link() -> (Carrier, mpsc::Receiver<Delivery>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            sock.set_nodelay(true).expect("nodelay");
            tokio::spawn(sink(sock));
        }
    });
    let mut s = CarrierSettings::new("127.0.0.1", port, "bench", "bench");
    s.window = 100;
    // The sink sends no deliver_sm; the receiver only has to stay alive.
    let (tx, rx) = mpsc::channel(1);
    let (carrier, _task) = start_carrier("bench", &s, tx, CancellationToken::new());
    while carrier.bound() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    (carrier, rx)
}

/// Submits `n` messages, all pipelined, and waits for every answer.
async fn run(carrier: &Carrier, n: usize, sm: &ShortMessage) -> Vec<Duration> {
    let mut tickets = Vec::with_capacity(n);
    for _ in 0..n {
        let t0 = Instant::now();
        tickets.push((t0, carrier.submit(sm.clone()).await.expect("queued")));
    }
    let mut latencies = Vec::with_capacity(n);
    for (t0, t) in tickets {
        let outcome = t.await;
        latencies.push(t0.elapsed());
        assert!(matches!(outcome, SubmitOutcome::Accepted { .. }));
    }
    latencies
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (carrier, _inbound) = rt.block_on(link());
    let sm = message();
    let mut g = c.benchmark_group("smpp_link");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.sample_size(10);
    g.bench_function("submit_sm_window_100", |b| {
        b.iter_custom(|iters| {
            let (carrier, sm) = (carrier.clone(), sm.clone());
            let task = rt.spawn(async move {
                let start = Instant::now();
                for _ in 0..iters {
                    run(&carrier, BATCH, &sm).await;
                }
                start.elapsed()
            });
            rt.block_on(task).expect("bench task")
        })
    });
    g.finish();
    report_latency(&rt, &carrier, &sm);
}

/// Latency under full pipelining: 20,000 submitted as fast as the queue takes them.
fn report_latency(rt: &Runtime, carrier: &Carrier, sm: &ShortMessage) {
    let (c, m) = (carrier.clone(), sm.clone());
    let pipelined = rt.spawn(async move { run(&c, 20_000, &m).await });
    print_percentiles(
        "20000 pipelined",
        rt.block_on(pipelined).expect("latency task"),
    );
    let (c, m) = (carrier.clone(), sm.clone());
    let one_by_one = rt.spawn(async move {
        let mut lat = Vec::with_capacity(5_000);
        for _ in 0..5_000 {
            lat.extend(run(&c, 1, &m).await);
        }
        lat
    });
    print_percentiles(
        "5000 one at a time",
        rt.block_on(one_by_one).expect("latency task"),
    );
}

fn print_percentiles(what: &str, mut lat: Vec<Duration>) {
    lat.sort();
    let p = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)];
    println!(
        "smpp_link latency submit->ticket, {what}: p50 {:?} p99 {:?}",
        p(0.5),
        p(0.99)
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
