-- PostgreSQL only (its NOTIFY trigger now fires per statement); SQLite has
-- no notifications. Kept so both backends number their migrations alike.
SELECT 1;
