//! `[ussd]` settings: page limits, navigation keys, timeouts, the resume window,
//! session store bounds and where menus live.

use super::page::PageLimits;
use super::store::MemoryStoreSettings;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// The `[ussd]` table of the configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UssdSettings {
    /// Default page limits (`[ussd.page]`).
    pub page: PageLimits,
    /// Navigation keys (`[ussd.keys]`).
    pub keys: NavKeys,
    /// How long a dropped session can be resumed by dialling again.
    #[serde(with = "humantime_serde")]
    pub resume_window: Duration,
    /// Longest wait for the citizen's next reply.
    #[serde(with = "humantime_serde")]
    pub reply_timeout: Duration,
    /// Longest whole dialogue.
    #[serde(with = "humantime_serde")]
    pub session_timeout: Duration,
    /// Longest an action may take before the citizen gets an apology. Under
    /// 2 s so that a database that hangs still leaves time for the apology
    /// to reach the carrier within its reply timeout (RELIABILITY.md).
    #[serde(with = "humantime_serde")]
    pub action_timeout: Duration,
    /// Per-carrier overrides (`[ussd.carriers.<name>]`), by transport route name.
    pub carriers: BTreeMap<String, CarrierSettings>,
    /// HTTP aggregator callback routes (`[[ussd.routes]]`).
    pub routes: Vec<RouteSettings>,
    /// In-memory session store bounds (`[ussd.store]`).
    pub store: MemoryStoreSettings,
    /// The directory of `*.toml` menu files.
    pub menus_dir: PathBuf,
    /// Watch `menus_dir` and reload on change (validated first).
    pub hot_reload: bool,
    /// How often the hot-reload watcher looks at the files.
    #[serde(with = "humantime_serde")]
    pub reload_interval: Duration,
}

impl Default for UssdSettings {
    fn default() -> Self {
        UssdSettings {
            page: PageLimits::default(),
            keys: NavKeys::default(),
            resume_window: Duration::from_secs(300),
            reply_timeout: Duration::from_secs(60),
            session_timeout: Duration::from_secs(180),
            action_timeout: Duration::from_millis(1500),
            carriers: BTreeMap::new(),
            routes: vec![
                RouteSettings::new(
                    "/ussd/africastalking",
                    Dialect::Cumulative,
                    "africastalking",
                ),
                RouteSettings::new("/ussd/hubtel", Dialect::PerHopJson, "hubtel"),
            ],
            store: MemoryStoreSettings::default(),
            menus_dir: PathBuf::from("menus"),
            hot_reload: true,
            reload_interval: Duration::from_secs(2),
        }
    }
}

/// The wire format an aggregator speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Dialect {
    /// Africa's Talking style: form fields, `text` = all inputs as `1*2*3`, reply `CON …`/`END …`.
    Cumulative,
    /// Hubtel style: JSON per hop with `Type` Initiation/Response/Release/Timeout.
    PerHopJson,
}

/// One HTTP callback route.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSettings {
    /// The path (`/ussd/africastalking`).
    pub path: String,
    /// Its dialect.
    pub dialect: Dialect,
    /// The carrier name for `[ussd.carriers.<name>]` limits.
    pub carrier: String,
}

impl RouteSettings {
    /// A route.
    pub fn new(path: &str, dialect: Dialect, carrier: &str) -> Self {
        RouteSettings {
            path: path.into(),
            dialect,
            carrier: carrier.into(),
        }
    }
}

/// A carrier's own limits; unset fields use the `[ussd]` defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CarrierSettings {
    /// Page limits of this carrier.
    pub page: Option<PageLimits>,
    /// Its wait for a reply.
    #[serde(with = "humantime_serde")]
    pub reply_timeout: Option<Duration>,
    /// Its longest dialogue.
    #[serde(with = "humantime_serde")]
    pub session_timeout: Option<Duration>,
}

/// The keys citizens press to move around.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NavKeys {
    /// Previous page, or previous screen (`0`).
    pub back: String,
    /// The service's first screen (`00`).
    pub home: String,
    /// Next page (`98`).
    pub more: String,
}

impl Default for NavKeys {
    fn default() -> Self {
        NavKeys {
            back: "0".into(),
            home: "00".into(),
            more: "98".into(),
        }
    }
}

/// The limits in force for one carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Page budget.
    pub page: PageLimits,
    /// Wait for a reply.
    pub reply_timeout: Duration,
    /// Whole dialogue.
    pub session_timeout: Duration,
}

impl UssdSettings {
    /// The limits for `carrier` (defaults when it has no overrides).
    pub fn limits(&self, carrier: Option<&str>) -> Limits {
        let c = carrier.and_then(|c| self.carriers.get(c));
        Limits {
            page: c.and_then(|c| c.page).unwrap_or(self.page),
            reply_timeout: c
                .and_then(|c| c.reply_timeout)
                .unwrap_or(self.reply_timeout),
            session_timeout: c
                .and_then(|c| c.session_timeout)
                .unwrap_or(self.session_timeout),
        }
    }

    /// Every page budget a menu must fit (the default and each carrier's).
    pub fn all_page_limits(&self) -> Vec<PageLimits> {
        let mut v = vec![self.page];
        v.extend(self.carriers.values().filter_map(|c| c.page));
        v.dedup();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_table_gives_the_documented_defaults() {
        let s: UssdSettings = toml::from_str("").unwrap();
        assert_eq!(s, UssdSettings::default());
        assert_eq!(s.page.ucs2, 80);
        assert_eq!(s.keys.more, "98");
    }

    #[test]
    fn carriers_override_limits_in_human_durations() {
        let s: UssdSettings = toml::from_str(
            "resume_window = \"2m\"\n[carriers.hubtel]\nreply_timeout = \"30s\"\npage = { ucs2 = 60 }\n",
        )
        .unwrap();
        assert_eq!(s.resume_window, Duration::from_secs(120));
        let l = s.limits(Some("hubtel"));
        assert_eq!(l.reply_timeout, Duration::from_secs(30));
        assert_eq!(l.page.ucs2, 60);
        assert_eq!(l.page.gsm7, 182);
        assert_eq!(s.limits(None).reply_timeout, Duration::from_secs(60));
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<UssdSettings>("page_size = 3").is_err());
    }
}
