//! The web side's answer sent back to the sender by SMS (`reply = true`),
//! as Kannel does for an sms-service: the text goes through the outbox with
//! the idempotency key `mo-forward:<inbox id>`, so a forward repeated after
//! a lost record enqueues it once.

use super::store::PendingForward;
use crate::domain::Msisdn;
use crate::sms::outbox::{NewSms, Priority, SharedOutbox};

/// The outbox client name of replies.
pub const CLIENT: &str = "mo-forward";

/// Enqueues `text` to the sender of `p`; `None` when there is nothing to
/// send (empty text, a sender that is not a mobile, too many parts).
pub async fn reply(
    outbox: &SharedOutbox,
    max_parts: usize,
    p: &PendingForward,
    text: &str,
) -> crate::registry::Result<Option<i64>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let Ok(to) = Msisdn::parse(&p.source) else {
        tracing::info!(
            inbox_id = p.inbox_id,
            "MO sender is not a mobile: the web side's answer is not sent"
        );
        return Ok(None);
    };
    let parts = crate::sms::parts::count(text);
    if parts > max_parts {
        tracing::warn!(
            inbox_id = p.inbox_id,
            parts,
            max_parts,
            "the web side's answer is too long to send"
        );
        return Ok(None);
    }
    let sms = NewSms {
        client: CLIENT.to_owned(),
        client_ref: Some(format!("mo:{}", p.inbox_id)),
        idempotency_key: Some(format!("mo-forward:{}", p.inbox_id)),
        recipient: to,
        sender: None,
        body: text.to_owned(),
        priority: Priority::NORMAL,
        valid_until: None,
        callback_url: None,
        dlr_mask: None,
    };
    Ok(Some(outbox.enqueue(&sms).await?.id()))
}
