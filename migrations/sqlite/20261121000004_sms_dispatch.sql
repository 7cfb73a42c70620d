-- The dispatcher's bookkeeping: claim leases on the outbox, normalised SMSC
-- ids on the parts (receipts match on them), and ported numbers that
-- override the prefix routing. Append-only migration.

-- When a dispatcher claimed the row (state 'submitting'); a claim older than
-- the lease is taken to be a dead node's and the row is queued again.
ALTER TABLE sms_outbox ADD COLUMN claimed_at TEXT;

-- The SMSC message id normalised (hex/decimal rules of the carrier), the key
-- receipts are matched by.
ALTER TABLE sms_parts ADD COLUMN smsc_key TEXT;
CREATE INDEX sms_parts_smsc_key ON sms_parts (carrier, smsc_key);

-- Numbers ported to another carrier than their prefix says.
CREATE TABLE sms_number_routes (
    msisdn      TEXT PRIMARY KEY,
    carrier     TEXT NOT NULL,
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
