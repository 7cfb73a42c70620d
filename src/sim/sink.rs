//! A fast SMSC sink: accepts any bind, answers every submit_sm with a fresh
//! message id, records what it received, and (optionally) reports each one
//! delivered with a deliver_sm receipt right after the response — the
//! order a real SMSC may use, which makes receipts race their submission's
//! record. At most [`DELIVER_WINDOW`] deliver_sm are unanswered per
//! connection, as an SMSC windows them; one the ESME refuses is offered
//! again 20 ms later, as a real SMSC retries. Tests may also make it send MO
//! deliver_sm ([`Sink::send_mo`]). Tests count losses and duplicates on it;
//! benchmarks drive it at full speed (no throttling, no submit window of
//! its own). Fault tests can
//! make it misbehave ([`Faults`]: hang-ups mid-window, throttling storms)
//! and count what the ESME did about it (every submit seen, unbinds).

mod deliveries;
mod faults;

pub use deliveries::DELIVER_WINDOW;
pub use faults::{Faults, Storm};

use crate::smpp::codec::SmppCodec;
use crate::smpp::encode;
use crate::smpp::pdu::{BindResp, Body, MessageIdResp, Pdu, ShortMessage};
use crate::smpp::text::Encoding;
use bytes::Bytes;
use deliveries::{Answered, Deliveries};
use faults::{DropState, Verdict};
use futures_util::StreamExt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncWriteExt, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::FramedRead;

/// One submit_sm as the sink saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The id the sink answered with.
    pub message_id: String,
    /// `destination_addr`.
    pub destination: String,
    /// `short_message` decoded by its `data_coding` (UDH included, if any).
    pub text: String,
}

struct Shared {
    started: Instant,
    faults: Faults,
    /// deliver_sm unanswered per connection at most.
    deliver_window: usize,
    next_id: AtomicU64,
    receipts_acked: AtomicU64,
    mo_acked: AtomicU64,
    received: Mutex<Vec<Received>>,
    mo: Mutex<Vec<ShortMessage>>,
    /// Every submit_sm, answered or not: when (since the start) and its text.
    submits: Mutex<Vec<(Duration, String)>>,
    /// Texts of the submit_sm left unanswered by a hang-up.
    held: Mutex<Vec<String>>,
    throttled: AtomicU64,
    unbinds: AtomicU64,
    drops: AtomicUsize,
    /// When the first bind request arrived (the start of a drain).
    first_bind: std::sync::OnceLock<Instant>,
}

/// A running sink; it stops when dropped.
pub struct Sink {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Sink {
    /// Listens on a free local port; with `receipts` every accepted message
    /// is reported `DELIVRD`.
    pub async fn start(receipts: bool) -> std::io::Result<Sink> {
        Self::start_with(receipts, Faults::default()).await
    }

    /// Like [`Sink::start`], misbehaving as `faults` say.
    pub async fn start_with(receipts: bool, faults: Faults) -> std::io::Result<Sink> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        Self::serve_on(listener, receipts, faults, DELIVER_WINDOW)
    }

    /// Listens on `addr` (e.g. a fixed port a gateway is configured for),
    /// keeping at most `deliver_window` deliver_sm unanswered per connection.
    pub async fn start_on(
        addr: SocketAddr,
        receipts: bool,
        deliver_window: usize,
    ) -> std::io::Result<Sink> {
        let listener = TcpListener::bind(addr).await?;
        Self::serve_on(listener, receipts, Faults::default(), deliver_window)
    }

    fn serve_on(
        listener: TcpListener,
        receipts: bool,
        faults: Faults,
        deliver_window: usize,
    ) -> std::io::Result<Sink> {
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            started: Instant::now(),
            faults,
            deliver_window,
            next_id: AtomicU64::new(0),
            receipts_acked: AtomicU64::new(0),
            mo_acked: AtomicU64::new(0),
            mo: Mutex::default(),
            received: Mutex::default(),
            submits: Mutex::default(),
            held: Mutex::default(),
            throttled: AtomicU64::new(0),
            unbinds: AtomicU64::new(0),
            drops: AtomicUsize::new(0),
            first_bind: std::sync::OnceLock::new(),
        });
        let s = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve(stream, s.clone(), receipts));
            }
        });
        Ok(Sink { addr, shared, task })
    }

    /// When the first bind request arrived, if one has.
    pub fn first_bind(&self) -> Option<Instant> {
        self.shared.first_bind.get().copied()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every submit_sm received so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared
            .received
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }

    /// How many submit_sm were received.
    pub fn count(&self) -> usize {
        self.shared
            .received
            .lock()
            .map(|r| r.len())
            .unwrap_or_default()
    }

    /// Receipts the ESME answered with ESME_ROK.
    pub fn receipts_acked(&self) -> u64 {
        self.shared.receipts_acked.load(Ordering::Relaxed)
    }

    /// Sends `sm` to the bound ESME as a mobile-originated deliver_sm (on
    /// the next tick); refused ones are offered again, as receipts are.
    pub fn send_mo(&self, sm: ShortMessage) {
        if let Ok(mut q) = self.shared.mo.lock() {
            q.push(sm);
        }
    }

    /// MO deliver_sm the ESME answered with ESME_ROK.
    pub fn mo_acked(&self) -> u64 {
        self.shared.mo_acked.load(Ordering::Relaxed)
    }

    /// Every submit_sm seen, answered or not: (time since the start, text).
    pub fn submits(&self) -> Vec<(Duration, String)> {
        self.shared
            .submits
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }

    /// Texts of the submit_sm left unanswered when the sink hung up.
    pub fn held(&self) -> Vec<String> {
        self.shared
            .held
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }

    /// submit_sm answered ESME_RTHROTTLED or ESME_RMSGQFUL by a storm.
    pub fn throttled(&self) -> u64 {
        self.shared.throttled.load(Ordering::Relaxed)
    }

    /// unbind requests received.
    pub fn unbinds(&self) -> u64 {
        self.shared.unbinds.load(Ordering::Relaxed)
    }

    /// Connections dropped on purpose so far.
    pub fn drops(&self) -> usize {
        self.shared.drops.load(Ordering::Relaxed)
    }
}

/// One ESME connection's state: whether it is bound, its deliver_sm flow,
/// and the fault plan's progress.
struct Conn {
    bound: bool,
    deliveries: Deliveries,
    drop: DropState,
    hang_up: bool,
}

/// How often refused deliver_sm are offered again, as a real SMSC retries a
/// delivery instead of dropping it.
const REDELIVERY: Duration = Duration::from_millis(20);

/// One ESME connection: answer until it closes or unbinds.
async fn serve(stream: TcpStream, shared: Arc<Shared>, receipts: bool) {
    let (read, write) = stream.into_split();
    let mut reader = FramedRead::new(read, SmppCodec::new());
    let mut out = BufWriter::with_capacity(64 * 1024, write);
    let mut conn = Conn {
        bound: false,
        deliveries: Deliveries::new(shared.deliver_window),
        drop: DropState::default(),
        hang_up: false,
    };
    let mut redeliver = tokio::time::interval(REDELIVERY);
    serve_conn(
        &mut reader,
        &mut out,
        &shared,
        receipts,
        &mut conn,
        &mut redeliver,
    )
    .await;
    // MO the ESME never answered stay queued for its next connection.
    let lost = conn.deliveries.into_untaken();
    let mo: Vec<ShortMessage> = lost.filter(|sm| sm.esm_class & 0x04 == 0).collect();
    if let Ok(mut q) = shared.mo.lock() {
        q.extend(mo);
    }
}

type Reader = FramedRead<tokio::net::tcp::OwnedReadHalf, SmppCodec>;
type Writer = BufWriter<tokio::net::tcp::OwnedWriteHalf>;

async fn serve_conn(
    reader: &mut Reader,
    out: &mut Writer,
    shared: &Shared,
    receipts: bool,
    conn: &mut Conn,
    redeliver: &mut tokio::time::Interval,
) {
    loop {
        let mut replies = Vec::with_capacity(2);
        let mut unbind = false;
        tokio::select! {
            item = reader.next() => {
                let Some(Ok(item)) = item else { return };
                // A PDU the codec could not read is skipped: the sink is not under test.
                let Ok(pdu) = item else { continue };
                unbind = matches!(pdu.body, Body::Unbind);
                answer(pdu, shared, receipts, conn, &mut replies);
            }
            _ = redeliver.tick() => {
                // MO only once bound, as an SMSC does.
                let mo = match conn.bound {
                    true => shared.mo.lock().map(|mut q| std::mem::take(&mut *q)).unwrap_or_default(),
                    false => Vec::new(),
                };
                conn.deliveries.redeliver(&mut replies);
                for sm in mo {
                    conn.deliveries.offer(sm, &mut replies);
                }
            }
        }
        for r in &replies {
            let Ok(bytes) = encode::to_bytes(r) else {
                continue;
            };
            if out.write_all(&bytes).await.is_err() {
                return;
            }
        }
        // Flush once nothing more is waiting to be read: batches of answers.
        let last = unbind || conn.hang_up;
        if (reader.read_buffer().len() < 16 || last) && out.flush().await.is_err() {
            return;
        }
        if last {
            return;
        }
    }
}

fn answer(pdu: Pdu, shared: &Shared, receipts: bool, conn: &mut Conn, replies: &mut Vec<Pdu>) {
    let s = pdu.sequence_number;
    let bind_resp = || BindResp {
        system_id: Bytes::from_static(b"sink"),
        ..BindResp::default()
    };
    conn.bound |= matches!(pdu.body, Body::BindTransceiver(_) | Body::BindReceiver(_));
    if matches!(
        pdu.body,
        Body::BindTransceiver(_) | Body::BindReceiver(_) | Body::BindTransmitter(_)
    ) {
        let _ = shared.first_bind.set(Instant::now());
    }
    match pdu.body {
        Body::BindTransceiver(_) => {
            replies.push(Pdu::new(s, Body::BindTransceiverResp(bind_resp())))
        }
        Body::BindTransmitter(_) => {
            replies.push(Pdu::new(s, Body::BindTransmitterResp(bind_resp())))
        }
        Body::BindReceiver(_) => replies.push(Pdu::new(s, Body::BindReceiverResp(bind_resp()))),
        Body::EnquireLink => replies.push(Pdu::new(s, Body::EnquireLinkResp)),
        Body::Unbind => {
            shared.unbinds.fetch_add(1, Ordering::Relaxed);
            replies.push(Pdu::new(s, Body::UnbindResp))
        }
        Body::SubmitSm(sm) => submit(s, &sm, shared, receipts, conn, replies),
        Body::DeliverSmResp(_) => {
            let ok = pdu.command_status.0 == 0;
            if let Answered::Taken { esm_class } = conn.deliveries.answered(s, ok, replies) {
                let acked = match esm_class & 0x04 {
                    0 => &shared.mo_acked,
                    _ => &shared.receipts_acked,
                };
                acked.fetch_add(1, Ordering::Relaxed);
            }
        }
        _ => {}
    }
}

/// Answers a submit_sm (or throttles it, or holds it for a hang-up).
fn submit(
    s: u32,
    sm: &ShortMessage,
    shared: &Shared,
    receipts: bool,
    conn: &mut Conn,
    replies: &mut Vec<Pdu>,
) {
    let text = decode(sm);
    let elapsed = shared.started.elapsed();
    if let Ok(mut all) = shared.submits.lock() {
        all.push((elapsed, text.clone()));
    }
    if let Some(status) = shared.faults.storm.and_then(|st| st.status(elapsed)) {
        shared.throttled.fetch_add(1, Ordering::Relaxed);
        let mut resp = Pdu::new(s, Body::SubmitSmResp(MessageIdResp::default()));
        resp.command_status = status;
        replies.push(resp);
        return;
    }
    match conn.drop.next(&shared.faults, &shared.drops) {
        Verdict::Answer => {}
        v => {
            conn.hang_up = v == Verdict::HoldAndHangUp;
            if let Ok(mut held) = shared.held.lock() {
                held.push(text);
            }
            return;
        }
    }
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed) + 1;
    let message_id = format!("{id:x}");
    let resp = MessageIdResp {
        message_id: Bytes::from(message_id.clone()),
        ..Default::default()
    };
    replies.push(Pdu::new(s, Body::SubmitSmResp(resp)));
    if receipts {
        conn.deliveries.offer(receipt(sm, &message_id), replies);
    }
    record(shared, sm, message_id, text);
}

fn decode(sm: &ShortMessage) -> String {
    Encoding::from_data_coding(sm.data_coding)
        .map(|e| e.decode(&sm.short_message))
        .unwrap_or_default()
}

fn record(shared: &Shared, sm: &ShortMessage, message_id: String, text: String) {
    let r = Received {
        message_id,
        destination: String::from_utf8_lossy(&sm.destination.addr).into_owned(),
        text,
    };
    if let Ok(mut all) = shared.received.lock() {
        all.push(r);
    }
}

/// A `DELIVRD` receipt for `message_id` (Appendix B text, esm_class 0x04).
fn receipt(sm: &ShortMessage, message_id: &str) -> ShortMessage {
    let text = format!(
        "id:{message_id} sub:001 dlvrd:001 submit date:2611211200 done date:2611211200 stat:DELIVRD err:000 text:"
    );
    ShortMessage {
        source: sm.destination.clone(),
        destination: sm.source.clone(),
        esm_class: 0x04,
        short_message: Bytes::from(text),
        ..ShortMessage::default()
    }
}
