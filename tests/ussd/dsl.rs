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
use dargah::domain::{Msisdn, ServiceCode};
use dargah::ussd::page::PageLimits;
use dargah::ussd::{RequestKind, UssdReply, UssdRequest, UssdService};
use std::path::Path;
use std::time::Duration;

struct Run {
    service: UssdService,
    effects: Effects,
    msisdn: Msisdn,
    sessions: Vec<(String, Msisdn, ServiceCode)>,
    current: usize,
    last: Option<UssdReply>,
    transcript: Vec<String>,
}

/// Runs every journey in `file`; panics with file, line and transcript on the first failure.
pub async fn run_file(file: &Path) -> usize {
    let source = std::fs::read_to_string(file).unwrap();
    let mut run: Option<Run> = None;
    let mut count = 0;
    for (n, raw) in source.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(title) = line.strip_prefix("==") {
            count += 1;
            run = Some(Run::new(title.trim()));
            continue;
        }
        let Some(r) = run.as_mut() else {
            panic!(
                "{}:{}: a journey starts with `== title`",
                file.display(),
                n + 1
            )
        };
        if let Err(message) = r.command(line).await {
            panic!(
                "{}:{}: {message}\n--- transcript ---\n{}",
                file.display(),
                n + 1,
                r.transcript.join("\n")
            );
        }
    }
    assert!(count > 0, "{}: no journeys", file.display());
    count
}

fn fragments(rest: &str) -> Vec<String> {
    rest.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
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
            last: None,
            transcript: vec![format!("== {title}")],
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
                self.transcript.push(format!("(waited {rest})"));
            }
            "expect" => self.expect(rest)?,
            "refuse" => self.refuse(rest)?,
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
        let (id, msisdn, code) = self
            .sessions
            .get(self.current)
            .cloned()
            .ok_or("no session dialled yet")?;
        let request = UssdRequest {
            session_id: id.clone(),
            msisdn,
            dialled: Some(code),
            input: input.to_owned(),
            kind,
            carrier: None,
        };
        let reply = self.service.handle(request).await;
        self.transcript.push(format!(
            "[{id}] {kind:?} {input:?}\n{}{}",
            if reply.end { "END " } else { "CON " },
            reply.text
        ));
        if !PageLimits::default().fits(&reply.text) {
            return Err(format!("page over the limit: {:?}", reply.text));
        }
        self.last = Some(reply);
        Ok(())
    }

    fn last(&self) -> Result<&UssdReply, String> {
        self.last.as_ref().ok_or_else(|| "no page yet".to_owned())
    }

    fn expect(&self, rest: &str) -> Result<(), String> {
        let (kind, frags) = rest.split_once(' ').unwrap_or((rest, ""));
        let last = self.last()?;
        let want_end = match kind {
            "con" => false,
            "end" => true,
            other => return Err(format!("expect con or end, not {other:?}")),
        };
        if last.end != want_end {
            return Err(format!(
                "expected {kind}, got {}: {:?}",
                if last.end { "end" } else { "con" },
                last.text
            ));
        }
        match fragments(frags)
            .into_iter()
            .find(|f| !last.text.contains(f.as_str()))
        {
            Some(f) => Err(format!("page lacks {f:?}: {:?}", last.text)),
            None => Ok(()),
        }
    }

    fn refuse(&self, rest: &str) -> Result<(), String> {
        let last = self.last()?;
        match fragments(rest)
            .into_iter()
            .find(|f| last.text.contains(f.as_str()))
        {
            Some(f) => Err(format!("page should not contain {f:?}: {:?}", last.text)),
            None => Ok(()),
        }
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
