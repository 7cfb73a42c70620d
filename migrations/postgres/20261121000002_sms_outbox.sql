-- The SMS outbox shared with the web side: it may insert rows here directly
-- (see docs/schema.md), or use the HTTP API. Append-only migration.

CREATE TABLE sms_outbox (
    id               BIGSERIAL PRIMARY KEY,
    client           TEXT NOT NULL DEFAULT 'web-db',
    client_ref       TEXT,
    idempotency_key  TEXT,
    recipient        TEXT NOT NULL,
    sender           TEXT,
    body             TEXT NOT NULL CHECK (length(body) > 0),
    dlr_mask         BIGINT,
    priority         BIGINT NOT NULL DEFAULT 5 CHECK (priority BETWEEN 0 AND 9),
    state            TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'submitting', 'submitted',
                         'delivered', 'undeliverable', 'expired', 'failed')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    valid_until      TIMESTAMPTZ,
    carrier          TEXT,
    parts            BIGINT,
    error            TEXT,
    callback_url     TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (client, idempotency_key)
);
CREATE INDEX sms_outbox_due ON sms_outbox (state, priority, next_attempt_at);

CREATE TABLE sms_parts (
    outbox_id        BIGINT NOT NULL REFERENCES sms_outbox (id),
    part_no          BIGINT NOT NULL,
    carrier          TEXT NOT NULL,
    smsc_message_id  TEXT,
    submitted_at     TIMESTAMPTZ,
    receipt_state    TEXT,
    receipt_error    TEXT,
    receipt_at       TIMESTAMPTZ,
    PRIMARY KEY (outbox_id, part_no)
);
CREATE INDEX sms_parts_message_id ON sms_parts (carrier, smsc_message_id);

-- Wake dispatchers early on insert; polling stays the fallback.
CREATE FUNCTION sms_outbox_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('sms_outbox', NEW.id::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sms_outbox_notify AFTER INSERT ON sms_outbox
    FOR EACH ROW EXECUTE FUNCTION sms_outbox_notify();
