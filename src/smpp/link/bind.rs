//! Opening one connection: TCP connect (and TLS when configured), then the bind handshake (SMPP 3.4
//! §4.1) through the framing codec, so a bind_resp and a deliver_sm in the
//! same TCP segment are both kept.

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use secrecy::ExposeSecret;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_util::codec::FramedRead;

use super::settings::{BindMode, CarrierSettings};
use super::tls::{self, ReadHalf, WriteHalf};
use crate::smpp::codec::SmppCodec;
use crate::smpp::encode;
use crate::smpp::pdu::{Address, Bind, Body, CommandStatus, Pdu};

/// A bound connection, ready for the session.
pub(crate) struct Connection {
    pub reader: FramedRead<ReadHalf, SmppCodec>,
    pub writer: WriteHalf,
}

/// Why no bound connection was made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// TCP or the socket failed.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// Connect or bind_resp took longer than the response timeout.
    #[error("timed out")]
    Timeout,
    /// The SMSC answered the bind with an error status.
    #[error("bind rejected with command_status 0x{:08X}", .0.0)]
    Rejected(CommandStatus),
    /// The SMSC closed or sent nonsense during the handshake.
    #[error("handshake failed: {0}")]
    Handshake(String),
}

impl ConnectError {
    /// ESME_RBINDFAIL, ESME_RINVPASWD and ESME_RINVSYSID: credentials or
    /// policy, which will not change in a second; everything else is transient.
    pub fn is_bind_refusal(&self) -> bool {
        matches!(self, ConnectError::Rejected(s) if [
            CommandStatus::ESME_RBINDFAIL,
            CommandStatus::ESME_RINVPASWD,
            CommandStatus::ESME_RINVSYSID,
        ].contains(s))
    }
}

/// Connects and binds with sequence number `seq`.
pub(crate) async fn connect(s: &CarrierSettings, seq: u32) -> Result<Connection, ConnectError> {
    let addr = (s.host.as_str(), s.port);
    let stream = timeout(s.response_timeout, TcpStream::connect(addr))
        .await
        .map_err(|_| ConnectError::Timeout)??;
    stream.set_nodelay(true)?;
    let (read, mut writer) = timeout(
        s.response_timeout,
        tls::open(stream, &s.host, s.tls.as_ref()),
    )
    .await
    .map_err(|_| ConnectError::Timeout)??;
    let mut reader = FramedRead::new(read, SmppCodec::new());
    writer.write_all(&bind_pdu(s, seq)?).await?;
    timeout(s.response_timeout, await_bind_resp(&mut reader, seq))
        .await
        .map_err(|_| ConnectError::Timeout)??;
    Ok(Connection { reader, writer })
}

fn bind_pdu(s: &CarrierSettings, seq: u32) -> Result<Bytes, ConnectError> {
    let bind = Bind {
        system_id: Bytes::from(s.system_id.clone()),
        password: Bytes::from(s.password.expose_secret().to_owned()),
        system_type: Bytes::from(s.system_type.clone()),
        interface_version: s.interface_version,
        address_range: Address {
            addr: Bytes::from(s.address_range.clone()),
            ..Address::default()
        },
    };
    let body = match s.bind {
        BindMode::Transmitter => Body::BindTransmitter(bind),
        BindMode::Receiver => Body::BindReceiver(bind),
        BindMode::Transceiver => Body::BindTransceiver(bind),
    };
    let mut buf = BytesMut::new();
    encode::encode(&Pdu::new(seq, body), &mut buf)
        .map_err(|e| ConnectError::Handshake(format!("bind does not encode: {e}")))?;
    Ok(buf.freeze())
}

async fn await_bind_resp(
    reader: &mut FramedRead<ReadHalf, SmppCodec>,
    seq: u32,
) -> Result<(), ConnectError> {
    loop {
        let item = reader
            .next()
            .await
            .ok_or_else(|| ConnectError::Handshake("connection closed".into()))?
            .map_err(|e| ConnectError::Handshake(e.to_string()))?;
        let Ok(pdu) = item else { continue };
        let is_resp = matches!(
            pdu.body,
            Body::BindTransmitterResp(_) | Body::BindReceiverResp(_) | Body::BindTransceiverResp(_)
        );
        if is_resp && pdu.sequence_number == seq {
            return match pdu.command_status {
                CommandStatus::ESME_ROK => Ok(()),
                status => Err(ConnectError::Rejected(status)),
            };
        }
        if pdu.body == Body::GenericNack && pdu.sequence_number == seq {
            return Err(ConnectError::Rejected(pdu.command_status));
        }
    }
}
