-- Fewer index writes per message on the dispatcher's path.
--
-- sms_outbox_due indexed every row by state, so each state change of a
-- message (queued → submitting → submitted → delivered) moved its entry:
-- six index writes per message. The dispatcher only ever looks for queued
-- rows (claims) and submitting rows (stale claims), so two partial indexes
-- hold just those: a message enters and leaves each once, and a delivered
-- message is in neither.
DROP INDEX sms_outbox_due;
CREATE INDEX sms_outbox_queued ON sms_outbox (priority, next_attempt_at) WHERE state = 'queued';
CREATE INDEX sms_outbox_submitting ON sms_outbox (claimed_at) WHERE state = 'submitting';

-- Receipts are matched by (carrier, smsc_key) (sms_parts_smsc_key); nothing
-- looks parts up by the raw smsc_message_id, yet every part paid for this index.
DROP INDEX sms_parts_message_id;
