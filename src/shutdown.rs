//! One shutdown signal for the whole process, and the tasks that drain on it.
//!
//! Every long-lived task takes a `Shutdown` clone: it selects on
//! [`Shutdown::cancelled`] and is spawned through [`Shutdown::spawn`], so that
//! [`Shutdown::drain`] can wait for all of them to finish.

use std::future::Future;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// A cheap handle: the signal and the set of tasks that must drain.
#[derive(Clone, Default)]
pub struct Shutdown {
    token: CancellationToken,
    tasks: TaskTracker,
}

impl Shutdown {
    /// A fresh, untriggered signal.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every task to stop.
    pub fn trigger(&self) {
        self.token.cancel();
    }

    /// Completes when the signal is given.
    pub async fn cancelled(&self) {
        self.token.cancelled().await
    }

    /// A future that completes on the signal, for APIs that want an owned one.
    pub fn cancelled_owned(&self) -> impl Future<Output = ()> + Send + 'static {
        self.token.clone().cancelled_owned()
    }

    /// The underlying token, for components that take a `CancellationToken`.
    pub fn token(&self) -> CancellationToken {
        self.token.clone()
    }

    /// Spawns a task that [`Shutdown::drain`] will wait for.
    pub fn spawn<F>(&self, task: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.tasks.spawn(task)
    }

    /// Waits up to `grace` for every spawned task to finish; returns whether all did.
    pub async fn drain(&self, grace: Duration) -> bool {
        self.tasks.close();
        tokio::time::timeout(grace, self.tasks.wait()).await.is_ok()
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM, whichever comes first. SIGTERM
/// is caught from the moment this is called (not first polled), so a
/// SIGTERM arriving while the application is still being built is not lost
/// to the default action (the process dying without its shutdown).
pub fn os_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await
            }
        };
        #[cfg(unix)]
        let term = async {
            match term {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            _ = ctrl_c => tracing::info!("SIGINT received, shutting down"),
            _ = term => tracing::info!("SIGTERM received, shutting down"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn drain_waits_for_tasks_that_stop_on_the_signal() {
        let s = Shutdown::new();
        let inner = s.clone();
        let done = s.spawn(async move {
            inner.cancelled().await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            42
        });
        s.trigger();
        assert!(s.drain(Duration::from_secs(1)).await);
        assert_eq!(done.await.unwrap(), 42);
    }

    #[tokio::test(start_paused = true)]
    async fn drain_gives_up_after_the_grace_period() {
        let s = Shutdown::new();
        s.spawn(std::future::pending::<()>());
        s.trigger();
        assert!(!s.drain(Duration::from_secs(5)).await);
    }
}
