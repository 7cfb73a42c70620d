//! The journey DSL: plain-text scripts under `tests/journeys/*.journey`.
//!
//! ```text
//! == a journey title          starts a journey on a fresh service
//! as 09121234567              the phone that dials next (default 09121234567)
//! dial *4*6090#               begins a new session (sessions are numbered 1, 2, …)
//! session 1                   sends the next messages on an earlier session
//! send ۱                      replies (the rest of the line, may be empty)
//! release | timeout           the phone releases / the carrier times out
//! wait 61s                    advances the (paused) clock
//! expect con|end "a" "b"      the last page continues/ends and contains every fragment
//! refuse "x"                  the last page does not contain the fragment
//! effect "book 00…"           some action wrote a line containing the fragment
//! no effects                  no action wrote anything yet
//! ```
//! Every page is also checked against the page limits (80 UCS-2 / 182 GSM-7).

use super::support::{Effects, service};
use crate::screens::{Line, Screens, Session, fail, fragments, lines};
use dargah::domain::{Msisdn, ServiceCode};
use dargah::ussd::{RequestKind, UssdService};
use std::path::Path;
use std::time::Duration;

struct Run {
    service: UssdService,
    effects: Effects,
    msisdn: Msisdn,
    sessions: Vec<Session>,
    current: usize,
    screens: Screens,
}

/// Runs every journey in `file`; panics with file, line and transcript on the first failure.
pub async fn run_file(file: &Path) -> usize {
    let source = std::fs::read_to_string(file).unwrap();
    let mut run: Option<Run> = None;
    let mut count = 0;
    for (n, line) in lines(&source) {
        let command = match line {
            Line::Title(title) => {
                count += 1;
                run = Some(Run::new(title));
                continue;
            }
            Line::Command(command) => command,
        };
        let Some(r) = run.as_mut() else {
            panic!("{}:{n}: a journey starts with `== title`", file.display())
        };
        if let Err(message) = r.command(command).await {
            fail(file, n, &message, &r.screens);
        }
    }
    assert!(count > 0, "{}: no journeys", file.display());
    count
}

impl Run {
    fn new(title: &str) -> Self {
        let (service, effects) = service();
        Run {
            service,
            effects,
            msisdn: Msisdn::parse("09121234567").unwrap(),
            sessions: Vec::new(),
            current: 0,
            screens: Screens::new(title),
        }
    }

    async fn command(&mut self, line: &str) -> Result<(), String> {
        let (verb, rest) = line.split_once(' ').unwrap_or((line, ""));
        match verb {
            "as" => self.msisdn = Msisdn::parse(rest).map_err(|e| e.to_string())?,
            "dial" => {
                let code = ServiceCode::parse(rest).map_err(|e| e.to_string())?;
                self.sessions.push((
                    format!("s{}", self.sessions.len() + 1),
                    self.msisdn.clone(),
                    code,
                ));
                self.current = self.sessions.len() - 1;
                self.send(RequestKind::Begin, "").await?;
            }
            "session" => {
                self.current = rest
                    .parse::<usize>()
                    .map_err(|e| e.to_string())?
                    .saturating_sub(1)
            }
            "send" => self.send(RequestKind::Continue, rest).await?,
            "release" => self.send(RequestKind::Abort, "").await?,
            "timeout" => self.send(RequestKind::Timeout, "").await?,
            "wait" => {
                let d: Duration = humantime_parse(rest)?;
                tokio::time::advance(d).await;
                self.screens.transcript.push(format!("(waited {rest})"));
            }
            "expect" => self.screens.expect(rest)?,
            "refuse" => self.screens.refuse(rest)?,
            "effect" => self.effect(rest)?,
            "no" if rest == "effects" => {
                let all = self.effects.all();
                if !all.is_empty() {
                    return Err(format!("expected no effects, got {all:?}"));
                }
            }
            other => return Err(format!("unknown command {other:?}")),
        }
        Ok(())
    }

    async fn send(&mut self, kind: RequestKind, input: &str) -> Result<(), String> {
        let session = self
            .sessions
            .get(self.current)
            .cloned()
            .ok_or("no session dialled yet")?;
        let reply = self
            .screens
            .hop(&self.service, session, kind, input)
            .await?;
        self.screens.last = Some(reply);
        Ok(())
    }

    fn effect(&self, rest: &str) -> Result<(), String> {
        let all = self.effects.all();
        match fragments(rest)
            .into_iter()
            .find(|f| !all.iter().any(|e| e.contains(f.as_str())))
        {
            Some(f) => Err(format!("no effect contains {f:?}; effects: {all:?}")),
            None => Ok(()),
        }
    }
}

fn humantime_parse(text: &str) -> Result<Duration, String> {
    let (n, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: u64 = n.parse().map_err(|_| format!("bad duration {text:?}"))?;
    match unit {
        "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        "ms" => Ok(Duration::from_millis(n)),
        _ => Err(format!("bad duration unit in {text:?}")),
    }
}
