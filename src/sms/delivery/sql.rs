//! SQL steps shared by the delivery stores (callbacks, MO forwards), as
//! macros expanded inside the backends' trait impls (instants bound as
//! text, `ts`, so both backends compare them alike).

/// Claims with `$claim` (binds now, lease end, limit; returns the keys) in
/// a write transaction, then reads the claimed jobs with `$details` (binds
/// the keys as a JSON array); returns from the enclosing function.
macro_rules! claim_then_read {
    ($self:ident, $claim:expr, $details:expr, $limit:expr, $now:expr, $lease_until:expr) => {{
        use $crate::sms::dispatch::sql::ts;
        let mut tx = $self.begin_write().await?;
        let keys: Vec<(i64,)> = sqlx::query_as($claim)
            .bind(ts($now))
            .bind(ts($lease_until))
            .bind(i64::from($limit))
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<i64> = keys.into_iter().map(|(k,)| k).collect();
        return Ok(sqlx::query_as($details)
            .bind($crate::sms::dispatch::store::json_text(&keys))
            .fetch_all(&$self.pool)
            .await?);
    }};
}

/// On transaction `$tx`, inserts attempt `$a` (a `delivery::Attempt`) with
/// `$insert` (binds key, number, at, status code, error) and moves its job
/// on with `$next` (binds key, status `pending`/`sent`/`given_up`, retry
/// instant, error, done instant).
macro_rules! record_attempt {
    ($tx:expr, $insert:expr, $next:expr, $a:expr) => {{
        use $crate::sms::delivery::Next;
        use $crate::sms::dispatch::sql::ts;
        let a: &$crate::sms::delivery::Attempt = $a;
        let (status, retry_at, done_at) = match a.next {
            Next::Sent => ("sent", None, Some(ts(a.at))),
            Next::Retry(at) => ("pending", Some(ts(at)), None),
            Next::GiveUp => ("given_up", None, Some(ts(a.at))),
        };
        sqlx::query($insert)
            .bind(a.key)
            .bind(i32::try_from(a.number).unwrap_or(i32::MAX))
            .bind(ts(a.at))
            .bind(a.status_code.map(i32::from))
            .bind(&a.error)
            .execute(&mut *$tx)
            .await?;
        sqlx::query($next)
            .bind(a.key)
            .bind(status)
            .bind(retry_at)
            .bind(&a.error)
            .bind(done_at)
            .execute(&mut *$tx)
            .await?;
    }};
}

/// SQLite's `CLAIM`, `ATTEMPT` and `NEXT` for jobs in table `$jobs` keyed
/// by `$key`, with their attempts in `$attempts` keyed by (`$job`,
/// `attempt`). `BEGIN IMMEDIATE` makes the claim exclusive.
macro_rules! sqlite_statements {
    ($jobs:literal, $key:literal, $attempts:literal, $job:literal) => {
        pub const CLAIM: &str = concat!(
            "UPDATE ",
            $jobs,
            " SET attempts = attempts + 1, next_attempt_at = $2 WHERE ",
            $key,
            " IN (SELECT ",
            $key,
            " FROM ",
            $jobs,
            " WHERE status = 'pending' AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at LIMIT $3) RETURNING ",
            $key
        );
        pub const ATTEMPT: &str = concat!(
            "INSERT INTO ",
            $attempts,
            " (",
            $job,
            ", attempt, at, status_code, error) \
             VALUES ($1, $2, $3, $4, $5)"
        );
        pub const NEXT: &str = concat!(
            "UPDATE ",
            $jobs,
            " SET status = $2, next_attempt_at = COALESCE($3, next_attempt_at), \
             last_error = $4, done_at = $5 WHERE ",
            $key,
            " = $1"
        );
    };
}

/// PostgreSQL's `CLAIM`, `ATTEMPT` and `NEXT`, as `sqlite_statements!`;
/// `FOR UPDATE SKIP LOCKED` lets several nodes claim at once.
macro_rules! postgres_statements {
    ($jobs:literal, $key:literal, $attempts:literal, $job:literal) => {
        pub const CLAIM: &str = concat!(
            "UPDATE ", $jobs, " j SET attempts = j.attempts + 1, next_attempt_at = $2::timestamptz \
             FROM (SELECT ", $key, " FROM ", $jobs, " WHERE status = 'pending' \
             AND next_attempt_at <= $1::timestamptz ORDER BY next_attempt_at LIMIT $3 \
             FOR UPDATE SKIP LOCKED) d WHERE j.", $key, " = d.", $key, " RETURNING j.", $key
        );
        pub const ATTEMPT: &str = concat!(
            "INSERT INTO ", $attempts, " (", $job, ", attempt, at, status_code, error) \
             VALUES ($1, $2, $3::timestamptz, $4, $5)"
        );
        pub const NEXT: &str = concat!(
            "UPDATE ", $jobs, " SET status = $2, \
             next_attempt_at = COALESCE($3::timestamptz, next_attempt_at), last_error = $4, \
             done_at = $5::timestamptz WHERE ", $key, " = $1"
        );
    };
}

pub(crate) use claim_then_read;
pub(crate) use postgres_statements;
pub(crate) use record_attempt;
pub(crate) use sqlite_statements;
