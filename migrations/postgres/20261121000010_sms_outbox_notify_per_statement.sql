-- Wake dispatchers once per INSERT statement, not once per row: a batch of
-- 500 rows (the API's group commit, the web side's bulk inserts) sent 500
-- distinct notifications, each queued and delivered to every listener. An
-- empty payload lets PostgreSQL fold the notifications of one transaction
-- into one. The dispatcher only needs the wake; it claims what is due.
DROP TRIGGER sms_outbox_notify ON sms_outbox;
CREATE OR REPLACE FUNCTION sms_outbox_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('sms_outbox', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sms_outbox_notify AFTER INSERT ON sms_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION sms_outbox_notify();
