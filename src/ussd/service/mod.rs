//! The driver: a cheap-to-clone handle owning the menus (swappable for hot
//! reload), the session store and the actions. It loads the session, runs the
//! pure [`step`], runs actions with a timeout, saves, and logs the hop.
//!
//! [`step`]: super::engine::step

mod guard;
mod hop;

use super::action::ActionRegistry;
use super::settings::UssdSettings;
use super::store::{MemoryStore, SessionStore};
use super::{RequestKind, UssdReply, UssdRequest};
use crate::menu::{CheckEnv, MenuSet, Report};
use std::sync::{Arc, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

/// The USSD service handle.
#[derive(Clone)]
pub struct UssdService {
    inner: Arc<Inner>,
}

struct Inner {
    settings: UssdSettings,
    menus: RwLock<Arc<MenuSet>>,
    store: Arc<dyn SessionStore>,
    actions: ActionRegistry,
    clock: Clock,
    hop_metrics: super::journey::HopMetrics,
}

/// Wall-clock milliseconds that advance with tokio's clock, so paused-time
/// tests see timeouts while production stamps stay real instants.
struct Clock {
    base_ms: u64,
    base: Instant,
}

impl Clock {
    fn new() -> Self {
        let base_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        Clock {
            base_ms,
            base: Instant::now(),
        }
    }

    fn now_ms(&self) -> u64 {
        self.base_ms + self.base.elapsed().as_millis() as u64
    }
}

impl UssdService {
    /// A service over a validated menu set, with the given store.
    pub fn new(
        settings: UssdSettings,
        menus: MenuSet,
        actions: ActionRegistry,
        store: Arc<dyn SessionStore>,
    ) -> Self {
        let inner = Inner {
            settings,
            menus: RwLock::new(Arc::new(menus)),
            store,
            actions,
            clock: Clock::new(),
            hop_metrics: Default::default(),
        };
        UssdService {
            inner: Arc::new(inner),
        }
    }

    /// Loads and validates `settings.menus_dir`; uses the in-memory store.
    pub fn load(settings: UssdSettings, actions: ActionRegistry) -> Result<Self, Report> {
        let menus = crate::menu::load_dir(&settings, &actions)?;
        let store = Arc::new(MemoryStore::new(settings.store));
        Ok(Self::new(settings, menus, actions, store))
    }

    /// The settings in force.
    pub fn settings(&self) -> &UssdSettings {
        &self.inner.settings
    }

    /// The registered actions.
    pub fn actions(&self) -> &ActionRegistry {
        &self.inner.actions
    }

    /// The current menu set.
    pub fn menus(&self) -> Arc<MenuSet> {
        let guard = self
            .inner
            .menus
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard.clone()
    }

    /// Re-reads `menus_dir`; swaps the set only if it is valid, else keeps the old one.
    pub fn reload(&self) -> Result<Report, Report> {
        let env = CheckEnv {
            actions: &self.inner.actions,
            settings: &self.inner.settings,
        };
        let dir = std::slice::from_ref(&self.inner.settings.menus_dir);
        match crate::menu::load::load(dir, env) {
            (Some(set), report) => {
                *self
                    .inner
                    .menus
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(set);
                metrics::counter!("ussd_menu_reloads_total", "result" => "ok").increment(1);
                tracing::info!(
                    services = report.services,
                    screens = report.screens,
                    "menus reloaded"
                );
                Ok(report)
            }
            (None, report) => {
                metrics::counter!("ussd_menu_reloads_total", "result" => "rejected").increment(1);
                tracing::warn!(problems = %report, "menu reload rejected; keeping the previous menus");
                Err(report)
            }
        }
    }

    /// Whether `session_id` is the dialogue stored for `msisdn` (live or just dropped);
    /// the cumulative dialect uses it to tell a first callback from a later one.
    pub async fn knows_session(&self, msisdn: &crate::domain::Msisdn, session_id: &str) -> bool {
        match self.inner.store.carrier_session(msisdn.as_str()).await {
            Ok(Some(s)) => s == session_id,
            _ => false,
        }
    }

    /// Answers one carrier message. Never fails: trouble becomes a polite END.
    pub async fn handle(&self, request: UssdRequest) -> UssdReply {
        // Even a bug (a panic) in the engine gets the citizen an apology and
        // the carrier an answer, never a dropped hop.
        match guard::CatchPanic::new(self.answer(request)).await {
            Ok(reply) => reply,
            Err(guard::Panicked) => {
                tracing::error!("a USSD hop panicked");
                metrics::counter!("ussd_hop_failures_total").increment(1);
                UssdReply {
                    text: crate::menu::labels::Labels::fallback("fa")
                        .get("fa", "apology")
                        .to_owned(),
                    end: true,
                }
            }
        }
    }

    async fn answer(&self, request: UssdRequest) -> UssdReply {
        let started = Instant::now();
        let menus = self.menus();
        let hop = match request.kind {
            RequestKind::Begin => self.begin(&menus, &request).await,
            RequestKind::Continue => self.resume_hop(&menus, &request).await,
            RequestKind::Abort | RequestKind::Timeout => self.release(&menus, &request).await,
        };
        super::journey::record(
            &self.inner.hop_metrics,
            &super::journey::Hop {
                session: &request.session_id,
                msisdn: request.msisdn.as_str(),
                pseudonym: hop.pseudonym,
                service: &hop.service,
                screen: &hop.screen,
                input: &request.input,
                outcome: hop.outcome,
                latency: started.elapsed(),
            },
        );
        hop.reply
    }
}
