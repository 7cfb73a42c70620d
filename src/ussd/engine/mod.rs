//! The pure dialogue step: given a session, the menus and one event, move the
//! session and say what to send, or which action the driver must run first.
//!
//! No I/O, no clock: the driver ([`crate::ussd::service`]) loads and saves the
//! session, runs actions with a timeout and feeds their outcome back here.

mod nav;

use super::action::ActionOutcome;
use super::page::{Footer, Line, PageLimits, paginate};
use super::session::{Phase, Session};
use super::settings::NavKeys;
use crate::menu::set::{Screen, Service};
use std::collections::BTreeMap;

/// What a step is run with besides the session.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The session's service.
    pub service: &'a Service,
    /// Navigation keys.
    pub keys: &'a NavKeys,
    /// The carrier's page budget.
    pub limits: &'a PageLimits,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A fresh session on its start screen (deep-link inputs already in `pending`).
    Begin,
    /// The citizen replied.
    Input(String),
    /// The action the last step asked for finished (failures arrive as `error`).
    Outcome(ActionOutcome),
    /// Offer "continue where you were / start over" before anything else.
    OfferResume,
}

/// What the driver must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Send this page.
    Reply(Reply),
    /// Run this action, then call `step` again with its outcome.
    Run(Call),
}

/// A page to send and what becomes of the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The page text.
    pub text: String,
    /// What happens to the session.
    pub after: After,
}

/// The fate of the session after a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// CON: wait for the next reply.
    Continue,
    /// END, the dialogue is complete: forget it.
    Done,
    /// END, but keep it so a new dial can resume (an apology).
    Dropped,
}

impl Reply {
    /// Whether the page ends the dialogue.
    pub fn ends(&self) -> bool {
        self.after != After::Continue
    }
}

/// An action call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Its registered name.
    pub action: String,
    /// Its rendered parameters.
    pub params: BTreeMap<String, String>,
}

/// How many screen changes one step may make (action loops end in an apology).
const MAX_HOPS: usize = 32;

enum Flow {
    Show,
    Go(String),
    Done(Step),
}

/// Advances `session` by `event`.
pub fn step(ctx: &Ctx<'_>, session: &mut Session, event: Event) -> Step {
    let mut flow = match event {
        Event::Begin => Flow::Show,
        Event::Input(raw) => nav::on_input(ctx, session, &super::input::normalize(&raw)),
        Event::Outcome(outcome) => on_outcome(ctx, session, outcome),
        Event::OfferResume => {
            session.phase = Phase::OfferingResume;
            return resume_offer(ctx, session);
        }
    };
    for _ in 0..MAX_HOPS {
        flow = match flow {
            Flow::Done(step) => return step,
            Flow::Show => show(ctx, session),
            Flow::Go(target) => {
                go(ctx, session, &target);
                Flow::Show
            }
        };
    }
    match flow {
        Flow::Done(step) => step,
        _ => end(ctx, session, "apology", After::Dropped),
    }
}

fn go(ctx: &Ctx<'_>, s: &mut Session, target: &str) {
    let waits = ctx
        .service
        .screens
        .get(&s.screen)
        .is_some_and(Screen::waits_for_input);
    if waits && s.screen != target {
        let from = s.screen.clone();
        s.history.push(from);
    }
    s.go(target);
}

fn show(ctx: &Ctx<'_>, s: &mut Session) -> Flow {
    let Some(screen) = ctx.service.screens.get(&s.screen) else {
        // The screen vanished in a menu reload: start again rather than fail.
        s.history.clear();
        s.go(&ctx.service.start);
        return match ctx.service.screens.contains_key(&ctx.service.start) {
            true => Flow::Show,
            false => Flow::Done(end(ctx, s, "apology", After::Dropped)),
        };
    };
    match screen {
        Screen::Action(a) => Flow::Done(Step::Run(Call {
            action: a.action.clone(),
            params: a
                .params
                .iter()
                .map(|(k, t)| (k.clone(), t.render(|n| super::session::text(&s.vars, n))))
                .collect(),
        })),
        Screen::Menu(_) | Screen::Input(_) if !s.pending.is_empty() => {
            let next = s.pending.pop_front().unwrap_or_default();
            nav::on_input(ctx, s, &next)
        }
        _ => Flow::Done(Step::Reply(page(ctx, s, screen))),
    }
}

/// The current page of `screen`, clamped to the pages it has.
fn page(ctx: &Ctx<'_>, s: &mut Session, screen: &Screen) -> Reply {
    let pages = nav::pages(ctx, s, screen);
    s.page = s.page.min(pages.len().saturating_sub(1));
    let text = pages.get(s.page).cloned().unwrap_or_default();
    let last = s.page + 1 >= pages.len();
    let after = match screen {
        Screen::Message(_) if last => After::Done,
        _ => After::Continue,
    };
    Reply { text, after }
}

fn on_outcome(ctx: &Ctx<'_>, s: &mut Session, outcome: ActionOutcome) -> Flow {
    let Some(Screen::Action(a)) = ctx.service.screens.get(&s.screen) else {
        return Flow::Show;
    };
    s.vars.extend(outcome.set);
    let target = match outcome.label.as_str() {
        "error" => a.on.get("error"),
        label => a.on.get(label).or_else(|| a.on.get("default")),
    };
    match target {
        Some(t) => {
            s.go(t);
            Flow::Show
        }
        None => Flow::Done(end(ctx, s, "apology", After::Dropped)),
    }
}

/// An END with one of the engine's labels.
pub(crate) fn end(ctx: &Ctx<'_>, s: &Session, label: &'static str, after: After) -> Step {
    Step::Reply(Reply {
        text: ctx.service.labels.get(&s.lang, label).to_owned(),
        after,
    })
}

struct NoFooter;
impl Footer for NoFooter {
    fn lines(&self, _: bool, _: bool) -> Vec<String> {
        Vec::new()
    }
}

fn resume_offer(ctx: &Ctx<'_>, s: &Session) -> Step {
    let view = nav::view(ctx, s);
    let lines = [
        Line::Text(view.label("resume")),
        Line::Whole(format!(
            "{}- {}",
            view.number("1"),
            view.label("resume_continue")
        )),
        Line::Whole(format!(
            "{}- {}",
            view.number("2"),
            view.label("resume_restart")
        )),
    ];
    let text = paginate(&lines, &NoFooter, ctx.limits)
        .ok()
        .and_then(|p| p.into_iter().next())
        .unwrap_or_else(|| view.label("resume_continue"));
    Step::Reply(Reply {
        text,
        after: After::Continue,
    })
}

#[cfg(test)]
mod tests;
