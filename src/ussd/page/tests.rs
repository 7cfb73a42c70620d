//! Pagination: limits, footers, wrapping, and agreement with the reference layout.

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

proptest::proptest! {
    #[test]
    fn the_measured_layout_gives_the_same_pages_as_the_reference(
        lines in proptest::collection::vec(
            (proptest::bool::ANY, "[a-z ]{0,30}|[آ-ی ]{0,30}|[a-z{}\\[\\]€ ]{0,20}|[۰-۹- ]{0,12}"),
            0..25,
        ),
        gsm7 in 20usize..200,
        ucs2 in 12usize..90,
        first_footer in proptest::bool::ANY,
    ) {
        let lines: Vec<Line> = lines
            .into_iter()
            .map(|(whole, t)| if whole { Line::Whole(t) } else { Line::Text(t) })
            .collect();
        let limits = PageLimits { gsm7, ucs2 };
        struct Maybe(bool);
        impl Footer for Maybe {
            fn lines(&self, first: bool, last: bool) -> Vec<String> {
                if self.0 { Keys.lines(first, last) } else { Vec::new() }
            }
        }
        let footer = Maybe(first_footer);
        proptest::prop_assert_eq!(
            paginate(&lines, &footer, &limits),
            super::reference::paginate(&lines, &footer, &limits)
        );
    }
}
