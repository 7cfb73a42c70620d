//! The engine's own texts (footer keys, resume offer, apologies) per language.
//!
//! Built in for `fa` and `en`; a menu file may override any of them under
//! `[labels.<lang>]`, and must supply all of them for any other language.

use std::collections::BTreeMap;

/// Every label key the engine uses, with its Persian and English defaults.
pub const KEYS: &[(&str, &str, &str)] = &[
    ("more", "بیشتر", "more"),
    ("back", "بازگشت", "back"),
    (
        "resume",
        "جلسه قبلی شما نیمه‌کاره ماند.",
        "Your last session was interrupted.",
    ),
    (
        "resume_continue",
        "ادامه از همان‌جا",
        "continue where you were",
    ),
    ("resume_restart", "شروع دوباره", "start over"),
    ("invalid_choice", "گزینه نامعتبر است.", "Invalid choice."),
    (
        "too_many_errors",
        "تعداد خطاها زیاد شد. لطفا دوباره شماره‌گیری کنید.",
        "Too many errors. Please dial again.",
    ),
    (
        "apology",
        "پوزش، سامانه موقتا در دسترس نیست. لطفا دقایقی دیگر دوباره شماره‌گیری کنید.",
        "Sorry, the service is unavailable. Please try again later.",
    ),
    (
        "timeout",
        "زمان جلسه به پایان رسید. برای ادامه دوباره شماره‌گیری کنید.",
        "Session timed out. Dial again to continue.",
    ),
    (
        "ended",
        "این جلسه پایان یافته است.",
        "This session has ended.",
    ),
    (
        "unknown_code",
        "این کد خدمتی تعریف نشده است.",
        "Unknown service code.",
    ),
];

/// The labels of one service: language → key → text.
#[derive(Debug, Clone, Default)]
pub struct Labels(BTreeMap<String, BTreeMap<String, String>>);

impl Labels {
    /// Defaults for `languages`, then `overrides`; returns the (lang, key) pairs still missing.
    pub fn build(
        languages: &[String],
        overrides: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> (Labels, Vec<(String, String)>) {
        let mut map = BTreeMap::new();
        let mut missing = Vec::new();
        for lang in languages {
            let mut texts = BTreeMap::new();
            for (key, fa, en) in KEYS {
                let given = overrides.get(lang).and_then(|o| o.get(*key)).cloned();
                let default = match lang.as_str() {
                    "fa" => Some(fa.to_string()),
                    "en" => Some(en.to_string()),
                    _ => None,
                };
                match given.or(default) {
                    Some(text) => drop(texts.insert(key.to_string(), text)),
                    None => missing.push((lang.clone(), key.to_string())),
                }
            }
            map.insert(lang.clone(), texts);
        }
        (Labels(map), missing)
    }

    /// The text of `key` in `lang` (falling back to any language, then the key itself).
    pub fn get<'a>(&'a self, lang: &str, key: &'a str) -> &'a str {
        self.0
            .get(lang)
            .and_then(|t| t.get(key))
            .or_else(|| self.0.values().find_map(|t| t.get(key)))
            .map_or(key, String::as_str)
    }

    /// Built-in labels for a language with no service (an unknown code, a store failure).
    pub fn fallback(lang: &str) -> Labels {
        Labels::build(&[lang.to_owned(), "fa".to_owned()], &BTreeMap::new()).0
    }
}

/// Whether a language writes numbers in Persian digits.
pub fn persian_digits(lang: &str) -> bool {
    lang == "fa"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_without_defaults_must_supply_every_label() {
        let (_, missing) = Labels::build(&["ckb".into()], &BTreeMap::new());
        assert_eq!(missing.len(), KEYS.len());
    }

    #[test]
    fn overrides_replace_the_defaults() {
        let mut o = BTreeMap::new();
        o.insert(
            "fa".to_owned(),
            BTreeMap::from([("more".to_owned(), "ادامه".to_owned())]),
        );
        let (labels, missing) = Labels::build(&["fa".into()], &o);
        assert!(missing.is_empty());
        assert_eq!(labels.get("fa", "more"), "ادامه");
        assert_eq!(labels.get("fa", "back"), "بازگشت");
    }
}
