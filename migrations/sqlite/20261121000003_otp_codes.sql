-- One-time codes (seeds 000 and 003). Only a keyed hash of each code is stored.
CREATE TABLE otp_codes (
    id           INTEGER PRIMARY KEY,
    client       TEXT NOT NULL,
    msisdn       TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    code_hash    TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    consumed_at  TEXT,
    outbox_id    INTEGER REFERENCES sms_outbox (id)
);
CREATE INDEX otp_codes_lookup ON otp_codes (msisdn, purpose, id);
