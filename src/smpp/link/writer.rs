//! The one task per connection that writes: a bounded queue of encoded
//! chunks, written through a buffer that is flushed whenever the queue runs
//! empty, so bursts become few large writes and a lone PDU is not delayed.

use bytes::Bytes;
use tokio::io::{AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Chunks waiting for the socket; the session blocks when the peer reads slowly.
const QUEUE: usize = 256;

/// Starts the writer; it ends when every sender is dropped or a write fails.
pub(crate) fn spawn<W>(sink: W) -> (mpsc::Sender<Bytes>, JoinHandle<std::io::Result<()>>)
where
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (tx, rx) = mpsc::channel(QUEUE);
    (tx, tokio::spawn(write_loop(sink, rx)))
}

async fn write_loop<W>(sink: W, mut rx: mpsc::Receiver<Bytes>) -> std::io::Result<()>
where
    W: AsyncWrite + Unpin,
{
    let mut out = BufWriter::with_capacity(64 * 1024, sink);
    while let Some(chunk) = rx.recv().await {
        out.write_all(&chunk).await?;
        while let Ok(more) = rx.try_recv() {
            out.write_all(&more).await?;
        }
        out.flush().await?;
    }
    out.shutdown().await
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncReadExt;

    use super::*;

    #[tokio::test]
    async fn chunks_arrive_in_order_and_the_socket_closes_when_senders_go() {
        let (a, mut b) = tokio::io::duplex(64);
        let (tx, task) = spawn(a);
        for part in [&b"one "[..], b"two ", b"three"] {
            tx.send(Bytes::copy_from_slice(part)).await.expect("queued");
        }
        drop(tx);
        let mut got = String::new();
        b.read_to_string(&mut got).await.expect("read");
        assert_eq!(got, "one two three");
        assert!(task.await.expect("joined").is_ok());
    }
}
