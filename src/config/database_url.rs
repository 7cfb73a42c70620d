//! `DatabaseUrl`: which backend to use, parsed from the URL scheme, with the
//! password kept out of logs and errors.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A database URL whose scheme named a backend we have.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://path` (relative paths resolve against the working directory).
    Sqlite(String),
    /// `postgres://…` or `postgresql://…`.
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses the URL and picks the backend by scheme.
    pub fn parse(url: &str) -> Result<Self, String> {
        if url.starts_with("sqlite:") {
            Ok(DatabaseUrl::Sqlite(url.to_owned()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseUrl::Postgres(url.to_owned()))
        } else {
            Err("database.url must start with sqlite:// or postgres://".into())
        }
    }

    /// The full URL, secrets included: only for handing to the driver.
    pub fn expose(&self) -> &str {
        match self {
            DatabaseUrl::Sqlite(u) | DatabaseUrl::Postgres(u) => u,
        }
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        let url = self.expose();
        let Some((scheme, rest)) = url.split_once("://") else {
            return url.to_owned();
        };
        let Some((userinfo, host)) = rest.split_once('@') else {
            return url.to_owned();
        };
        match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        }
    }
}

impl Default for DatabaseUrl {
    fn default() -> Self {
        DatabaseUrl::Sqlite("sqlite://data/dargah.db".into())
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Serialize for DatabaseUrl {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for DatabaseUrl {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        DatabaseUrl::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_picks_the_backend() {
        assert!(matches!(
            DatabaseUrl::parse("sqlite://x.db"),
            Ok(DatabaseUrl::Sqlite(_))
        ));
        assert!(matches!(
            DatabaseUrl::parse("postgresql://h/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(DatabaseUrl::parse("mysql://h/db").is_err());
    }

    #[test]
    fn passwords_never_print() {
        let url = DatabaseUrl::parse("postgres://dargah:s3cret@db:5432/reg").unwrap();
        assert_eq!(
            format!("{url:?} {url}"),
            "postgres://dargah:***@db:5432/reg postgres://dargah:***@db:5432/reg"
        );
    }
}
