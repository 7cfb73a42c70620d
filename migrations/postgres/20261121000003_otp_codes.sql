-- One-time codes (seeds 000 and 003). Only a keyed hash of each code is stored.
CREATE TABLE otp_codes (
    id           BIGSERIAL PRIMARY KEY,
    client       TEXT NOT NULL,
    msisdn       TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    code_hash    TEXT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    consumed_at  TIMESTAMPTZ,
    outbox_id    BIGINT REFERENCES sms_outbox (id)
);
CREATE INDEX otp_codes_lookup ON otp_codes (msisdn, purpose, id);
