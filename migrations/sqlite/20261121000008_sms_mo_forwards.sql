-- MO forwarding (issue 7, "MO SMS"): an MO message that no keyword claims
-- is forwarded to the web side's URL ([sms.mo_forward]). The row is made in
-- the same transaction that marks the message `forwarding`; the gateway's
-- forward worker calls the URL with retries, records every attempt, and
-- marks the message `forwarded` or `forward_failed`. Append-only migration.

CREATE TABLE sms_mo_forwards (
    inbox_id         INTEGER PRIMARY KEY REFERENCES sms_inbox (id),
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'given_up')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_error       TEXT,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    done_at          TEXT
);
CREATE INDEX sms_mo_forwards_due ON sms_mo_forwards (status, next_attempt_at);

-- Every attempt: the HTTP status the web side answered, or why there was none.
CREATE TABLE sms_mo_forward_attempts (
    inbox_id     INTEGER NOT NULL REFERENCES sms_mo_forwards (inbox_id),
    attempt      INTEGER NOT NULL,
    at           TEXT NOT NULL,
    status_code  INTEGER,
    error        TEXT,
    PRIMARY KEY (inbox_id, attempt)
);
