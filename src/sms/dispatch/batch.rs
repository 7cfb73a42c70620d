//! One claimed batch: route and encode each message, queue its parts to the
//! carrier (the link paces them), await every ticket, and decide each
//! message's fate. The fates are written by the caller in one transaction.

use super::encode;
use super::route::Router;
use super::settings::DispatchSettings;
use super::store::{AcceptedPart, Claimed, Fate};
use crate::domain::Msisdn;
use crate::smpp::link::{Carrier, SubmitOutcome, Ticket};
use crate::smpp::pdu::CommandStatus;
use crate::smpp::receipt::{IdFormat, normalize};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// A message whose parts are queued to a carrier.
struct InFlight {
    row: Claimed,
    carrier: String,
    format: IdFormat,
    tickets: Vec<Ticket>,
    /// The link refused the rest (shutting down): the message goes back.
    returned: bool,
}

/// Submits `rows` and returns their fates, in order of completion.
pub async fn run(rows: Vec<Claimed>, router: &Router, settings: &DispatchSettings) -> Vec<Fate> {
    let now = Utc::now();
    let mut fates = Vec::with_capacity(rows.len());
    let mut flying = Vec::with_capacity(rows.len());
    for row in rows {
        match start(row, router, settings, now).await {
            Ok(f) => flying.push(f),
            Err(fate) => fates.push(fate),
        }
    }
    for f in flying {
        fates.push(finish(f, settings).await);
    }
    fates
}

/// Queues one message's parts, or says at once why it cannot go.
async fn start(
    row: Claimed,
    router: &Router,
    s: &DispatchSettings,
    now: DateTime<Utc>,
) -> Result<InFlight, Fate> {
    if expiry(&row, s) <= now {
        return Err(Fate::Expired { id: row.id });
    }
    let Ok(to) = Msisdn::parse(&row.recipient) else {
        let error = format!("invalid recipient {:?}", row.recipient);
        return Err(Fate::Failed { id: row.id, error });
    };
    let carrier = match router.route(&to, row.ported.as_deref()) {
        Ok(c) => c.clone(),
        Err(e) if e.is_temporary() => return Err(retry(&row, s, now, e.to_string())),
        Err(e) => {
            return Err(Fate::Failed {
                id: row.id,
                error: e.to_string(),
            });
        }
    };
    let source = row.sender.as_deref().unwrap_or(&s.source_addr);
    let reference = (row.id % 65_536) as u16;
    let sms = match encode::parts(to.as_str(), source, &row.body, reference, row.valid_until) {
        Ok(sms) => sms,
        Err(e) => {
            return Err(Fate::Failed {
                id: row.id,
                error: e.to_string(),
            });
        }
    };
    Ok(queue(row, &carrier, sms, s).await)
}

async fn queue(
    row: Claimed,
    carrier: &Carrier,
    sms: Vec<crate::smpp::pdu::ShortMessage>,
    s: &DispatchSettings,
) -> InFlight {
    let format = s
        .id_formats
        .get(carrier.name())
        .map(|f| f.submit.into())
        .unwrap_or_default();
    let mut f = InFlight {
        row,
        carrier: carrier.name().to_owned(),
        format,
        tickets: Vec::with_capacity(sms.len()),
        returned: false,
    };
    for sm in sms {
        match carrier.submit(sm).await {
            Ok(t) => f.tickets.push(t),
            Err(_) => {
                f.returned = true;
                break;
            }
        }
    }
    f
}

/// Awaits every part's answer and judges the message by the worst one.
async fn finish(f: InFlight, s: &DispatchSettings) -> Fate {
    let mut parts = Vec::with_capacity(f.tickets.len());
    let mut worst: Option<Fate> = None;
    let now = Utc::now();
    for (i, ticket) in f.tickets.into_iter().enumerate() {
        let judged = match ticket.await {
            SubmitOutcome::Accepted { message_id } => {
                let key = normalize(&message_id, f.format);
                parts.push(AcceptedPart {
                    part_no: i as i64 + 1,
                    message_id,
                    key,
                });
                continue;
            }
            SubmitOutcome::Rejected { status } if temporary(status) => {
                retry(&f.row, s, now, format!("SMSC status 0x{:08X}", status.0))
            }
            SubmitOutcome::Rejected { status } => Fate::Failed {
                id: f.row.id,
                error: format!("rejected by the SMSC: status 0x{:08X}", status.0),
            },
            SubmitOutcome::Invalid { reason } => Fate::Failed {
                id: f.row.id,
                error: reason,
            },
            _ => released(&f.row),
        };
        worst = Some(worse(worst, judged));
    }
    match worst {
        Some(fate) => fate,
        None if f.returned => released(&f.row),
        None => Fate::Submitted {
            id: f.row.id,
            carrier: f.carrier,
            parts,
        },
    }
}

/// A permanent failure beats a retry, a retry beats a release.
fn worse(a: Option<Fate>, b: Fate) -> Fate {
    let rank = |f: &Fate| match f {
        Fate::Failed { .. } => 2,
        Fate::Retry { error: Some(_), .. } => 1,
        _ => 0,
    };
    match a {
        Some(a) if rank(&a) >= rank(&b) => a,
        _ => b,
    }
}

/// Statuses that mean "not now" rather than "never".
fn temporary(status: CommandStatus) -> bool {
    [
        CommandStatus::ESME_RSYSERR,
        CommandStatus::ESME_RMSGQFUL,
        CommandStatus::ESME_RTHROTTLED,
        CommandStatus::ESME_RX_T_APPN,
        CommandStatus(0xFE), // ESME_RDELIVERYFAILURE (SMPP 5.0): a transient delivery error
    ]
    .contains(&status)
}

/// When the message stops being worth sending.
pub fn expiry(row: &Claimed, s: &DispatchSettings) -> DateTime<Utc> {
    row.valid_until.unwrap_or_else(|| {
        row.created_at + chrono::Duration::from_std(s.default_validity).unwrap_or_default()
    })
}

/// Queued again after exponential backoff, or expired if that is too late.
fn retry(row: &Claimed, s: &DispatchSettings, now: DateTime<Utc>, error: String) -> Fate {
    let at = now + chrono::Duration::from_std(backoff(row.attempts, s)).unwrap_or_default();
    if at > expiry(row, s) {
        return Fate::Expired { id: row.id };
    }
    Fate::Retry {
        id: row.id,
        at,
        error: Some(error),
    }
}

/// `retry_min` doubled per earlier attempt, at most `retry_max`.
fn backoff(attempts: i64, s: &DispatchSettings) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    s.retry_min.saturating_mul(1 << doublings).min(s.retry_max)
}

/// Back to the queue at once, untouched: the link stopped before it could send.
fn released(row: &Claimed) -> Fate {
    Fate::Retry {
        id: row.id,
        at: Utc::now(),
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(attempts: i64) -> Claimed {
        Claimed {
            id: 1,
            recipient: "989121234567".into(),
            sender: None,
            body: "x".into(),
            priority: 5,
            attempts,
            valid_until: None,
            created_at: Utc::now(),
            ported: None,
        }
    }

    #[test]
    fn backoff_doubles_per_attempt_up_to_the_maximum() {
        let s = DispatchSettings::default();
        assert_eq!(backoff(1, &s), Duration::from_secs(5));
        assert_eq!(backoff(3, &s), Duration::from_secs(20));
        assert_eq!(backoff(30, &s), Duration::from_secs(600));
    }

    #[test]
    fn a_retry_past_the_validity_expires_instead() {
        let s = DispatchSettings::default();
        let mut r = row(1);
        r.valid_until = Some(Utc::now() + chrono::Duration::seconds(2));
        assert_eq!(
            retry(&r, &s, Utc::now(), "x".into()),
            Fate::Expired { id: 1 }
        );
        let r = row(1);
        assert!(matches!(
            retry(&r, &s, Utc::now(), "x".into()),
            Fate::Retry { .. }
        ));
    }

    #[test]
    fn throttling_is_temporary_and_a_bad_address_is_not() {
        assert!(temporary(CommandStatus::ESME_RTHROTTLED));
        assert!(!temporary(CommandStatus::ESME_RINVDSTADR));
    }

    #[test]
    fn a_permanent_failure_outranks_a_temporary_one() {
        let fail = Fate::Failed {
            id: 1,
            error: "no".into(),
        };
        let again = retry(
            &row(1),
            &DispatchSettings::default(),
            Utc::now(),
            "t".into(),
        );
        assert_eq!(worse(Some(again.clone()), fail.clone()), fail);
        assert_eq!(worse(Some(fail.clone()), again), fail);
    }
}
