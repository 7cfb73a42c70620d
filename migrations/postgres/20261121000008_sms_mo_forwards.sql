-- MO forwarding (issue 7, "MO SMS"): an MO message that no keyword claims
-- is forwarded to the web side's URL ([sms.mo_forward]). The row is made in
-- the same transaction that marks the message `forwarding`; the gateway's
-- forward workers (several nodes: FOR UPDATE SKIP LOCKED) call the URL with
-- retries, record every attempt, and mark the message `forwarded` or
-- `forward_failed`. Append-only migration.

CREATE TABLE sms_mo_forwards (
    inbox_id         BIGINT PRIMARY KEY REFERENCES sms_inbox (id),
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'given_up')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    done_at          TIMESTAMPTZ
);
CREATE INDEX sms_mo_forwards_due ON sms_mo_forwards (next_attempt_at) WHERE status = 'pending';

-- Every attempt: the HTTP status the web side answered, or why there was none.
CREATE TABLE sms_mo_forward_attempts (
    inbox_id     BIGINT NOT NULL REFERENCES sms_mo_forwards (inbox_id),
    attempt      INTEGER NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    status_code  INTEGER,
    error        TEXT,
    PRIMARY KEY (inbox_id, attempt)
);
