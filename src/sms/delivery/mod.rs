//! Outbound HTTP deliveries with retries, shared by the client callbacks
//! (`crate::sms::callbacks`) and MO forwarding (`crate::sms::mo_forward`):
//! the HTTP client, what an answer means (sent, retry after a backoff, give
//! up) and the claim-and-call loop ([`worker`]).

pub(crate) mod sql;
pub mod worker;

use chrono::{DateTime, Utc};
use std::time::Duration;

/// What follows an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The receiver took it: done.
    Sent,
    /// Try again at this instant.
    Retry(DateTime<Utc>),
    /// The last attempt failed, or the failure cannot heal: give up.
    GiveUp,
}

/// How failures are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts made before giving up.
    pub attempts: u32,
    /// Pause after the first failure; doubled after each further one.
    pub backoff_min: Duration,
    /// Longest pause.
    pub backoff_max: Duration,
    /// Whether a 4xx answer other than 408 and 429 ends the retries at once
    /// (the receiver refuses the request itself; asking again cannot help).
    pub permanent_4xx: bool,
}

impl RetryPolicy {
    /// The pause after failed attempt number `attempt` (1-based).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.backoff_min
            .saturating_mul(factor)
            .min(self.backoff_max)
    }

    /// Attempt number `attempt`, made at `at`: its status code, its error
    /// and what follows.
    pub fn judge(
        &self,
        outcome: &reqwest::Result<reqwest::StatusCode>,
        attempt: i64,
        at: DateTime<Utc>,
    ) -> (Option<u16>, Option<String>, Next) {
        let (status_code, error) = match outcome {
            Ok(s) if s.is_success() => (Some(s.as_u16()), None),
            Ok(s) => (Some(s.as_u16()), Some(format!("HTTP {s}"))),
            Err(e) => (None, Some(describe(e))),
        };
        let number = u32::try_from(attempt).unwrap_or(u32::MAX);
        let next = if error.is_none() {
            Next::Sent
        } else if number >= self.attempts || (self.permanent_4xx && refused(status_code)) {
            Next::GiveUp
        } else {
            let pause = chrono::Duration::from_std(self.backoff(number)).unwrap_or_default();
            Next::Retry(at + pause)
        };
        (status_code, error, next)
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The job's key (`sms_callbacks.id`, `sms_mo_forwards.inbox_id`).
    pub key: i64,
    /// 1-based.
    pub number: i64,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// The HTTP status the receiver answered.
    pub status_code: Option<u16>,
    /// Why it failed (a transport error or a non-2xx status).
    pub error: Option<String>,
    /// What follows.
    pub next: Next,
}

impl Attempt {
    /// Attempt `number` of job `key`, just made, judged by `policy`.
    pub fn judged(
        policy: &RetryPolicy,
        key: i64,
        number: i64,
        outcome: &reqwest::Result<reqwest::StatusCode>,
    ) -> Attempt {
        let at = Utc::now();
        let (status_code, error, next) = policy.judge(outcome, number, at);
        Attempt {
            key,
            number,
            at,
            status_code,
            error,
            next,
        }
    }

    /// The `result` label of the delivery counters.
    pub fn label(&self) -> &'static str {
        match self.next {
            Next::Sent => "sent",
            Next::Retry(_) => "retried",
            Next::GiveUp => "given_up",
        }
    }
}

/// A 4xx that is not "too slow" (408) or "too many" (429).
fn refused(status: Option<u16>) -> bool {
    matches!(status, Some(s) if (400..500).contains(&s) && s != 408 && s != 429)
}

/// A transport error with its causes (reqwest's own text is terse).
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use reqwest::StatusCode;

    fn policy(permanent_4xx: bool) -> RetryPolicy {
        RetryPolicy {
            attempts: 3,
            backoff_min: Duration::from_secs(10),
            backoff_max: Duration::from_secs(60),
            permanent_4xx,
        }
    }

    fn next(p: &RetryPolicy, status: u16, attempt: i64) -> Next {
        let at = Utc.with_ymd_and_hms(2026, 11, 21, 17, 0, 0).unwrap();
        p.judge(&Ok(StatusCode::from_u16(status).unwrap()), attempt, at)
            .2
    }

    #[test]
    fn the_backoff_doubles_from_the_minimum_up_to_the_maximum() {
        let p = policy(false);
        let pauses: Vec<u64> = (1..=5).map(|a| p.backoff(a).as_secs()).collect();
        assert_eq!(pauses, [10, 20, 40, 60, 60]);
        assert_eq!(p.backoff(200), Duration::from_secs(60));
    }

    #[test]
    fn a_2xx_is_sent_and_failures_retry_until_the_last_attempt() {
        let p = policy(false);
        let at = Utc.with_ymd_and_hms(2026, 11, 21, 17, 0, 0).unwrap();
        assert_eq!(next(&p, 204, 1), Next::Sent);
        assert_eq!(
            next(&p, 503, 2),
            Next::Retry(at + chrono::Duration::seconds(20))
        );
        assert_eq!(next(&p, 503, 3), Next::GiveUp);
        assert!(matches!(next(&p, 404, 1), Next::Retry(_)));
    }

    #[test]
    fn with_permanent_4xx_a_refusal_gives_up_at_once_but_408_and_429_retry() {
        let p = policy(true);
        assert_eq!(next(&p, 404, 1), Next::GiveUp);
        assert_eq!(next(&p, 400, 1), Next::GiveUp);
        assert!(matches!(next(&p, 408, 1), Next::Retry(_)));
        assert!(matches!(next(&p, 429, 1), Next::Retry(_)));
        assert!(matches!(next(&p, 500, 1), Next::Retry(_)));
    }
}
