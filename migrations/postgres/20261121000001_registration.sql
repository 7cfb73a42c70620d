-- The registration schema shared with the web side (seed 002). Append-only:
-- never edit this file once landed; add a new migration instead.

CREATE TABLE citizens (
    national_id        TEXT PRIMARY KEY CHECK (length(national_id) = 10),
    id_serial          TEXT NOT NULL CHECK (length(id_serial) = 6),
    serial_changed_at  TIMESTAMPTZ,
    first_name         TEXT NOT NULL,
    last_name          TEXT NOT NULL,
    mother_first_name  TEXT NOT NULL,
    birth_date         DATE NOT NULL,
    gender             TEXT NOT NULL CHECK (gender IN ('male', 'female')),
    alive              BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE enrollment_offices (
    id                     BIGSERIAL PRIMARY KEY,
    code                   TEXT NOT NULL UNIQUE,
    name                   TEXT NOT NULL,
    city                   TEXT NOT NULL,
    area_code              TEXT NOT NULL,
    phone                  TEXT NOT NULL,
    address                TEXT NOT NULL,
    home_enrollment        BOOLEAN NOT NULL DEFAULT FALSE,
    step_free_access       BOOLEAN NOT NULL DEFAULT FALSE,
    iris_exception         BOOLEAN NOT NULL DEFAULT FALSE,
    fingerprint_exception  BOOLEAN NOT NULL DEFAULT FALSE,
    active                 BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX enrollment_offices_area ON enrollment_offices (area_code);

CREATE TABLE office_capacity (
    office_id  BIGINT NOT NULL REFERENCES enrollment_offices (id),
    day        DATE NOT NULL,
    shift      TEXT NOT NULL CHECK (shift IN ('morning', 'evening')),
    approved   BIGINT NOT NULL CHECK (approved >= 0),
    reserved   BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    PRIMARY KEY (office_id, day, shift),
    CHECK (reserved <= approved)
);
CREATE INDEX office_capacity_day ON office_capacity (day, shift);

CREATE TABLE delivery_offices (
    id         BIGSERIAL PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    city       TEXT NOT NULL,
    area_code  TEXT NOT NULL,
    phone      TEXT NOT NULL,
    address    TEXT NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX delivery_offices_area ON delivery_offices (area_code);

CREATE TABLE card_requests (
    id                     BIGSERIAL PRIMARY KEY,
    tracking_code          TEXT UNIQUE,
    national_id            TEXT NOT NULL REFERENCES citizens (national_id),
    mobile                 TEXT NOT NULL,
    state                  TEXT NOT NULL CHECK (state IN ('first_page_submitted', 'personal_data_entered',
                               'appointment_chosen', 'enrollment_started', 'enrollment_completed',
                               'production_started', 'card_produced', 'card_at_delivery_office', 'card_delivered')),
    payment_state          TEXT NOT NULL DEFAULT 'not_started' CHECK (payment_state IN ('not_started', 'pending',
                               'failed', 'failed_money_taken', 'timed_out', 'succeeded')),
    payment_updated_at     TIMESTAMPTZ,
    can_leave_home         BOOLEAN NOT NULL DEFAULT TRUE,
    can_climb_stairs       BOOLEAN NOT NULL DEFAULT TRUE,
    pupils_visible         BOOLEAN NOT NULL DEFAULT TRUE,
    fingers_healthy        BOOLEAN NOT NULL DEFAULT TRUE,
    appointment_office_id  BIGINT REFERENCES enrollment_offices (id),
    appointment_day        DATE,
    appointment_shift      TEXT CHECK (appointment_shift IN ('morning', 'evening')),
    delivery_office_id     BIGINT REFERENCES delivery_offices (id),
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX card_requests_mobile ON card_requests (mobile);
CREATE INDEX card_requests_national_id ON card_requests (national_id);

CREATE TABLE audit_log (
    id         BIGSERIAL PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor      TEXT NOT NULL,
    channel    TEXT NOT NULL CHECK (channel IN ('ussd', 'sms', 'web', 'system')),
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    action     TEXT NOT NULL,
    before     TEXT,
    after      TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
