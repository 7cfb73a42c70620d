//! Panic containment for a future, without the cost of spawning a task: a bug
//! in the engine or an action becomes an apology, not a dropped connection.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Polls `F`, turning a panic during any poll into `Err(Panicked)`.
pub(super) struct CatchPanic<F> {
    inner: Pin<Box<F>>,
}

/// The future panicked.
#[derive(Debug)]
pub(super) struct Panicked;

impl<F: Future> CatchPanic<F> {
    pub(super) fn new(future: F) -> Self {
        CatchPanic {
            inner: Box::pin(future),
        }
    }
}

impl<F: Future> Future for CatchPanic<F> {
    type Output = Result<F::Output, Panicked>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.get_mut().inner.as_mut();
        // The future is dropped right after a panic, never polled again, so
        // whatever state it left half-done is not observed.
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(Err(Panicked)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_becomes_an_error_and_a_value_passes_through() {
        assert_eq!(CatchPanic::new(async { 7 }).await.ok(), Some(7));
        let boom = CatchPanic::new(async {
            tokio::task::yield_now().await;
            panic!("boom")
        });
        assert!(boom.await.is_err());
    }
}
