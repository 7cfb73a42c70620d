//! `dargah dial`: a phone in the terminal. Runs one dialogue in-process or
//! against a running server (cumulative HTTP dialect) and prints every page as
//! a handset shows it, with its length and encoding.
//!
//! On a terminal it prompts; otherwise it reads one reply per line, so scripts
//! can drive it and diff the output.

use super::page::{Encoding, PageLimits, measure};
use super::{RequestKind, UssdReply, UssdRequest, UssdService};
use crate::domain::{Msisdn, ServiceCode};
use std::io::Write;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// Where the dialogue runs.
#[derive(Clone)]
pub enum DialTarget {
    /// In this process, against a built service.
    InProcess(UssdService),
    /// Against a running server's cumulative route (`http://host:port/ussd/africastalking`).
    Url(String),
}

/// What to dial and as whom.
#[derive(Debug, Clone)]
pub struct DialOptions {
    /// The dialled string, with any deep link (`*4*6090*1#`).
    pub dialled: ServiceCode,
    /// The phone number dialling.
    pub msisdn: Msisdn,
    /// Prompt for input (a terminal) or read one reply per line (a script).
    pub interactive: bool,
    /// Page limits used to show `length/limit`.
    pub limits: PageLimits,
}

/// Why a dial session stopped early.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DialError {
    /// The server could not be reached or answered oddly.
    #[error("server: {0}")]
    Http(String),
    /// The terminal could not be read or written.
    #[error("terminal: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs one dialogue, reading replies from `input` and writing pages to `output`.
pub async fn run<R, W>(
    target: DialTarget,
    opts: DialOptions,
    mut input: R,
    mut output: W,
) -> Result<(), DialError>
where
    R: AsyncBufRead + Unpin,
    W: Write,
{
    let mut phone = Phone::new(target, &opts);
    let mut reply = phone.send(RequestKind::Begin, "").await?;
    loop {
        show(&mut output, &reply, &opts.limits)?;
        if reply.end {
            return Ok(());
        }
        if opts.interactive {
            write!(output, "> ")?;
            output.flush()?;
        }
        let mut line = String::new();
        if input.read_line(&mut line).await? == 0 {
            phone.send(RequestKind::Abort, "").await?;
            writeln!(output, "(input ended: session released)")?;
            return Ok(());
        }
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        if !opts.interactive {
            writeln!(output, "> {line}")?;
        }
        reply = phone.send(RequestKind::Continue, &line).await?;
    }
}

/// Runs one dialogue on the process's standard input and output: prompting on
/// a terminal, one reply per line otherwise (what `dargah dial` calls).
pub async fn run_stdio(
    target: DialTarget,
    dialled: ServiceCode,
    msisdn: Msisdn,
    limits: PageLimits,
) -> Result<(), DialError> {
    use std::io::IsTerminal;
    let interactive = std::io::stdin().is_terminal();
    let opts = DialOptions {
        dialled,
        msisdn,
        interactive,
        limits,
    };
    let input = tokio::io::BufReader::new(tokio::io::stdin());
    run(target, opts, input, std::io::stdout()).await
}

/// Prints a page framed like a handset screen.
pub fn show(out: &mut impl Write, reply: &UssdReply, limits: &PageLimits) -> std::io::Result<()> {
    let (encoding, len) = measure(&reply.text);
    let limit = match encoding {
        Encoding::Gsm7 => limits.gsm7,
        Encoding::Ucs2 => limits.ucs2,
    };
    let kind = if reply.end { "END" } else { "CON" };
    writeln!(out, "┌── {kind} · {len}/{limit} characters · {encoding}")?;
    for line in reply.text.lines() {
        writeln!(out, "│ {line}")?;
    }
    writeln!(out, "└──")
}

struct Phone {
    target: DialTarget,
    session_id: String,
    dialled: ServiceCode,
    msisdn: Msisdn,
    typed: Vec<String>,
    client: reqwest::Client,
}

impl Phone {
    fn new(target: DialTarget, opts: &DialOptions) -> Self {
        Phone {
            target,
            session_id: format!("dial-{:016x}", rand::random::<u64>()),
            dialled: opts.dialled.clone(),
            msisdn: opts.msisdn.clone(),
            typed: Vec::new(),
            client: reqwest::Client::new(),
        }
    }

    async fn send(&mut self, kind: RequestKind, input: &str) -> Result<UssdReply, DialError> {
        match &self.target {
            DialTarget::InProcess(service) => {
                let request = UssdRequest {
                    session_id: self.session_id.clone(),
                    msisdn: self.msisdn.clone(),
                    dialled: Some(self.dialled.clone()),
                    input: input.to_owned(),
                    kind,
                    carrier: None,
                };
                Ok(service.handle(request).await)
            }
            DialTarget::Url(url) => {
                let url = url.clone();
                self.post(&url, kind, input).await
            }
        }
    }

    /// The cumulative dialect has no release message: an abort sends nothing.
    async fn post(
        &mut self,
        url: &str,
        kind: RequestKind,
        input: &str,
    ) -> Result<UssdReply, DialError> {
        match kind {
            RequestKind::Continue => self.typed.push(input.to_owned()),
            RequestKind::Begin => self.typed.clear(),
            _ => {
                return Ok(UssdReply {
                    text: String::new(),
                    end: true,
                });
            }
        }
        let form = [
            ("sessionId", self.session_id.clone()),
            ("serviceCode", self.dialled.to_string()),
            ("phoneNumber", format!("+{}", self.msisdn)),
            ("networkCode", String::new()),
            ("text", self.typed.join("*")),
        ];
        let response = self
            .client
            .post(url)
            .form(&form)
            .send()
            .await
            .map_err(|e| DialError::Http(e.to_string()))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|e| DialError::Http(e.to_string()))?;
        if !status.is_success() {
            return Err(DialError::Http(format!("{status}: {body}")));
        }
        parse_cumulative(&body)
            .ok_or_else(|| DialError::Http(format!("not a CON/END reply: {body:?}")))
    }
}

fn parse_cumulative(body: &str) -> Option<UssdReply> {
    let (end, text) = match body.split_at_checked(3)? {
        ("CON", rest) => (false, rest),
        ("END", rest) => (true, rest),
        _ => return None,
    };
    Some(UssdReply {
        text: text.strip_prefix(' ').unwrap_or(text).to_owned(),
        end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cumulative_bodies_parse_back_into_replies() {
        assert_eq!(
            parse_cumulative("CON سلام"),
            Some(UssdReply {
                text: "سلام".into(),
                end: false
            })
        );
        assert_eq!(
            parse_cumulative("END"),
            Some(UssdReply {
                text: String::new(),
                end: true
            })
        );
        assert_eq!(parse_cumulative("OK fine"), None);
    }

    #[test]
    fn pages_show_their_length_and_encoding() {
        let mut out = Vec::new();
        show(
            &mut out,
            &UssdReply {
                text: "سلام\n1- ok".into(),
                end: false,
            },
            &PageLimits::default(),
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("CON · 10/80 characters · UCS-2"), "{out}");
        assert!(out.contains("│ سلام"));
    }
}
