//! One hop of the driver: begin, continue and release, around the pure step.

use super::UssdService;
use crate::menu::labels::Labels;
use crate::menu::set::{MenuSet, Service};
use crate::ussd::action::{ActionOutcome, ActionRequest};
use crate::ussd::engine::{After, Call, Ctx, Event, Reply, Step, step};
use crate::ussd::journey::Pseudonym;
use crate::ussd::session::{Phase, Session, Value};
use crate::ussd::{RequestKind, UssdReply, UssdRequest};
use std::time::Duration;

/// What a hop produced, for the reply and the journey log.
pub(super) struct HopResult {
    pub reply: UssdReply,
    pub service: String,
    pub screen: String,
    pub outcome: &'static str,
    /// The session's pseudonym for the journey log, when there was a session.
    pub pseudonym: Option<Pseudonym>,
}

/// Most actions one hop may run (a menu looping through actions ends in an apology).
const MAX_ACTIONS: usize = 8;

impl HopResult {
    fn bare(text: String, outcome: &'static str) -> Self {
        HopResult {
            reply: UssdReply { text, end: true },
            service: "-".into(),
            screen: "-".into(),
            outcome,
            pseudonym: None,
        }
    }
}

fn fallback(key: &'static str) -> String {
    Labels::fallback("fa").get("fa", key).to_owned()
}

impl UssdService {
    pub(super) async fn begin(&self, menus: &MenuSet, req: &UssdRequest) -> HopResult {
        let Some((service, deep)) = req.dialled.as_ref().and_then(|d| menus.resolve(d)) else {
            return HopResult::bare(fallback("unknown_code"), "unknown_code");
        };
        let key = req.msisdn.as_str();
        let now = self.inner.clock.now_ms();
        let previous = match self.inner.store.load(key).await {
            Ok(p) => p,
            Err(e) => return self.store_failed(&e),
        };
        let window = self.inner.settings.resume_window.as_millis() as u64;
        let resumable = previous.filter(|p| {
            deep.is_empty()
                && p.service == service.id
                && p.is_mid_flow(&service.start)
                && now.saturating_sub(p.last_ms) <= window
        });
        let (session, event) = match resumable {
            Some(mut p) => {
                p.carrier_session = req.session_id.clone();
                p.started_ms = now;
                p.retries = 0;
                metrics::counter!("ussd_resume_offered_total").increment(1);
                (p, Event::OfferResume)
            }
            None => (self.fresh(service, req, deep, now), Event::Begin),
        };
        self.drive(service, session, req, event).await
    }

    fn fresh(&self, service: &Service, req: &UssdRequest, deep: Vec<String>, now: u64) -> Session {
        let mut s = Session::new(
            &req.session_id,
            &service.id,
            service.default_lang(),
            &service.start,
            now,
        );
        s.vars
            .insert("msisdn".into(), Value::Text(req.msisdn.local()));
        s.pseudonym = Some(Pseudonym::of(req.msisdn.as_str()));
        s.pending = deep.into();
        s
    }

    pub(super) async fn resume_hop(&self, menus: &MenuSet, req: &UssdRequest) -> HopResult {
        let key = req.msisdn.as_str();
        let session = match self.inner.store.load(key).await {
            Ok(Some(s)) if s.carrier_session == req.session_id && s.phase != Phase::Dropped => s,
            Ok(_) => return HopResult::bare(fallback("ended"), "no_session"),
            Err(e) => return self.store_failed(&e),
        };
        let Some(service) = menus.service(&session.service).cloned() else {
            let _ = self.inner.store.remove(key).await;
            return HopResult::bare(fallback("apology"), "service_gone");
        };
        if let Some(reason) = self.expired(&session, req) {
            metrics::counter!("ussd_sessions_expired_total", "reason" => reason).increment(1);
            let text = service.labels.get(&session.lang, "timeout").to_owned();
            return self
                .finish(
                    req,
                    &service,
                    session,
                    Reply {
                        text,
                        after: After::Dropped,
                    },
                    "timeout",
                )
                .await;
        }
        self.drive(&service, session, req, Event::Input(req.input.clone()))
            .await
    }

    fn expired(&self, s: &Session, req: &UssdRequest) -> Option<&'static str> {
        let limits = self.inner.settings.limits(req.carrier.as_deref());
        let now = self.inner.clock.now_ms();
        let over =
            |since: u64, limit: Duration| now.saturating_sub(since) > limit.as_millis() as u64;
        if over(s.last_ms, limits.reply_timeout) {
            Some("reply")
        } else if over(s.started_ms, limits.session_timeout) {
            Some("total")
        } else {
            None
        }
    }

    pub(super) async fn release(&self, menus: &MenuSet, req: &UssdRequest) -> HopResult {
        let key = req.msisdn.as_str();
        let (outcome, label) = match req.kind {
            RequestKind::Timeout => ("carrier_timeout", "timeout"),
            _ => ("abort", "ended"),
        };
        let session = match self.inner.store.load(key).await {
            Ok(Some(s)) if s.carrier_session == req.session_id => s,
            Ok(_) => return HopResult::bare(fallback(label), outcome),
            Err(e) => return self.store_failed(&e),
        };
        let Some(service) = menus.service(&session.service).cloned() else {
            return HopResult::bare(fallback(label), outcome);
        };
        let text = service.labels.get(&session.lang, label).to_owned();
        self.finish(
            req,
            &service,
            session,
            Reply {
                text,
                after: After::Dropped,
            },
            outcome,
        )
        .await
    }

    async fn drive(
        &self,
        service: &Service,
        mut s: Session,
        req: &UssdRequest,
        event: Event,
    ) -> HopResult {
        let limits = self.inner.settings.limits(req.carrier.as_deref());
        let ctx = Ctx {
            service,
            keys: &self.inner.settings.keys,
            limits: &limits.page,
        };
        let mut next = step(&ctx, &mut s, event);
        for _ in 0..MAX_ACTIONS {
            let Step::Run(call) = next else { break };
            let outcome = self.run_action(&call, &s, req).await;
            next = step(&ctx, &mut s, Event::Outcome(outcome));
        }
        let reply = match next {
            Step::Reply(r) => r,
            Step::Run(_) => Reply {
                text: service.labels.get(&s.lang, "apology").to_owned(),
                after: After::Dropped,
            },
        };
        let outcome = match (s.phase, reply.after) {
            (Phase::OfferingResume, _) => "resume_offered",
            (_, After::Continue) => "con",
            (_, After::Done) => "end",
            (_, After::Dropped) => "apology",
        };
        self.finish(req, service, s, reply, outcome).await
    }

    async fn finish(
        &self,
        req: &UssdRequest,
        service: &Service,
        mut s: Session,
        reply: Reply,
        outcome: &'static str,
    ) -> HopResult {
        s.last_ms = self.inner.clock.now_ms();
        // The session moves into the store; the journey log needs only its
        // screen and pseudonym.
        let (screen, pseudonym) = (s.screen.clone(), s.pseudonym);
        let settings = &self.inner.settings;
        let key = req.msisdn.as_str();
        let saved = match reply.after {
            After::Done => self.inner.store.remove(key).await,
            After::Dropped => {
                s.phase = Phase::Dropped;
                let ttl = settings.resume_window;
                self.inner.store.save(key, s, ttl).await
            }
            After::Continue => {
                let ttl = settings.resume_window.max(settings.reply_timeout);
                self.inner.store.save(key, s, ttl).await
            }
        };
        if let Err(e) = saved {
            return self.store_failed(&e);
        }
        HopResult {
            reply: UssdReply {
                end: reply.ends(),
                text: reply.text,
            },
            service: service.id.clone(),
            screen,
            outcome,
            pseudonym,
        }
    }

    fn store_failed(&self, e: &crate::ussd::store::StoreError) -> HopResult {
        tracing::error!(error = %e, "session store failed");
        metrics::counter!("ussd_store_errors_total").increment(1);
        HopResult::bare(fallback("apology"), "store_error")
    }

    async fn run_action(&self, call: &Call, s: &Session, req: &UssdRequest) -> ActionOutcome {
        let started = tokio::time::Instant::now();
        let result = self.call_action(call, s, req).await;
        let label = match &result {
            Ok(o) => o.label.clone(),
            Err(reason) => {
                tracing::warn!(action = %call.action, reason, "action failed");
                metrics::counter!("ussd_action_failures_total", "action" => call.action.clone(), "reason" => *reason).increment(1);
                "error".to_owned()
            }
        };
        self.inner
            .hop_metrics
            .action_seconds(&call.action)
            .record(started.elapsed().as_secs_f64());
        result.unwrap_or_else(|_| ActionOutcome::new(&label))
    }

    async fn call_action(
        &self,
        call: &Call,
        s: &Session,
        req: &UssdRequest,
    ) -> Result<ActionOutcome, &'static str> {
        let action = self.inner.actions.get(&call.action).ok_or("unregistered")?;
        let request = ActionRequest {
            msisdn: req.msisdn.clone(),
            params: call.params.clone(),
            vars: s.vars.clone(),
            lang: s.lang.clone(),
        };
        // A panicking action becomes an error outcome; a slow one is dropped (cancelled).
        let task = super::guard::CatchPanic::new(action.run(request));
        match tokio::time::timeout(self.inner.settings.action_timeout, task).await {
            Ok(Ok(Ok(outcome))) => Ok(outcome),
            Ok(Ok(Err(e))) => {
                tracing::warn!(action = %call.action, error = %e, "action returned an error");
                Err("error")
            }
            Ok(Err(_)) => Err("panic"),
            Err(_) => Err("timeout"),
        }
    }
}
