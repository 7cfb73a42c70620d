-- The SMS outbox shared with the web side: it may insert rows here directly
-- (see docs/schema.md), or use the HTTP API. Append-only migration.

CREATE TABLE sms_outbox (
    id               INTEGER PRIMARY KEY,
    client           TEXT NOT NULL DEFAULT 'web-db',
    client_ref       TEXT,
    idempotency_key  TEXT,
    recipient        TEXT NOT NULL,
    sender           TEXT,
    body             TEXT NOT NULL CHECK (length(body) > 0),
    dlr_mask         INTEGER,
    priority         INTEGER NOT NULL DEFAULT 5 CHECK (priority BETWEEN 0 AND 9),
    state            TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'submitting', 'submitted',
                         'delivered', 'undeliverable', 'expired', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    valid_until      TEXT,
    carrier          TEXT,
    parts            INTEGER,
    error            TEXT,
    callback_url     TEXT,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (client, idempotency_key)
);
CREATE INDEX sms_outbox_due ON sms_outbox (state, priority, next_attempt_at);

CREATE TABLE sms_parts (
    outbox_id        INTEGER NOT NULL REFERENCES sms_outbox (id),
    part_no          INTEGER NOT NULL,
    carrier          TEXT NOT NULL,
    smsc_message_id  TEXT,
    submitted_at     TEXT,
    receipt_state    TEXT,
    receipt_error    TEXT,
    receipt_at       TEXT,
    PRIMARY KEY (outbox_id, part_no)
);
CREATE INDEX sms_parts_message_id ON sms_parts (carrier, smsc_message_id);
