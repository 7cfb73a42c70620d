-- Client callbacks for message state changes. A trigger records a pending
-- callback in the same transaction as the state change (whoever makes it:
-- the dispatcher, the receipt writer, the web side); the gateway's callback
-- worker sends it with retries and records every attempt. Append-only migration.

CREATE TABLE sms_callbacks (
    id               INTEGER PRIMARY KEY,
    outbox_id        INTEGER NOT NULL REFERENCES sms_outbox (id),
    -- The message state that was reached, and its Kannel DLR type (1
    -- delivered, 2 undeliverable or expired, 8 submitted, 16 failed) for
    -- Kannel clients (dlr_mask set); NULL for JSON clients.
    state            TEXT NOT NULL,
    dlr_type         INTEGER,
    url              TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'given_up')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_error       TEXT,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    done_at          TEXT
);
CREATE INDEX sms_callbacks_due ON sms_callbacks (status, next_attempt_at);
CREATE INDEX sms_callbacks_outbox ON sms_callbacks (outbox_id);

-- Every attempt: the HTTP status the client answered, or why there was none.
CREATE TABLE sms_callback_attempts (
    callback_id  INTEGER NOT NULL REFERENCES sms_callbacks (id),
    attempt      INTEGER NOT NULL,
    at           TEXT NOT NULL,
    status_code  INTEGER,
    error        TEXT,
    PRIMARY KEY (callback_id, attempt)
);

CREATE TRIGGER sms_callbacks_record AFTER UPDATE OF state ON sms_outbox
WHEN NEW.callback_url IS NOT NULL AND NEW.state <> OLD.state AND (
    (NEW.dlr_mask IS NULL AND NEW.state IN ('delivered', 'undeliverable', 'expired', 'failed'))
    OR (NEW.dlr_mask & (CASE NEW.state WHEN 'delivered' THEN 1 WHEN 'undeliverable' THEN 2
        WHEN 'expired' THEN 2 WHEN 'submitted' THEN 8 WHEN 'failed' THEN 16 ELSE 0 END)) <> 0)
BEGIN
    INSERT INTO sms_callbacks (outbox_id, state, dlr_type, url)
    VALUES (NEW.id, NEW.state,
        CASE WHEN NEW.dlr_mask IS NULL THEN NULL ELSE (CASE NEW.state WHEN 'delivered' THEN 1
            WHEN 'undeliverable' THEN 2 WHEN 'expired' THEN 2 WHEN 'submitted' THEN 8
            WHEN 'failed' THEN 16 END) END,
        NEW.callback_url);
END;
