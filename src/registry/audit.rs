//! What an audit row says: the changed values before and after, as JSON.

use super::model::Slot;
use serde_json::json;

/// The before and after of one change.
pub(crate) struct Change {
    pub before: Option<String>,
    pub after: Option<String>,
}

/// An appointment move.
pub(crate) fn slots(old: Option<Slot>, new: Slot) -> Change {
    let slot = |s: Slot| json!({"office_id": s.office_id, "day": s.day.to_string(), "shift": s.shift.as_str()});
    Change {
        before: Some(json!({"appointment": old.map(slot)}).to_string()),
        after: Some(json!({"appointment": slot(new)}).to_string()),
    }
}

/// One text field.
pub(crate) fn values(field: &str, old: &str, new: &str) -> Change {
    Change {
        before: Some(json!({ field: old }).to_string()),
        after: Some(json!({ field: new }).to_string()),
    }
}

/// One key field.
pub(crate) fn ids(field: &str, old: Option<i64>, new: i64) -> Change {
    Change {
        before: Some(json!({ field: old }).to_string()),
        after: Some(json!({ field: new }).to_string()),
    }
}

/// A total order on slots, used to lock capacity rows in a fixed order.
pub(crate) fn slot_key(s: &Slot) -> (i64, chrono::NaiveDate, &'static str) {
    (s.office_id, s.day, s.shift.as_str())
}
