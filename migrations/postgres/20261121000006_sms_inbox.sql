-- Mobile-originated SMS (issue 7, "MO SMS"). A message is stored whole:
-- parts of a concatenated message wait in sms_inbox_parts until the last
-- one arrives, then are joined, decoded and moved here in one transaction.
CREATE TABLE sms_inbox (
    id              BIGSERIAL PRIMARY KEY,
    carrier         TEXT NOT NULL,
    source          TEXT NOT NULL,
    destination     TEXT NOT NULL,
    text            TEXT,
    data_coding     BIGINT NOT NULL,
    parts           BIGINT NOT NULL DEFAULT 1,
    received_at     TIMESTAMPTZ NOT NULL,
    state           TEXT NOT NULL DEFAULT 'received',
    handled_by      TEXT,
    reply_outbox_id BIGINT REFERENCES sms_outbox (id),
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX sms_inbox_state ON sms_inbox (state, id);

-- Parts of concatenated MO messages still waiting for their siblings.
CREATE TABLE sms_inbox_parts (
    carrier      TEXT NOT NULL,
    source       TEXT NOT NULL,
    destination  TEXT NOT NULL,
    reference    BIGINT NOT NULL,
    total        BIGINT NOT NULL,
    seqnum       BIGINT NOT NULL,
    data_coding  BIGINT NOT NULL,
    octets       BYTEA NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (carrier, source, destination, reference, total, seqnum)
);
