//! Pagination by encoding: a page is at most N GSM-7 septets or M UCS-2 code
//! units, footer included, and the footer is never cut.
//!
//! Pure and separate from the engine so the menu validator can run exactly the
//! same layout over sample values and refuse screens that cannot fit.

use crate::smpp::text::gsm7::septet_len;
use serde::Deserialize;

/// The page budget of one carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PageLimits {
    /// Characters (septets) when the whole page is GSM-7.
    pub gsm7: usize,
    /// UTF-16 code units when any character needs UCS-2 (all Persian text).
    pub ucs2: usize,
}

impl Default for PageLimits {
    fn default() -> Self {
        PageLimits {
            gsm7: 182,
            ucs2: 80,
        }
    }
}

/// The alphabet a page goes out in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// GSM 03.38 default alphabet.
    Gsm7,
    /// UCS-2 (data coding 0x48 on USSD).
    Ucs2,
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Ucs2 => "UCS-2",
        })
    }
}

/// The encoding `text` needs and its length in that encoding's units.
pub fn measure(text: &str) -> (Encoding, usize) {
    match septet_len(text) {
        Some(n) => (Encoding::Gsm7, n),
        None => (Encoding::Ucs2, text.encode_utf16().count()),
    }
}

impl PageLimits {
    /// Whether `text` fits one page.
    pub fn fits(&self, text: &str) -> bool {
        match measure(text) {
            (Encoding::Gsm7, n) => n <= self.gsm7,
            (Encoding::Ucs2, n) => n <= self.ucs2,
        }
    }
}

/// One line of content: text may wrap onto the next page, an option may not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Prose, split at spaces (or anywhere, as a last resort) when too long.
    Text(String),
    /// An option or error line, kept whole.
    Whole(String),
}

impl Line {
    /// The line's text.
    pub fn text(&self) -> &str {
        match self {
            Line::Text(t) | Line::Whole(t) => t,
        }
    }
}

/// The footer of a page, given its position.
pub trait Footer {
    /// The footer lines for a page that is `first` and/or `last`.
    fn lines(&self, first: bool, last: bool) -> Vec<String>;
}

/// A line that cannot fit a page even alone with its footer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this line cannot fit a page with its footer: {0:?}")]
pub struct DoesNotFit(pub String);

/// Splits `lines` into pages within `limits`, each with its footer.
pub fn paginate(
    lines: &[Line],
    footer: &dyn Footer,
    limits: &PageLimits,
) -> Result<Vec<String>, DoesNotFit> {
    let mut rest: Vec<Line> = lines.to_vec();
    rest.reverse();
    let mut pages = Vec::new();
    loop {
        let first = pages.is_empty();
        let all: Vec<String> = rest.iter().rev().map(line_text).collect();
        if limits.fits(&join(&all, &footer.lines(first, true))) {
            pages.push(join(&all, &footer.lines(first, true)));
            return Ok(pages);
        }
        if rest.is_empty() {
            return Err(DoesNotFit(footer.lines(first, true).join("\n")));
        }
        let more = footer.lines(first, false);
        let body = fill(&mut rest, &more, limits)?;
        pages.push(join(&body, &more));
    }
}

fn fill(
    rest: &mut Vec<Line>,
    footer: &[String],
    limits: &PageLimits,
) -> Result<Vec<String>, DoesNotFit> {
    let mut body: Vec<String> = Vec::new();
    while let Some(next) = rest.pop() {
        let mut trial = body.clone();
        trial.push(line_text(&next));
        if limits.fits(&join(&trial, footer)) {
            body = trial;
            continue;
        }
        match next {
            Line::Text(text) => match split_to_fit(&text, &body, footer, limits) {
                Some((head, tail)) => {
                    body.push(head);
                    rest.push(Line::Text(tail));
                    return Ok(body);
                }
                None if body.is_empty() => return Err(DoesNotFit(text)),
                None => rest.push(Line::Text(text)),
            },
            whole @ Line::Whole(_) if !body.is_empty() => rest.push(whole),
            Line::Whole(text) => return Err(DoesNotFit(text)),
        }
        return Ok(body);
    }
    Ok(body)
}

/// The longest head of `text` (at a space if possible) that fits after `body`.
fn split_to_fit(
    text: &str,
    body: &[String],
    footer: &[String],
    limits: &PageLimits,
) -> Option<(String, String)> {
    let fits = |head: &str| {
        let mut trial = body.to_vec();
        trial.push(head.to_owned());
        limits.fits(&join(&trial, footer))
    };
    let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).skip(1).collect();
    // A shorter head never measures longer, so the longest fitting cut is found
    // by bisection (O(log n) renders instead of one per character).
    let fitting = cuts.partition_point(|&i| fits(text[..i].trim_end()));
    let best = *cuts.get(fitting.checked_sub(1)?)?;
    let at_space = cuts[..fitting]
        .iter()
        .rev()
        .find(|&&i| text[..i].ends_with(' '))
        .filter(|&&i| fits(text[..i].trim_end()));
    let cut = at_space.copied().unwrap_or(best);
    Some((
        text[..cut].trim_end().to_owned(),
        text[cut..].trim_start().to_owned(),
    ))
}

fn line_text(line: &Line) -> String {
    match line {
        Line::Text(t) | Line::Whole(t) => t.clone(),
    }
}

fn join(body: &[String], footer: &[String]) -> String {
    body.iter()
        .chain(footer)
        .cloned()
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Keys;
    impl Footer for Keys {
        fn lines(&self, first: bool, last: bool) -> Vec<String> {
            let mut v = Vec::new();
            if !last {
                v.push("۹۸- بیشتر".to_owned());
            }
            if !first {
                v.push("۰- بازگشت".to_owned());
            }
            v
        }
    }

    fn limits() -> PageLimits {
        PageLimits::default()
    }

    #[test]
    fn persian_pages_stay_within_eighty_code_units_footer_included() {
        let options: Vec<Line> = (1..=12)
            .map(|i| Line::Whole(format!("{i}- دفتر پیشخوان دولت شماره {i}")))
            .collect();
        let pages = paginate(&options, &Keys, &limits()).unwrap();
        assert!(pages.len() > 1);
        for (i, p) in pages.iter().enumerate() {
            assert_eq!(measure(p).0, Encoding::Ucs2);
            assert!(measure(p).1 <= 80, "{p}");
            assert_eq!(p.contains("بیشتر"), i + 1 < pages.len());
        }
        let joined = pages.join("\n");
        assert!((1..=12).all(|i| joined.contains(&format!("{i}- دفتر پیشخوان دولت شماره {i}"))));
    }

    #[test]
    fn latin_text_gets_the_gsm7_budget() {
        let line = Line::Text("a".repeat(150));
        let pages = paginate(&[line], &Keys, &limits()).unwrap();
        assert_eq!(pages.len(), 1);
    }

    #[test]
    fn long_prose_wraps_at_spaces_without_losing_words() {
        let words: Vec<String> = (0..40).map(|i| format!("کلمه{i}")).collect();
        let pages = paginate(&[Line::Text(words.join(" "))], &Keys, &limits()).unwrap();
        assert!(pages.len() > 2);
        let text: Vec<String> = pages
            .iter()
            .flat_map(|p| {
                p.lines()
                    .filter(|l| l.starts_with("کلمه"))
                    .flat_map(|l| l.split(' '))
            })
            .map(str::to_owned)
            .collect();
        assert_eq!(text, words);
        assert!(pages.iter().all(|p| limits().fits(p)));
    }

    proptest::proptest! {
        #[test]
        fn every_page_fits_and_no_word_is_lost(
            words in proptest::collection::vec("[a-z]{1,12}|[آ-ی]{1,12}|[۰-۹]{1,6}", 1..60)
        ) {
            let text = words.join(" ");
            let pages = paginate(&[Line::Text(text)], &Keys, &limits()).unwrap();
            for p in &pages {
                proptest::prop_assert!(limits().fits(p), "{p}");
            }
            let back: Vec<String> = pages
                .iter()
                .flat_map(|p| p.lines().filter(|l| !l.contains("بیشتر") && !l.contains("بازگشت")))
                .flat_map(|l| l.split(' '))
                .map(str::to_owned)
                .collect();
            proptest::prop_assert_eq!(back, words);
        }
    }

    #[test]
    fn an_option_longer_than_a_page_is_refused() {
        let long = Line::Whole("گزینه ".repeat(20));
        assert!(paginate(&[long], &Keys, &limits()).is_err());
    }
}
