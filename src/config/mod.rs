//! Typed settings: defaults in code → optional TOML file → `DARGAH__SECTION__KEY`
//! environment variables (figment), checked when the process starts.
//!
//! Unknown keys and bad values stop the start with a message naming the key,
//! because a typo in a carrier's config must not silently fall back to a default.

mod database_url;
mod example;

pub use database_url::DatabaseUrl;

use figment::{
    Figment,
    providers::{Env, Format, Toml},
};
use serde::{Deserialize, Serialize};
use std::{net::SocketAddr, path::Path, time::Duration};

/// Every setting of the gateway.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The HTTP server: USSD callbacks, APIs, health and metrics.
    pub http: HttpSettings,
    /// The shared registration database.
    pub database: DatabaseSettings,
    /// Log output.
    pub log: LogSettings,
    /// Outgoing SMS.
    pub sms: SmsSettings,
    /// Clients of the HTTP SMS API.
    pub api: crate::sms::api::ApiSettings,
    /// One-time codes.
    pub otp: crate::sms::otp::OtpPolicy,
    /// Notifications from registry events and appointment reminders.
    pub notify: crate::sms::events::NotifySettings,
    /// The USSD engine: menus, pages, sessions, HTTP routes.
    pub ussd: crate::ussd::UssdSettings,
    /// `[carriers.NAME]`: the SMSCs to bind to (none: no SMPP).
    pub carriers: crate::smpp::link::Carriers,
    /// The national smart ID card service: rate limits and the appointment window.
    pub national_card: crate::services::national_card::NationalCardSettings,
}

/// `[sms]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmsSettings {
    /// The most parts one message may be split into; longer texts are refused with 400.
    pub max_parts: usize,
    /// One-time codes one mobile may be sent per hour, whatever the purpose.
    pub otp_per_msisdn_per_hour: u32,
    /// `[sms.dispatch]`: how the outbox is drained through the links.
    pub dispatch: crate::sms::dispatch::DispatchSettings,
    /// `[sms.routes]`: the carrier of each recipient prefix.
    pub routes: crate::sms::dispatch::RouteSettings,
    /// `[sms.callbacks]`: how clients' callback URLs are called.
    pub callbacks: crate::sms::callbacks::CallbackSettings,
    /// `[sms.mo_forward]`: unclaimed MO SMS forwarded to the web side.
    pub mo_forward: crate::sms::mo_forward::MoForwardSettings,
}

impl Default for SmsSettings {
    fn default() -> Self {
        SmsSettings {
            max_parts: 6,
            otp_per_msisdn_per_hour: 10,
            dispatch: Default::default(),
            routes: Default::default(),
            callbacks: Default::default(),
            mo_forward: Default::default(),
        }
    }
}

/// `[http]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpSettings {
    /// Address the HTTP server binds (`DARGAH__HTTP__LISTEN`).
    pub listen: SocketAddr,
    /// How long in-flight requests may run after the shutdown signal.
    #[serde(with = "humantime_serde")]
    pub shutdown_grace: Duration,
    /// Request bodies above this many octets are refused with 413 before
    /// they are read (the SMS API keeps its own 1 MiB limit beneath).
    pub max_body_bytes: usize,
    /// A client must send its first request's complete headers (and finish
    /// the TLS handshake) within this, or the connection is closed (slowloris).
    #[serde(with = "humantime_serde")]
    pub header_read_timeout: Duration,
    /// An idle keep-alive connection is closed after this; longer than the
    /// clients' own idle timeouts (90 s for most), so that they close first.
    #[serde(with = "humantime_serde")]
    pub keep_alive_timeout: Duration,
    /// A request (a slow body included) taking longer gets 408.
    #[serde(with = "humantime_serde")]
    pub request_timeout: Duration,
    /// `[http.tls]`: serve HTTPS with this certificate; absent means plain HTTP.
    pub tls: Option<crate::http::tls::HttpTlsSettings>,
    /// `[http.outbound]`: how the gateway's own calls out (callbacks, MO
    /// forwarding) trust HTTPS servers.
    pub outbound: crate::http::outbound::OutboundSettings,
}

/// `[database]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://path` or `postgres://…`; the scheme picks the backend (`DARGAH__DATABASE__URL`).
    pub url: DatabaseUrl,
    /// Connections in the pool.
    pub max_connections: u32,
    /// How long to wait for a connection before a query fails.
    #[serde(with = "humantime_serde")]
    pub acquire_timeout: Duration,
    /// The longest pause between attempts to reach the database at start.
    #[serde(with = "humantime_serde")]
    pub max_retry_backoff: Duration,
}

/// `[log]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// `pretty` for a terminal, `json` for log collectors (`DARGAH__LOG__FORMAT`).
    pub format: LogFormat,
    /// A tracing filter such as `info` or `dargah=debug,sqlx=warn`; `RUST_LOG` overrides it.
    pub level: String,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            shutdown_grace: Duration::from_secs(10),
            max_body_bytes: 1 << 20,
            header_read_timeout: Duration::from_secs(10),
            keep_alive_timeout: Duration::from_secs(120),
            request_timeout: Duration::from_secs(30),
            tls: None,
            outbound: Default::default(),
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        DatabaseSettings {
            url: DatabaseUrl::default(),
            max_connections: 16,
            acquire_timeout: Duration::from_secs(2),
            max_retry_backoff: Duration::from_secs(30),
        }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings {
            format: LogFormat::Pretty,
            level: "info".into(),
        }
    }
}

/// A configuration that cannot be used; the message names the key and where it came from.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(String);

impl Settings {
    /// Defaults, then the TOML file if one is given, then `DARGAH__…` variables.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        if let Some(path) = file
            && !path.is_file()
        {
            return Err(ConfigError(format!(
                "config file {} not found",
                path.display()
            )));
        }
        // Defaults come from `#[serde(default)]` on every section.
        let mut figment = Figment::new();
        if let Some(path) = file {
            figment = figment.merge(Toml::file_exact(path));
        }
        Self::extract(figment.merge(Env::prefixed("DARGAH__").split("__")))
    }

    /// Extracts settings from any figment (tests layer their own values this way).
    pub fn extract(figment: Figment) -> Result<Settings, ConfigError> {
        figment.extract().map_err(|e| {
            let all: Vec<String> = e.into_iter().map(|e| e.to_string()).collect();
            ConfigError(all.join("; "))
        })
    }
}

#[cfg(test)]
mod tests;
