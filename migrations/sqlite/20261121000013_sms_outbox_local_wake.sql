-- PostgreSQL only (its NOTIFY trigger skips the gateway's own enqueues);
-- SQLite has no notifications. Kept so both backends number their migrations alike.
SELECT 1;
