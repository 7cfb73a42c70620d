//! SQLite: the new messages of a batch (those without an idempotency key)
//! are one statement over one JSON text (`json_each`), parsed inside SQLite,
//! instead of one statement each through sqlx's worker thread. The batch
//! holds the write lock (`BEGIN IMMEDIATE`), so the ids after the largest
//! stored one are free, and are given explicitly in the batch's order.

use crate::registry::Result;
use crate::sms::outbox::NewSms;
use chrono::SecondsFormat;
use serde::Serialize;
use sqlx::SqliteConnection;

const LAST_ID: &str = "SELECT COALESCE(MAX(id), 0) FROM sms_outbox";

const INSERT: &str = "INSERT INTO sms_outbox (id, client, client_ref, recipient, sender, body, \
    priority, valid_until, callback_url, dlr_mask) SELECT $1 + key + 1, value->>'c', value->>'r', \
    value->>'t', value->>'s', value->>'b', value->>'p', value->>'v', value->>'u', value->>'m' \
    FROM json_each($2)";

/// One row of the JSON array, short keys to keep the text small.
#[derive(Serialize)]
struct Row<'a> {
    c: &'a str,
    r: Option<&'a str>,
    t: &'a str,
    s: Option<&'a str>,
    b: &'a str,
    p: u8,
    /// As sqlx binds a `DateTime<Utc>` to SQLite, so both paths store the same text.
    v: Option<String>,
    u: Option<&'a str>,
    m: Option<u8>,
}

impl<'a> From<&'a NewSms> for Row<'a> {
    fn from(s: &'a NewSms) -> Self {
        Row {
            c: &s.client,
            r: s.client_ref.as_deref(),
            t: s.recipient.as_str(),
            s: s.sender.as_deref(),
            b: &s.body,
            p: s.priority.get(),
            v: s.valid_until
                .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, false)),
            u: s.callback_url.as_deref(),
            m: s.dlr_mask,
        }
    }
}

/// Inserts `batch` (no idempotency keys) in one statement inside the write
/// transaction `conn`; the new ids in the batch's order.
pub(crate) async fn insert_new(conn: &mut SqliteConnection, batch: &[&NewSms]) -> Result<Vec<i64>> {
    let rows: Vec<Row> = batch.iter().map(|s| Row::from(*s)).collect();
    let json = serde_json::to_string(&rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let (last,): (i64,) = sqlx::query_as(LAST_ID).fetch_one(&mut *conn).await?;
    sqlx::query(INSERT)
        .bind(last)
        .bind(json)
        .execute(&mut *conn)
        .await?;
    Ok((1..=batch.len() as i64).map(|k| last + k).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Msisdn;
    use crate::sms::outbox::Priority;
    use chrono::TimeZone;

    #[test]
    fn a_row_serialises_with_nulls_and_sqlx_s_time_format() {
        let sms = NewSms {
            client: "web".into(),
            client_ref: None,
            idempotency_key: None,
            recipient: Msisdn::parse("09121234567").unwrap(),
            sender: Some("3000".into()),
            body: "سلام \"x\"".into(),
            priority: Priority::URGENT,
            valid_until: Some(chrono::Utc.with_ymd_and_hms(2026, 11, 21, 8, 0, 0).unwrap()),
            callback_url: None,
            dlr_mask: Some(3),
        };
        assert_eq!(
            serde_json::to_string(&Row::from(&sms)).unwrap(),
            r#"{"c":"web","r":null,"t":"989121234567","s":"3000","b":"سلام \"x\"","p":0,"v":"2026-11-21T08:00:00+00:00","u":null,"m":3}"#
        );
    }
}
