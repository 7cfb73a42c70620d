//! A hostile SMSC written in the test: raw TCP, so it can send what no real
//! SMSC library would (broken lengths, cut TLVs, endless bytes) and misbehave
//! in time (never answer a bind, stop reading, throttle for seconds, drop
//! the connection mid-window). PDUs it does understand go through dargah's
//! own codec; the broken ones are written byte by byte.

use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use dargah::smpp::codec::SmppCodec;
use dargah::smpp::pdu::{BindResp, Body, CommandStatus, MessageIdResp, Pdu};
use futures_util::{SinkExt, StreamExt};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::Framed;

/// A listening hostile SMSC.
pub struct Smsc {
    listener: TcpListener,
    pub port: u16,
}

impl Smsc {
    pub async fn start() -> Smsc {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        Smsc { listener, port }
    }

    /// The next TCP connection from the gateway, within `patience`.
    pub async fn accept_within(&self, patience: Duration) -> Option<TcpStream> {
        let accepted = tokio::time::timeout(patience, self.listener.accept()).await;
        accepted.ok().map(|r| r.expect("accept").0)
    }

    /// The next connection, bound (its bind answered ESME_ROK).
    pub async fn bound(&self) -> Peer {
        let stream = self
            .accept_within(Duration::from_secs(10))
            .await
            .expect("the gateway connects within 10 s");
        Peer::answer_bind(stream).await
    }
}

/// One connection from the gateway, seen from the SMSC's side.
pub struct Peer {
    pub framed: Framed<TcpStream, SmppCodec>,
}

impl Peer {
    pub async fn answer_bind(stream: TcpStream) -> Peer {
        let mut framed = Framed::new(stream, SmppCodec::new());
        let bind = framed.next().await.expect("a bind").expect("framing");
        let bind = bind.expect("a well-formed bind");
        let Body::BindTransceiver(_) = bind.body else {
            panic!("not a transceiver bind: {bind:?}")
        };
        let resp = Body::BindTransceiverResp(BindResp {
            system_id: Bytes::from_static(b"hostile"),
            ..BindResp::default()
        });
        framed
            .send(Pdu::new(bind.sequence_number, resp))
            .await
            .expect("send");
        Peer { framed }
    }

    /// Writes octets as they are, bypassing the codec.
    pub async fn raw(&mut self, octets: &[u8]) {
        self.framed
            .get_mut()
            .write_all(octets)
            .await
            .expect("write");
    }

    pub async fn send(&mut self, pdu: Pdu) {
        self.framed.send(pdu).await.expect("send");
    }

    /// The next PDU from the gateway other than enquire_link (answered here).
    pub async fn next(&mut self) -> Pdu {
        loop {
            let item = tokio::time::timeout(Duration::from_secs(10), self.framed.next())
                .await
                .expect("the gateway sends something within 10 s")
                .expect("connection open")
                .expect("framing");
            let pdu = item.expect("the gateway sends well-formed PDUs");
            if pdu.body == Body::EnquireLink {
                self.send(Pdu::new(pdu.sequence_number, Body::EnquireLinkResp))
                    .await;
                continue;
            }
            return pdu;
        }
    }

    /// Answers `pdu` (a submit_sm) with `status`.
    pub async fn answer(&mut self, pdu: &Pdu, status: CommandStatus) {
        let id = format!("id{}", pdu.sequence_number);
        let resp = Pdu {
            command_status: status,
            sequence_number: pdu.sequence_number,
            body: Body::SubmitSmResp(MessageIdResp {
                message_id: Bytes::from(id),
                ..MessageIdResp::default()
            }),
        };
        self.send(resp).await;
    }
}

/// A PDU header followed by `body`; `len` overrides command_length.
pub fn frame(len: Option<u32>, command_id: u32, seq: u32, body: &[u8]) -> Vec<u8> {
    let mut b = BytesMut::new();
    b.put_u32(len.unwrap_or(16 + body.len() as u32));
    b.put_u32(command_id);
    b.put_u32(0);
    b.put_u32(seq);
    b.put_slice(body);
    b.to_vec()
}

pub const DELIVER_SM: u32 = 0x0000_0005;

/// A well-formed deliver_sm body (MO SMS "hi") before any TLVs.
pub fn deliver_body(sm_length: u8, text: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(b"\0"); // service_type
    b.extend_from_slice(b"\x01\x01989121234567\0"); // source
    b.extend_from_slice(b"\x00\x004\0"); // destination
    b.extend_from_slice(&[0, 0, 0]); // esm_class, protocol_id, priority_flag
    b.extend_from_slice(b"\0\0"); // schedule_delivery_time, validity_period
    b.extend_from_slice(&[0, 0, 0, 0]); // registered_delivery .. sm_default_msg_id
    b.push(sm_length);
    b.extend_from_slice(text);
    b
}

/// Resident set size of this process, in KiB.
pub fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("procfs");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

/// Tasks alive in this test's runtime.
pub fn tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}
