//! What the custom-harness benches share: a fresh PostgreSQL database per
//! run, and numbers read from the environment. Included by path, so not
//! every bench uses every item.
#![allow(dead_code)]

/// A new, empty database on `server` (a `postgres://…/db` URL) named
/// `prefix_PID`; its URL. An older one of the same name is dropped first.
pub async fn fresh_postgres(server: &str, prefix: &str) -> String {
    use sqlx::Connection;
    let name = format!("{prefix}_{}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(server).await.expect("postgres");
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut conn)
        .await;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create");
    let base = server.rsplit_once('/').map_or(server, |(b, _)| b);
    format!("{base}/{name}")
}

/// `name` from the environment, or `default` when unset or unreadable.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
