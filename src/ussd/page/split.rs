//! Cutting one line of prose so that its head fills the rest of a page.
//!
//! The head is the longest one that still fits (trailing spaces trimmed),
//! cut at a space when a fitting cut at a space exists. Whether a head fits
//! grows worse with its length except in one case: a GSM-7 page whose line
//! turns to UCS-2 part way, where a longer head can fit the larger UCS-2
//! budget after a shorter one overflowed GSM-7's. Every other page keeps
//! its encoding for every head, and is cut in one pass that stops at the
//! first head too long; the mixed case keeps the bisection (the reference
//! layout's), which gives the same cut there as before.

use super::{Joined, PageLimits, Size};
use crate::smpp::text::gsm7::{Septets, lookup};

/// The head of `text` that fits after `body` and before `footer`, and the
/// rest for the next page; `None` when not even one character fits.
/// `whole` is the size of all of `text`.
pub(super) fn split_to_fit(
    text: &str,
    whole: Size,
    body: &Joined,
    footer: &Joined,
    limits: &PageLimits,
) -> Option<(String, String)> {
    let page_is_ucs2 = body.size.gsm7.is_none() || footer.size.gsm7.is_none();
    let cut = if page_is_ucs2 || whole.gsm7.is_some() {
        cut_in_one_pass(text, body, footer, limits)
    } else {
        cut_by_bisection(text, body, footer, limits)
    }?;
    Some((
        text[..cut].trim_end().to_owned(),
        text[cut..].trim_start().to_owned(),
    ))
}

/// Walks the cuts (every character boundary after the first character) in
/// order, adding each character's size once; the last fitting cut, or the
/// last fitting one after a space.
fn cut_in_one_pass(
    text: &str,
    body: &Joined,
    footer: &Joined,
    limits: &PageLimits,
) -> Option<usize> {
    let fits = |head: Size| limits.admits(body.plus(head).with(footer));
    let (mut upto, mut trimmed) = (Size::ZERO, Size::ZERO);
    let (mut best, mut at_space, mut previous) = (None, None, None);
    for (i, c) in text.char_indices() {
        if i > 0 {
            // The head `text[..i].trim_end()` measures `trimmed`.
            if !fits(trimmed) {
                break;
            }
            best = Some(i);
            if previous == Some(' ') {
                at_space = Some(i);
            }
        }
        upto = upto.add(Size::of_char(c));
        if !c.is_whitespace() {
            trimmed = upto;
        }
        previous = Some(c);
    }
    at_space.or(best)
}

/// The bisection over all cuts, for pages whose encoding a head can change.
fn cut_by_bisection(
    text: &str,
    body: &Joined,
    footer: &Joined,
    limits: &PageLimits,
) -> Option<usize> {
    let fits = |head: &str| limits.admits(body.plus(Size::of(head)).with(footer));
    let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).skip(1).collect();
    let fitting = cuts.partition_point(|&i| fits(text[..i].trim_end()));
    let best = *cuts.get(fitting.checked_sub(1)?)?;
    let at_space = cuts[..fitting]
        .iter()
        .rev()
        .find(|&&i| text[..i].ends_with(' '))
        .filter(|&&i| fits(text[..i].trim_end()));
    Some(at_space.copied().unwrap_or(best))
}

impl Size {
    /// The size of one character.
    fn of_char(c: char) -> Size {
        Size {
            gsm7: lookup(c).map(Septets::len),
            ucs2: c.len_utf16(),
        }
    }
}
