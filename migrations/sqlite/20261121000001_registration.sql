-- The registration schema shared with the web side (seed 002). Append-only:
-- never edit this file once landed; add a new migration instead.
-- Timestamps are RFC 3339 text in UTC, dates are YYYY-MM-DD text, booleans 0/1.

CREATE TABLE citizens (
    national_id        TEXT PRIMARY KEY CHECK (length(national_id) = 10),
    id_serial          TEXT NOT NULL CHECK (length(id_serial) = 6),
    serial_changed_at  TEXT,
    first_name         TEXT NOT NULL,
    last_name          TEXT NOT NULL,
    mother_first_name  TEXT NOT NULL,
    birth_date         TEXT NOT NULL,
    gender             TEXT NOT NULL CHECK (gender IN ('male', 'female')),
    alive              INTEGER NOT NULL DEFAULT 1,
    updated_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE enrollment_offices (
    id                     INTEGER PRIMARY KEY,
    code                   TEXT NOT NULL UNIQUE,
    name                   TEXT NOT NULL,
    city                   TEXT NOT NULL,
    area_code              TEXT NOT NULL,
    phone                  TEXT NOT NULL,
    address                TEXT NOT NULL,
    home_enrollment        INTEGER NOT NULL DEFAULT 0,
    step_free_access       INTEGER NOT NULL DEFAULT 0,
    iris_exception         INTEGER NOT NULL DEFAULT 0,
    fingerprint_exception  INTEGER NOT NULL DEFAULT 0,
    active                 INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX enrollment_offices_area ON enrollment_offices (area_code);

CREATE TABLE office_capacity (
    office_id  INTEGER NOT NULL REFERENCES enrollment_offices (id),
    day        TEXT NOT NULL,
    shift      TEXT NOT NULL CHECK (shift IN ('morning', 'evening')),
    approved   INTEGER NOT NULL CHECK (approved >= 0),
    reserved   INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    PRIMARY KEY (office_id, day, shift),
    CHECK (reserved <= approved)
);
CREATE INDEX office_capacity_day ON office_capacity (day, shift);

CREATE TABLE delivery_offices (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    city       TEXT NOT NULL,
    area_code  TEXT NOT NULL,
    phone      TEXT NOT NULL,
    address    TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX delivery_offices_area ON delivery_offices (area_code);

CREATE TABLE card_requests (
    id                     INTEGER PRIMARY KEY,
    tracking_code          TEXT UNIQUE,
    national_id            TEXT NOT NULL REFERENCES citizens (national_id),
    mobile                 TEXT NOT NULL,
    state                  TEXT NOT NULL CHECK (state IN ('first_page_submitted', 'personal_data_entered',
                               'appointment_chosen', 'enrollment_started', 'enrollment_completed',
                               'production_started', 'card_produced', 'card_at_delivery_office', 'card_delivered')),
    payment_state          TEXT NOT NULL DEFAULT 'not_started' CHECK (payment_state IN ('not_started', 'pending',
                               'failed', 'failed_money_taken', 'timed_out', 'succeeded')),
    payment_updated_at     TEXT,
    can_leave_home         INTEGER NOT NULL DEFAULT 1,
    can_climb_stairs       INTEGER NOT NULL DEFAULT 1,
    pupils_visible         INTEGER NOT NULL DEFAULT 1,
    fingers_healthy        INTEGER NOT NULL DEFAULT 1,
    appointment_office_id  INTEGER REFERENCES enrollment_offices (id),
    appointment_day        TEXT,
    appointment_shift      TEXT CHECK (appointment_shift IN ('morning', 'evening')),
    delivery_office_id     INTEGER REFERENCES delivery_offices (id),
    created_at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX card_requests_mobile ON card_requests (mobile);
CREATE INDEX card_requests_national_id ON card_requests (national_id);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor      TEXT NOT NULL,
    channel    TEXT NOT NULL CHECK (channel IN ('ussd', 'sms', 'web', 'system')),
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    action     TEXT NOT NULL,
    before     TEXT,
    after      TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
