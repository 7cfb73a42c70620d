-- Client callbacks for message state changes. A trigger records a pending
-- callback in the same transaction as the state change (whoever makes it:
-- the dispatcher, the receipt writer, the web side); the gateway's callback
-- workers (several nodes: FOR UPDATE SKIP LOCKED) send it with retries and
-- record every attempt. Append-only migration.

CREATE TABLE sms_callbacks (
    id               BIGSERIAL PRIMARY KEY,
    outbox_id        BIGINT NOT NULL REFERENCES sms_outbox (id),
    -- The message state that was reached, and its Kannel DLR type (1
    -- delivered, 2 undeliverable or expired, 8 submitted, 16 failed) for
    -- Kannel clients (dlr_mask set); NULL for JSON clients.
    state            TEXT NOT NULL,
    dlr_type         INTEGER,
    url              TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'given_up')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    done_at          TIMESTAMPTZ
);
CREATE INDEX sms_callbacks_due ON sms_callbacks (next_attempt_at) WHERE status = 'pending';
CREATE INDEX sms_callbacks_outbox ON sms_callbacks (outbox_id);

-- Every attempt: the HTTP status the client answered, or why there was none.
CREATE TABLE sms_callback_attempts (
    callback_id  BIGINT NOT NULL REFERENCES sms_callbacks (id),
    attempt      INTEGER NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    status_code  INTEGER,
    error        TEXT,
    PRIMARY KEY (callback_id, attempt)
);

CREATE FUNCTION sms_callbacks_record() RETURNS trigger AS $$
DECLARE
    kind INTEGER := CASE NEW.state WHEN 'delivered' THEN 1 WHEN 'undeliverable' THEN 2
        WHEN 'expired' THEN 2 WHEN 'submitted' THEN 8 WHEN 'failed' THEN 16 ELSE 0 END;
BEGIN
    IF NEW.dlr_mask IS NULL AND NEW.state IN ('delivered', 'undeliverable', 'expired', 'failed') THEN
        INSERT INTO sms_callbacks (outbox_id, state, dlr_type, url)
        VALUES (NEW.id, NEW.state, NULL, NEW.callback_url);
    ELSIF NEW.dlr_mask IS NOT NULL AND (NEW.dlr_mask & kind) <> 0 THEN
        INSERT INTO sms_callbacks (outbox_id, state, dlr_type, url)
        VALUES (NEW.id, NEW.state, kind, NEW.callback_url);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- The WHEN clause keeps the bulk updates of messages without a callback
-- from calling the function at all.
CREATE TRIGGER sms_callbacks_record AFTER UPDATE OF state ON sms_outbox
FOR EACH ROW WHEN (NEW.callback_url IS NOT NULL AND OLD.state IS DISTINCT FROM NEW.state)
EXECUTE FUNCTION sms_callbacks_record();
