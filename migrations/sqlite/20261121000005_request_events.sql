-- Notifications from the registry: triggers record every change to a card
-- request made by anyone (web side included) as a row here; the gateway's
-- notifier turns each row into SMS in the outbox in the same transaction that
-- sets processed_at, so an event survives a gateway outage and is sent once.
-- Append-only migration.

CREATE TABLE request_events (
    id            INTEGER PRIMARY KEY,
    request_id    INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('state', 'payment', 'appointment', 'delivery_office', 'mobile')),
    old_value     TEXT,
    new_value     TEXT,
    mobile        TEXT NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    processed_at  TEXT,
    skipped       TEXT
);
CREATE INDEX request_events_pending ON request_events (id) WHERE processed_at IS NULL;

CREATE TRIGGER request_events_state AFTER UPDATE OF state ON card_requests
    WHEN OLD.state IS NOT NEW.state
BEGIN
    INSERT INTO request_events (request_id, kind, old_value, new_value, mobile)
    VALUES (NEW.id, 'state', OLD.state, NEW.state, NEW.mobile);
END;

CREATE TRIGGER request_events_payment AFTER UPDATE OF payment_state ON card_requests
    WHEN OLD.payment_state IS NOT NEW.payment_state
BEGIN
    INSERT INTO request_events (request_id, kind, old_value, new_value, mobile)
    VALUES (NEW.id, 'payment', OLD.payment_state, NEW.payment_state, NEW.mobile);
END;

CREATE TRIGGER request_events_appointment
    AFTER UPDATE OF appointment_office_id, appointment_day, appointment_shift ON card_requests
    WHEN NEW.appointment_day IS NOT NULL AND (OLD.appointment_office_id IS NOT NEW.appointment_office_id
        OR OLD.appointment_day IS NOT NEW.appointment_day OR OLD.appointment_shift IS NOT NEW.appointment_shift)
BEGIN
    INSERT INTO request_events (request_id, kind, old_value, new_value, mobile)
    VALUES (NEW.id, 'appointment',
            OLD.appointment_day || ' ' || OLD.appointment_shift || ' ' || OLD.appointment_office_id,
            NEW.appointment_day || ' ' || NEW.appointment_shift || ' ' || NEW.appointment_office_id,
            NEW.mobile);
END;

CREATE TRIGGER request_events_delivery_office AFTER UPDATE OF delivery_office_id ON card_requests
    WHEN NEW.delivery_office_id IS NOT NULL AND OLD.delivery_office_id IS NOT NEW.delivery_office_id
BEGIN
    INSERT INTO request_events (request_id, kind, old_value, new_value, mobile)
    VALUES (NEW.id, 'delivery_office', OLD.delivery_office_id, NEW.delivery_office_id, NEW.mobile);
END;

CREATE TRIGGER request_events_mobile AFTER UPDATE OF mobile ON card_requests
    WHEN OLD.mobile IS NOT NEW.mobile
BEGIN
    INSERT INTO request_events (request_id, kind, old_value, new_value, mobile)
    VALUES (NEW.id, 'mobile', OLD.mobile, NEW.mobile, NEW.mobile);
END;

-- A change the gateway made for a citizen over USSD or SMS is announced by the
-- service that made it (it knows what the citizen just chose); its event is
-- marked here, in the same transaction, via the audit row the gateway writes
-- with every change, so the notifier never sends it a second time.
CREATE TRIGGER request_events_announced AFTER INSERT ON audit_log
    WHEN NEW.entity = 'card_request' AND NEW.channel IN ('ussd', 'sms')
        AND NEW.action IN ('move_appointment', 'change_mobile', 'change_delivery_office')
BEGIN
    UPDATE request_events SET processed_at = NEW.at, skipped = 'announced by the ' || NEW.channel || ' service'
    WHERE id = (SELECT max(id) FROM request_events
                WHERE request_id = CAST(NEW.entity_id AS INTEGER) AND processed_at IS NULL
                  AND kind = CASE NEW.action WHEN 'move_appointment' THEN 'appointment'
                                             WHEN 'change_mobile' THEN 'mobile'
                                             ELSE 'delivery_office' END);
END;
