//! A simulated USSD centre: the carrier's side of USSD over SMPP (the
//! "standard" profile of `docs/carriers.md`), for load tests and benchmarks.
//!
//! The gateway binds to it as an ESME, as it binds to a real USSD gateway of
//! a carrier. The centre then plays many subscribers at once: each journey
//! opens with a PSSR indication (`ussd_service_op` 1, the dialled code),
//! waits for the gateway's reply (a submit_sm: USSR request 2 continues,
//! PSSR response 17 with the end bit ends), answers it, and sends the
//! subscriber's next input as a USSR confirm (18) until the journey has no
//! more input or the gateway ends it. A hop is one deliver_sm → submit_sm
//! round trip; its latency is measured from the write of the deliver_sm.

mod dialogue;

pub use dialogue::{Journey, Report};

use crate::smpp::codec::SmppCodec;
use crate::smpp::encode;
use crate::smpp::pdu::{BindResp, Body, MessageIdResp, Pdu};
use bytes::Bytes;
use dialogue::Dialogues;
use futures_util::StreamExt;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncWriteExt, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::FramedRead;

/// A listening USSD centre, waiting for the gateway to bind.
pub struct UssdCentre {
    listener: TcpListener,
}

impl UssdCentre {
    /// Listens on `addr` (port 0 for a free one).
    pub async fn bind(addr: SocketAddr) -> std::io::Result<UssdCentre> {
        Ok(UssdCentre {
            listener: TcpListener::bind(addr).await?,
        })
    }

    /// Where it listens.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Waits for one ESME to connect and bind, then plays `journeys`,
    /// `concurrency` at a time, on that connection; gives up on journeys
    /// still open after `deadline`. The clock of the report starts at the bind.
    pub async fn run(
        self,
        journeys: Vec<Journey>,
        concurrency: usize,
        deadline: Duration,
    ) -> std::io::Result<Report> {
        let (stream, _) = self.listener.accept().await?;
        stream.set_nodelay(true)?;
        let dialogues = Dialogues::new(journeys, concurrency.max(1));
        let run = serve(stream, dialogues);
        match tokio::time::timeout(deadline, run).await {
            Ok(report) => report,
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "journeys still open at the deadline",
            )),
        }
    }
}

type Writer = BufWriter<tokio::net::tcp::OwnedWriteHalf>;

/// Answers the ESME and drives the dialogues until every journey is done.
async fn serve(stream: TcpStream, mut d: Dialogues) -> std::io::Result<Report> {
    let (read, write) = stream.into_split();
    let mut reader = FramedRead::new(read, SmppCodec::new());
    let mut out = BufWriter::with_capacity(64 * 1024, write);
    let mut started = None;
    while !d.finished() {
        let Some(item) = reader.next().await else {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        };
        // A PDU the codec could not read counts against the gateway.
        let Ok(pdu) = item.map_err(std::io::Error::other)? else {
            d.errors += 1;
            continue;
        };
        let mut replies = Vec::with_capacity(2);
        answer(pdu, &mut d, &mut started, &mut replies);
        write_all(&mut out, &replies).await?;
        if reader.read_buffer().len() < 16 {
            out.flush().await?;
        }
    }
    out.flush().await?;
    let elapsed = started.map_or(Duration::ZERO, |s: Instant| s.elapsed());
    Ok(d.report(elapsed))
}

async fn write_all(out: &mut Writer, pdus: &[Pdu]) -> std::io::Result<()> {
    for p in pdus {
        let bytes = encode::to_bytes(p).map_err(std::io::Error::other)?;
        out.write_all(&bytes).await?;
    }
    Ok(())
}

fn answer(pdu: Pdu, d: &mut Dialogues, started: &mut Option<Instant>, out: &mut Vec<Pdu>) {
    let s = pdu.sequence_number;
    let bind_resp = BindResp {
        system_id: Bytes::from_static(b"ussdc"),
        ..BindResp::default()
    };
    match pdu.body {
        Body::BindTransceiver(_) => {
            out.push(Pdu::new(s, Body::BindTransceiverResp(bind_resp)));
            started.get_or_insert_with(Instant::now);
            d.open_all(out);
        }
        Body::EnquireLink => out.push(Pdu::new(s, Body::EnquireLinkResp)),
        Body::SubmitSm(sm) => {
            let resp = MessageIdResp {
                message_id: Bytes::from(format!("u{s:x}")),
                ..MessageIdResp::default()
            };
            out.push(Pdu::new(s, Body::SubmitSmResp(resp)));
            d.reply(&sm, out);
        }
        Body::DeliverSmResp(_) if pdu.command_status.0 != 0 => d.errors += 1,
        Body::Unbind => out.push(Pdu::new(s, Body::UnbindResp)),
        _ => {}
    }
}
