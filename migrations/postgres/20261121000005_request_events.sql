-- Notifications from the registry: a trigger records every change to a card
-- request made by anyone (web side included) as a row here; the gateway's
-- notifier claims rows with FOR UPDATE SKIP LOCKED and turns each into SMS in
-- the outbox in the same transaction that sets processed_at, so an event
-- survives a gateway outage and is sent once. Append-only migration.

CREATE TABLE request_events (
    id            BIGSERIAL PRIMARY KEY,
    request_id    BIGINT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('state', 'payment', 'appointment', 'delivery_office', 'mobile')),
    old_value     TEXT,
    new_value     TEXT,
    mobile        TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    processed_at  TIMESTAMPTZ,
    skipped       TEXT
);
CREATE INDEX request_events_pending ON request_events (id) WHERE processed_at IS NULL;

CREATE FUNCTION request_events_record() RETURNS trigger AS $$
BEGIN
    IF OLD.state IS DISTINCT FROM NEW.state THEN
        INSERT INTO request_events (request_id, kind, old_value, new_value, mobile)
        VALUES (NEW.id, 'state', OLD.state, NEW.state, NEW.mobile);
    END IF;
    IF OLD.payment_state IS DISTINCT FROM NEW.payment_state THEN
        INSERT INTO request_events (request_id, kind, old_value, new_value, mobile)
        VALUES (NEW.id, 'payment', OLD.payment_state, NEW.payment_state, NEW.mobile);
    END IF;
    IF NEW.appointment_day IS NOT NULL AND (OLD.appointment_office_id IS DISTINCT FROM NEW.appointment_office_id
        OR OLD.appointment_day IS DISTINCT FROM NEW.appointment_day
        OR OLD.appointment_shift IS DISTINCT FROM NEW.appointment_shift) THEN
        INSERT INTO request_events (request_id, kind, old_value, new_value, mobile)
        VALUES (NEW.id, 'appointment',
                OLD.appointment_day::text || ' ' || OLD.appointment_shift || ' ' || OLD.appointment_office_id::text,
                NEW.appointment_day::text || ' ' || NEW.appointment_shift || ' ' || NEW.appointment_office_id::text,
                NEW.mobile);
    END IF;
    IF NEW.delivery_office_id IS NOT NULL AND OLD.delivery_office_id IS DISTINCT FROM NEW.delivery_office_id THEN
        INSERT INTO request_events (request_id, kind, old_value, new_value, mobile)
        VALUES (NEW.id, 'delivery_office', OLD.delivery_office_id::text, NEW.delivery_office_id::text, NEW.mobile);
    END IF;
    IF OLD.mobile IS DISTINCT FROM NEW.mobile THEN
        INSERT INTO request_events (request_id, kind, old_value, new_value, mobile)
        VALUES (NEW.id, 'mobile', OLD.mobile, NEW.mobile, NEW.mobile);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER request_events_record AFTER UPDATE ON card_requests
    FOR EACH ROW EXECUTE FUNCTION request_events_record();


-- A change the gateway made for a citizen over USSD or SMS is announced by the
-- service that made it (it knows what the citizen just chose); its event is
-- marked here, in the same transaction, via the audit row the gateway writes
-- with every change, so the notifier never sends it a second time.
CREATE FUNCTION request_events_announced() RETURNS trigger AS $$
BEGIN
    UPDATE request_events SET processed_at = NEW.at, skipped = 'announced by the ' || NEW.channel || ' service'
    WHERE id = (SELECT max(id) FROM request_events
                WHERE request_id = NEW.entity_id::bigint AND processed_at IS NULL
                  AND kind = CASE NEW.action WHEN 'move_appointment' THEN 'appointment'
                                             WHEN 'change_mobile' THEN 'mobile'
                                             ELSE 'delivery_office' END);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER request_events_announced AFTER INSERT ON audit_log
    FOR EACH ROW
    WHEN (NEW.entity = 'card_request' AND NEW.channel IN ('ussd', 'sms')
          AND NEW.action IN ('move_appointment', 'change_mobile', 'change_delivery_office'))
    EXECUTE FUNCTION request_events_announced();
