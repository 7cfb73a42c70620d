//! Which carrier a recipient's message goes to: a ported-number override
//! from the database first, else the longest matching prefix of the
//! configured table, and the fallback carrier when the chosen one has no
//! bound link (or no prefix matched).

use super::settings::RouteSettings;
use crate::domain::Msisdn;
use crate::smpp::link::Carrier;
use std::collections::BTreeMap;

/// The routing table over the running carriers.
#[derive(Debug, Clone)]
pub struct Router {
    /// (national prefix `09…`, carrier), longest prefixes first.
    prefixes: Vec<(String, String)>,
    fallback: Option<String>,
    carriers: BTreeMap<String, Carrier>,
}

/// Why no carrier can take a message now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RouteError {
    /// No prefix matches and no fallback is configured: permanent.
    #[error("no route for {0}")]
    NoRoute(String),
    /// Routed, but neither the carrier nor the fallback has a bound link: retry later.
    #[error("no bound link for carrier {0}")]
    NotBound(String),
}

impl RouteError {
    /// Whether a later attempt may succeed.
    pub fn is_temporary(&self) -> bool {
        matches!(self, RouteError::NotBound(_))
    }
}

impl Router {
    /// A router over `carriers` (by name) with the configured table.
    pub fn new(settings: &RouteSettings, carriers: BTreeMap<String, Carrier>) -> Self {
        let mut prefixes: Vec<(String, String)> = settings
            .prefixes
            .iter()
            .flat_map(|(c, ps)| ps.iter().map(move |p| (national(p), c.clone())))
            .collect();
        prefixes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.cmp(b)));
        Router {
            prefixes,
            fallback: settings.fallback.clone(),
            carriers,
        }
    }

    /// Whether any carrier has a bound link (else claiming is pointless).
    pub fn any_bound(&self) -> bool {
        self.carriers.values().any(|c| c.bound() > 0)
    }

    /// The carrier's name by prefix alone.
    pub fn preferred(&self, to: &Msisdn) -> Option<&str> {
        let n = national(to.as_str());
        self.prefixes
            .iter()
            .find(|(p, _)| n.starts_with(p.as_str()))
            .map(|(_, c)| c.as_str())
    }

    /// The carrier to submit to now; `ported` is the database's override.
    pub fn route(&self, to: &Msisdn, ported: Option<&str>) -> Result<&Carrier, RouteError> {
        let chosen = ported.or_else(|| self.preferred(to));
        let bound = |name: &str| self.carriers.get(name).filter(|c| c.bound() > 0);
        if let Some(c) = chosen.and_then(bound) {
            return Ok(c);
        }
        if let Some(c) = self.fallback.as_deref().and_then(bound) {
            return Ok(c);
        }
        match chosen.or(self.fallback.as_deref()) {
            Some(name) => Err(RouteError::NotBound(name.to_owned())),
            None => Err(RouteError::NoRoute(to.as_str().to_owned())),
        }
    }
}

/// `98912…`, `+98912…` and `912…` all as `0912…`, for prefix matching.
fn national(number: &str) -> String {
    let n = number.trim_start_matches('+');
    if let Some(rest) = n.strip_prefix("98") {
        format!("0{rest}")
    } else if n.starts_with('0') {
        n.to_owned()
    } else {
        format!("0{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(fallback: Option<&str>) -> Router {
        let settings = RouteSettings {
            fallback: fallback.map(str::to_owned),
            ..RouteSettings::default()
        };
        Router::new(&settings, BTreeMap::new())
    }

    fn to(n: &str) -> Msisdn {
        Msisdn::parse(n).unwrap()
    }

    #[test]
    fn default_prefixes_send_each_iranian_operator_to_its_carrier() {
        let r = router(None);
        assert_eq!(r.preferred(&to("09121234567")), Some("mci"));
        assert_eq!(r.preferred(&to("09911234567")), Some("mci"));
        assert_eq!(r.preferred(&to("09351234567")), Some("irancell"));
        assert_eq!(r.preferred(&to("09411234567")), Some("irancell"));
        assert_eq!(r.preferred(&to("09301234567")), Some("irancell"));
        assert_eq!(r.preferred(&to("09211234567")), Some("rightel"));
        assert_eq!(r.preferred(&to("09311234567")), None);
    }

    #[test]
    fn an_unbound_carrier_is_a_temporary_error_naming_it() {
        let r = router(None);
        let e = r.route(&to("09121234567"), None).unwrap_err();
        assert_eq!(e, RouteError::NotBound("mci".into()));
        assert!(e.is_temporary());
    }

    #[test]
    fn a_ported_number_goes_to_its_new_carrier() {
        let r = router(None);
        let e = r.route(&to("09121234567"), Some("irancell")).unwrap_err();
        assert_eq!(e, RouteError::NotBound("irancell".into()));
    }

    #[test]
    fn no_prefix_and_no_fallback_is_permanent() {
        let e = router(None).route(&to("09311234567"), None).unwrap_err();
        assert!(!e.is_temporary());
        let e = router(Some("mci"))
            .route(&to("09311234567"), None)
            .unwrap_err();
        assert_eq!(e, RouteError::NotBound("mci".into()));
    }

    #[test]
    fn longer_prefixes_win_over_shorter_ones() {
        let settings = RouteSettings {
            prefixes: BTreeMap::from([
                ("a".to_owned(), vec!["091".to_owned()]),
                ("b".to_owned(), vec!["0912".to_owned()]),
            ]),
            fallback: None,
        };
        let r = Router::new(&settings, BTreeMap::new());
        assert_eq!(r.preferred(&to("09121234567")), Some("b"));
        assert_eq!(r.preferred(&to("09131234567")), Some("a"));
    }
}
