//! `[carriers.NAME]` tables: what a carrier engineer writes to point dargah
//! at an SMSC. Separate from the link so the top-level settings can embed
//! [`Carriers`] without pulling in sockets.

use std::collections::BTreeMap;
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;

use super::ussd_profile::ProfileRef;

/// Every configured carrier by name; empty means "run without SMPP".
pub type Carriers = BTreeMap<String, CarrierSettings>;

/// How the ESME binds (SMPP 3.4 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BindMode {
    /// bind_transmitter: submit only.
    Transmitter,
    /// bind_receiver: deliver_sm only.
    Receiver,
    /// bind_transceiver: both directions on one socket.
    #[default]
    Transceiver,
}

impl BindMode {
    /// True when this bind may send submit_sm.
    pub fn can_submit(self) -> bool {
        self != BindMode::Receiver
    }
}

/// One carrier's SMSC and how to talk to it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarrierSettings {
    /// SMSC host name or address.
    pub host: String,
    /// SMSC port (2775 by convention).
    pub port: u16,
    /// `system_id` sent in the bind (max 15 characters).
    pub system_id: String,
    /// `password` sent in the bind (max 8 characters); redacted in `Debug`.
    pub password: SecretString,
    /// `system_type` sent in the bind.
    #[serde(default)]
    pub system_type: String,
    /// `interface_version`; 0x34 for SMPP 3.4.
    #[serde(default = "default_interface_version")]
    pub interface_version: u8,
    /// `address_range` sent in the bind (receiver/transceiver routing).
    #[serde(default)]
    pub address_range: String,
    /// transmitter | receiver | transceiver.
    #[serde(default)]
    pub bind: BindMode,
    /// How many binds (sockets) to open to this SMSC.
    #[serde(default = "one")]
    pub binds: u16,
    /// Requests outstanding per bind before we wait for responses.
    #[serde(default = "default_window")]
    pub window: u16,
    /// deliver_sm/data_sm per bind waiting for the consumer before further
    /// ones are answered ESME_RMSGQFUL (the SMSC retries them later); bounds
    /// the memory and tasks a flooding SMSC can take.
    #[serde(default = "default_inbound_window")]
    pub inbound_window: u16,
    /// submit_sm per second across all binds of this carrier; none = unlimited.
    #[serde(default)]
    pub max_tps: Option<u32>,
    /// submit_sm per second per bind; none = unlimited.
    #[serde(default)]
    pub bind_max_tps: Option<u32>,
    /// A named USSD profile or an inline table (see `docs/carriers.md`).
    #[serde(default)]
    pub ussd_profile: ProfileRef,
    /// Idle time before we send enquire_link.
    #[serde(default = "secs::<30>", with = "humantime_serde")]
    pub enquire_link_interval: Duration,
    /// How long our enquire_link may wait for its response before the
    /// connection is declared dead.
    #[serde(default = "secs::<10>", with = "humantime_serde")]
    pub enquire_link_timeout: Duration,
    /// How long a request may wait for its response.
    #[serde(default = "secs::<10>", with = "humantime_serde")]
    pub response_timeout: Duration,
    /// First reconnect delay; doubles per failure up to `reconnect_max`.
    #[serde(default = "millis::<500>", with = "humantime_serde")]
    pub reconnect_min: Duration,
    /// Longest reconnect delay.
    #[serde(default = "secs::<30>", with = "humantime_serde")]
    pub reconnect_max: Duration,
    /// Delay after the SMSC refused our credentials (it will not change its mind quickly).
    #[serde(default = "secs::<60>", with = "humantime_serde")]
    pub bind_rejected_backoff: Duration,
    /// First pause after ESME_RTHROTTLED / ESME_RMSGQFUL; doubles while it persists.
    #[serde(default = "millis::<200>", with = "humantime_serde")]
    pub throttle_backoff: Duration,
    /// How long graceful shutdown waits for outstanding responses.
    #[serde(default = "secs::<5>", with = "humantime_serde")]
    pub shutdown_timeout: Duration,
    /// `[carriers.NAME.tls]`: connect over TLS; absent means plain TCP.
    #[serde(default)]
    pub tls: Option<super::tls::TlsSettings>,
}

impl CarrierSettings {
    /// A transceiver bind to `host:port` with every other key at its default.
    pub fn new(host: &str, port: u16, system_id: &str, password: &str) -> Self {
        Self {
            host: host.to_owned(),
            port,
            system_id: system_id.to_owned(),
            password: SecretString::from(password.to_owned()),
            system_type: String::new(),
            interface_version: default_interface_version(),
            address_range: String::new(),
            bind: BindMode::default(),
            binds: 1,
            window: default_window(),
            inbound_window: default_inbound_window(),
            max_tps: None,
            bind_max_tps: None,
            ussd_profile: ProfileRef::default(),
            enquire_link_interval: secs::<30>(),
            enquire_link_timeout: secs::<10>(),
            response_timeout: secs::<10>(),
            reconnect_min: millis::<500>(),
            reconnect_max: secs::<30>(),
            bind_rejected_backoff: secs::<60>(),
            throttle_backoff: millis::<200>(),
            shutdown_timeout: secs::<5>(),
            tls: None,
        }
    }
}

fn default_interface_version() -> u8 {
    0x34
}

fn one() -> u16 {
    1
}

fn default_window() -> u16 {
    10
}

fn default_inbound_window() -> u16 {
    2048
}

fn secs<const N: u64>() -> Duration {
    Duration::from_secs(N)
}

fn millis<const N: u64>() -> Duration {
    Duration::from_millis(N)
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[derive(Deserialize)]
    struct Top {
        carriers: Carriers,
    }

    const EXAMPLE: &str = r#"
        [carriers.mci]
        host = "127.0.0.1"
        port = 2775
        system_id = "dargah"
        password = "secret"
        bind = "transceiver"
        binds = 1
        window = 10
        max_tps = 500
        ussd_profile = "standard"
        enquire_link_interval = "15s"
    "#;

    fn parse(text: &str) -> Result<Top, Box<figment::Error>> {
        use figment::providers::{Format, Toml};
        figment::Figment::from(Toml::string(text))
            .extract()
            .map_err(Box::new)
    }

    #[test]
    fn the_issue_example_parses_with_defaults_for_the_rest() {
        let top = parse(EXAMPLE).expect("example parses");
        let mci = &top.carriers["mci"];
        assert_eq!(mci.port, 2775);
        assert_eq!(mci.max_tps, Some(500));
        assert_eq!(mci.enquire_link_interval, Duration::from_secs(15));
        assert_eq!(mci.response_timeout, Duration::from_secs(10));
        assert_eq!(mci.password.expose_secret(), "secret");
    }

    #[test]
    fn the_password_never_prints() {
        let top = parse(EXAMPLE).expect("example parses");
        assert!(!format!("{:?}", top.carriers["mci"]).contains("secret"));
    }

    #[test]
    fn an_unknown_key_is_refused() {
        let text = EXAMPLE.replace("binds = 1", "bindz = 1");
        assert!(parse(&text).is_err());
    }

    #[test]
    fn an_unknown_bind_mode_is_refused() {
        let text = EXAMPLE.replace("\"transceiver\"", "\"both\"");
        assert!(parse(&text).is_err());
    }

    #[test]
    fn every_config_example_in_the_carrier_docs_parses() {
        let docs = include_str!("../../../docs/carriers.md");
        let blocks: Vec<&str> = docs
            .split("```toml")
            .skip(1)
            .filter_map(|b| b.split("```").next())
            .collect();
        assert_eq!(
            blocks.len(),
            6,
            "one example per profile, a custom one and TLS"
        );
        for block in blocks {
            let top = parse(block).unwrap_or_else(|e| panic!("{e}\n{block}"));
            assert_eq!(top.carriers.len(), 1);
        }
    }
}
