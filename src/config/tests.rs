//! Loading settings from defaults, a file and the environment.

// figment's Jail closures must return its own (large) error type.
#![allow(clippy::result_large_err)]

use super::*;
use figment::Jail;

#[test]
fn defaults_need_no_file_and_no_environment() {
    Jail::expect_with(|_jail| {
        let s = Settings::load(None).map_err(|e| e.to_string())?;
        assert_eq!(s.http.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(s.database.url.expose(), "sqlite://data/dargah.db");
        assert_eq!(s.log.format, LogFormat::Pretty);
        Ok(())
    });
}

#[test]
fn environment_overrides_the_file() {
    Jail::expect_with(|jail| {
        jail.create_file(
            "d.toml",
            "[http]\nlisten = \"0.0.0.0:9000\"\n[log]\nformat = \"json\"\n",
        )?;
        jail.set_env("DARGAH__HTTP__LISTEN", "127.0.0.1:9100");
        let s = Settings::load(Some(Path::new("d.toml"))).map_err(|e| e.to_string())?;
        assert_eq!(s.http.listen.to_string(), "127.0.0.1:9100");
        assert_eq!(s.log.format, LogFormat::Json);
        Ok(())
    });
}

#[test]
fn an_unknown_key_is_an_error_naming_it() {
    Jail::expect_with(|jail| {
        jail.create_file("d.toml", "[http]\nlisen = \"0.0.0.0:9000\"\n")?;
        let err = Settings::load(Some(Path::new("d.toml")))
            .unwrap_err()
            .to_string();
        assert!(err.contains("lisen"), "{err}");
        Ok(())
    });
}

#[test]
fn a_bad_value_is_an_error_naming_the_key() {
    Jail::expect_with(|jail| {
        jail.set_env("DARGAH__DATABASE__URL", "mysql://nope");
        let err = Settings::load(None).unwrap_err().to_string();
        assert!(err.contains("database.url") || err.contains("url"), "{err}");
        assert!(err.contains("sqlite://"), "{err}");
        Ok(())
    });
}

#[test]
fn durations_are_written_in_human_form() {
    Jail::expect_with(|jail| {
        jail.create_file(
            "d.toml",
            "[database]\nacquire_timeout = \"750ms\"\nmax_retry_backoff = \"1m\"\n",
        )?;
        let s = Settings::load(Some(Path::new("d.toml"))).map_err(|e| e.to_string())?;
        assert_eq!(s.database.acquire_timeout, Duration::from_millis(750));
        assert_eq!(s.database.max_retry_backoff, Duration::from_secs(60));
        Ok(())
    });
}

#[test]
fn a_missing_config_file_is_an_error() {
    let err = Settings::load(Some(Path::new("/nonexistent/dargah.toml"))).unwrap_err();
    assert!(err.to_string().contains("not found"));
}

#[test]
fn secrets_never_show_in_debug_output() {
    Jail::expect_with(|jail| {
        jail.set_env(
            "DARGAH__DATABASE__URL",
            "postgres://dargah:db-s3cret@db/reg",
        );
        jail.set_env("DARGAH__API__CLIENTS__WEB__KEY", "api-s3cret");
        let s = Settings::load(None).map_err(|e| e.to_string())?;
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("db-s3cret") && !shown.contains("api-s3cret"),
            "{shown}"
        );
        assert!(shown.contains("postgres://dargah:***@db/reg"), "{shown}");
        Ok(())
    });
}
