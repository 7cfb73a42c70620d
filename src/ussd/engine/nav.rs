//! What a reply means on the current screen: navigation keys first, then an
//! option number or an input for the screen's validator.

use super::{After, Ctx, Flow, end, resume_offer};
use crate::menu::set::{Menu, Screen};
use crate::ussd::page::Line;
use crate::ussd::render::{Entry, View};
use crate::ussd::session::{Phase, Session, Value};

pub(super) fn view<'a>(ctx: &'a Ctx<'a>, s: &'a Session) -> View<'a> {
    View {
        service: ctx.service,
        lang: &s.lang,
        vars: &s.vars,
        keys: ctx.keys,
        limits: ctx.limits,
    }
}

/// The pages of `screen` for this session; long live values that break the
/// layout are wrapped rather than refused, so a citizen always gets a page.
pub(super) fn pages(ctx: &Ctx<'_>, s: &Session, screen: &Screen) -> Vec<String> {
    let v = view(ctx, s);
    let error = s.show_error.then(|| error_line(ctx, s, screen));
    let can_back = !s.history.is_empty();
    v.pages(screen, can_back, error.clone())
        .or_else(|e| {
            tracing::warn!(screen = %s.screen, error = %e, "a live value overflows the page; wrapping");
            v.pages_wrapping(screen, can_back, error)
        })
        .unwrap_or_else(|_| {
            // Only a footer wider than the page gets here, which the checker refuses.
            let lines = vec![Line::Text(v.label("apology"))];
            crate::ussd::page::paginate(&lines, &NoKeys, ctx.limits).unwrap_or_default()
        })
}

struct NoKeys;
impl crate::ussd::page::Footer for NoKeys {
    fn lines(&self, _: bool, _: bool) -> Vec<String> {
        Vec::new()
    }
}

fn error_line(ctx: &Ctx<'_>, s: &Session, screen: &Screen) -> String {
    let v = view(ctx, s);
    match screen {
        Screen::Input(i) => v.text(&i.error),
        _ => v.label("invalid_choice"),
    }
}

pub(super) fn on_input(ctx: &Ctx<'_>, s: &mut Session, input: &str) -> Flow {
    if s.phase == Phase::OfferingResume {
        return on_resume_choice(ctx, s, input);
    }
    let Some(screen) = ctx.service.screens.get(&s.screen) else {
        return Flow::Show;
    };
    if let Some(flow) = navigate(ctx, s, screen, input) {
        return flow;
    }
    match screen {
        Screen::Menu(m) => choose(ctx, s, m, input),
        Screen::Input(i) => match i.validator.accept(input) {
            Some(value) => {
                s.vars.insert(i.store.clone(), Value::Text(value));
                Flow::Go(i.next.clone())
            }
            None => invalid(ctx, s, i.retries),
        },
        Screen::Message(_) => invalid(ctx, s, ctx.service.retries),
        Screen::Action(_) => Flow::Show,
    }
}

/// Back, home and more; `None` when `input` is not a navigation key here.
fn navigate(ctx: &Ctx<'_>, s: &mut Session, screen: &Screen, input: &str) -> Option<Flow> {
    let keys = ctx.keys;
    if input == keys.home {
        s.history.clear();
        s.go(&ctx.service.start);
        return Some(Flow::Show);
    }
    if input == keys.more && s.page + 1 < pages(ctx, s, screen).len() {
        s.page += 1;
        return Some(Flow::Show);
    }
    if input != keys.back {
        return None;
    }
    if s.page > 0 {
        s.page -= 1;
    } else if let Some(previous) = s.history.pop() {
        s.go(&previous);
    }
    Some(Flow::Show)
}

fn choose(ctx: &Ctx<'_>, s: &mut Session, menu: &Menu, input: &str) -> Flow {
    let entries = view(ctx, s).entries(menu);
    let chosen = input
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| entries.get(i).copied());
    match chosen {
        Some(Entry::Static(i)) => pick_option(s, menu, i),
        Some(Entry::Item(i)) => pick_item(ctx, s, menu, i),
        None => invalid(ctx, s, ctx.service.retries),
    }
}

fn pick_option(s: &mut Session, menu: &Menu, i: usize) -> Flow {
    let Some(option) = menu.options.get(i) else {
        return Flow::Show;
    };
    for (k, v) in &option.set {
        if k == "lang" {
            s.lang = v.clone();
        }
        s.vars.insert(k.clone(), Value::Text(v.clone()));
    }
    Flow::Go(option.target.clone())
}

fn pick_item(ctx: &Ctx<'_>, s: &mut Session, menu: &Menu, i: usize) -> Flow {
    let (Some(list), Some(item)) = (&menu.list, view(ctx, s).list(menu).get(i).cloned()) else {
        return Flow::Show;
    };
    for (field, value) in item {
        s.vars
            .insert(format!("{}.{field}", list.store), Value::Text(value));
    }
    Flow::Go(list.target.clone())
}

/// The same screen again with the error line, or the end after too many.
fn invalid(ctx: &Ctx<'_>, s: &mut Session, limit: u8) -> Flow {
    s.retries = s.retries.saturating_add(1);
    s.pending.clear();
    if s.retries > limit {
        metrics::counter!("ussd_retry_limit_total", "screen" => s.screen.clone()).increment(1);
        return Flow::Done(end(ctx, s, "too_many_errors", After::Done));
    }
    s.show_error = true;
    s.page = 0;
    Flow::Show
}

fn on_resume_choice(ctx: &Ctx<'_>, s: &mut Session, input: &str) -> Flow {
    match input {
        "1" => {
            s.phase = Phase::Active;
            s.show_error = false;
            Flow::Show
        }
        "2" => {
            let fresh = crate::ussd::session::Session::new(
                &s.carrier_session,
                &s.service,
                &s.lang,
                &ctx.service.start,
                s.last_ms,
            );
            let keep: Vec<_> = ["msisdn"]
                .iter()
                .filter_map(|k| s.vars.get(k).map(|v| (k.to_string(), v.clone())))
                .collect();
            *s = fresh;
            s.vars.extend(keep);
            Flow::Show
        }
        _ => {
            s.retries = s.retries.saturating_add(1);
            if s.retries > ctx.service.retries {
                return Flow::Done(end(ctx, s, "too_many_errors", After::Done));
            }
            Flow::Done(resume_offer(ctx, s))
        }
    }
}
