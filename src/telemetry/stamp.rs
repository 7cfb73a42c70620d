//! The log line's timestamp, as tracing-subscriber's `SystemTime` writes it
//! (`2026-11-22T01:56:07.123456Z`), with the date and time of day formatted
//! once per second per thread instead of once per line: the calendar
//! arithmetic was about 3k instructions of every USSD hop (callgrind,
//! BENCHMARKS.md).

use std::cell::RefCell;
use std::fmt::{self, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;

/// Now, in UTC, to the microsecond.
pub struct Stamp;

thread_local! {
    /// The last whole second written on this thread, and its `YYYY-MM-DDTHH:MM:SS`.
    static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
}

impl FormatTime for Stamp {
    fn format_time(&self, w: &mut Writer<'_>) -> fmt::Result {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => write_at(w, since),
            // A clock before 1970: the stock formatter knows what to write.
            Err(_) => tracing_subscriber::fmt::time::SystemTime.format_time(w),
        }
    }
}

/// Writes the instant `since` the Unix epoch.
fn write_at(w: &mut impl Write, since: Duration) -> fmt::Result {
    let secs = since.as_secs();
    SECOND.with(|cell| {
        let Ok(mut second) = cell.try_borrow_mut() else {
            return write!(w, "{}.{:06}Z", seconds(secs)?, since.subsec_micros());
        };
        if second.0 != secs {
            *second = (secs, seconds(secs)?);
        }
        write!(w, "{}.{:06}Z", second.1, since.subsec_micros())
    })
}

/// `YYYY-MM-DDTHH:MM:SS` of a whole second since the epoch.
fn seconds(secs: u64) -> Result<String, fmt::Error> {
    let at = i64::try_from(secs)
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .ok_or(fmt::Error)?;
    Ok(at.format("%Y-%m-%dT%H:%M:%S").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::SecondsFormat;

    fn at(since: Duration) -> String {
        let mut out = String::new();
        write_at(&mut out, since).unwrap();
        out
    }

    #[test]
    fn instants_are_written_as_rfc3339_utc_with_microseconds() {
        for (secs, nanos) in [
            (0, 0),
            (1_795_312_567, 123_456_789),
            (1_795_312_567, 999_999_999),
            (1_795_312_568, 1_000),
            (951_782_400, 500_000), // 2000-02-29
            (4_102_444_799, 0),     // 2099-12-31T23:59:59
        ] {
            let since = Duration::new(secs, nanos);
            let chrono = chrono::DateTime::from_timestamp(secs as i64, nanos)
                .unwrap()
                .to_rfc3339_opts(SecondsFormat::Micros, true);
            assert_eq!(at(since), chrono);
        }
    }

    #[test]
    fn the_stamp_has_the_stock_formatters_shape() {
        let (mut stock, mut ours) = (String::new(), String::new());
        tracing_subscriber::fmt::time::SystemTime
            .format_time(&mut Writer::new(&mut stock))
            .unwrap();
        Stamp.format_time(&mut Writer::new(&mut ours)).unwrap();
        assert_eq!(stock.len(), ours.len(), "{stock} {ours}");
        // Now, in UTC (not local time).
        let when = chrono::DateTime::parse_from_rfc3339(&ours).unwrap();
        assert!(
            (chrono::Utc::now() - when.to_utc()).num_seconds().abs() < 5,
            "{ours}"
        );
        for (s, o) in stock.chars().zip(ours.chars()) {
            assert_eq!(s.is_ascii_digit(), o.is_ascii_digit(), "{stock} {ours}");
        }
    }
}
