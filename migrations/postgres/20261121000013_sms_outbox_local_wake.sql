-- The gateway's own enqueues no longer NOTIFY: PostgreSQL serialises the
-- commits of all notifying transactions (a lock taken before commit and held
-- through the WAL flush), so concurrent enqueue batches lost group commit.
-- The gateway sets `dargah.local_wake` in those transactions and wakes its
-- dispatcher in-process after commit (src/sms/outbox/wake.rs). Every other
-- insert, the web side's included, still notifies as before.
CREATE OR REPLACE FUNCTION sms_outbox_notify() RETURNS trigger AS $$
BEGIN
    IF current_setting('dargah.local_wake', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('sms_outbox', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
