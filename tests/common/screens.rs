//! What the two journey runners share (`tests/ussd/dsl.rs` over test menus,
//! `tests/api/national_card/runner.rs` over the real registry): reading a
//! journey file, sending one hop and keeping the transcript, and the
//! `expect` / `refuse` checks on the last screen.
//!
//! Included by path from both test binaries, so not every item is used by each.
#![allow(dead_code)]

use dargah::domain::{Msisdn, ServiceCode};
use dargah::ussd::page::PageLimits;
use dargah::ussd::{RequestKind, UssdReply, UssdRequest, UssdService};
use std::path::Path;

/// A line of a journey file that means something.
pub enum Line<'a> {
    /// `== title`: a new journey on a fresh world.
    Title(&'a str),
    /// Anything else: a command for the runner.
    Command(&'a str),
}

/// The meaningful lines of `source` with their 1-based numbers (blank lines
/// and `#` comments dropped).
pub fn lines(source: &str) -> impl Iterator<Item = (usize, Line<'_>)> {
    source.lines().enumerate().filter_map(|(n, raw)| {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let parsed = match line.strip_prefix("==") {
            Some(title) => Line::Title(title.trim()),
            None => Line::Command(line),
        };
        Some((n + 1, parsed))
    })
}

/// Panics with the place of a failed command and what was seen so far.
pub fn fail(file: &Path, line: usize, message: &str, screens: &Screens) -> ! {
    panic!(
        "{}:{line}: {message}\n--- transcript ---\n{}",
        file.display(),
        screens.transcript.join("\n")
    )
}

/// The `"quoted"` fragments of a command's rest.
pub fn fragments(rest: &str) -> Vec<String> {
    rest.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The session a hop belongs to: its id, the phone and the dialled code.
pub type Session = (String, Msisdn, ServiceCode);

/// The last screen a journey saw, and everything it saw before.
pub struct Screens {
    /// What `expect` and `refuse` look at.
    pub last: Option<UssdReply>,
    /// Every hop, for the failure message.
    pub transcript: Vec<String>,
}

impl Screens {
    /// A journey titled `title`, nothing seen yet.
    pub fn new(title: &str) -> Self {
        Screens {
            last: None,
            transcript: vec![format!("== {title}")],
        }
    }

    /// Sends one hop of `session` and records the reply; every page must fit
    /// the USSD limits (80 UCS-2 / 182 GSM-7 characters).
    pub async fn hop(
        &mut self,
        service: &UssdService,
        session: Session,
        kind: RequestKind,
        input: &str,
    ) -> Result<UssdReply, String> {
        let (id, msisdn, code) = session;
        let request = UssdRequest {
            session_id: id.clone(),
            msisdn,
            dialled: Some(code),
            input: input.to_owned(),
            kind,
            carrier: None,
        };
        let reply = service.handle(request).await;
        self.transcript.push(format!(
            "[{id}] {kind:?} {input:?}\n{}{}",
            if reply.end { "END " } else { "CON " },
            reply.text
        ));
        if !PageLimits::default().fits(&reply.text) {
            return Err(format!("page over the limit: {:?}", reply.text));
        }
        Ok(reply)
    }

    fn last(&self) -> Result<&UssdReply, String> {
        self.last.as_ref().ok_or_else(|| "no page yet".to_owned())
    }

    /// `expect con|end "a" "b"`: the last screen continues (or ends) and
    /// contains every fragment.
    pub fn expect(&self, rest: &str) -> Result<(), String> {
        let (kind, frags) = rest.split_once(' ').unwrap_or((rest, ""));
        let last = self.last()?;
        let want_end = match kind {
            "con" => false,
            "end" => true,
            other => return Err(format!("expect con or end, not {other:?}")),
        };
        if last.end != want_end {
            let got = if last.end { "end" } else { "con" };
            return Err(format!("expected {kind}, got {got}: {:?}", last.text));
        }
        match fragments(frags)
            .into_iter()
            .find(|f| !last.text.contains(f.as_str()))
        {
            Some(f) => Err(format!("page lacks {f:?}: {:?}", last.text)),
            None => Ok(()),
        }
    }

    /// `refuse "x"`: the last screen contains none of the fragments.
    pub fn refuse(&self, rest: &str) -> Result<(), String> {
        let last = self.last()?;
        match fragments(rest)
            .into_iter()
            .find(|f| last.text.contains(f.as_str()))
        {
            Some(f) => Err(format!("page should not contain {f:?}: {:?}", last.text)),
            None => Ok(()),
        }
    }
}
