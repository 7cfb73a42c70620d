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
///
/// Sizes are measured once per line and added up (a page's size is the sum
/// of its lines' plus one per newline, in whichever encoding the whole page
/// needs), so laying out a screen is linear in its text rather than
/// re-measuring every trial page: this runs on every USSD hop.
pub fn paginate(
    lines: &[Line],
    footer: &dyn Footer,
    limits: &PageLimits,
) -> Result<Vec<String>, DoesNotFit> {
    let mut rest: Vec<(String, bool, Size)> = lines
        .iter()
        .rev()
        .map(|l| {
            let text = l.text();
            (text.to_owned(), matches!(l, Line::Whole(_)), Size::of(text))
        })
        .collect();
    let mut pages = Vec::new();
    loop {
        let first = pages.is_empty();
        let last_footer = footer.lines(first, true);
        let mut all = Joined::default();
        rest.iter().rev().for_each(|(_, _, size)| all.push(*size));
        if limits.admits(all.with(&Joined::of(&last_footer))) {
            let body = rest.drain(..).rev().map(|(t, _, _)| t).collect::<Vec<_>>();
            pages.push(join(&body, &last_footer));
            return Ok(pages);
        }
        if rest.is_empty() {
            return Err(DoesNotFit(last_footer.join("\n")));
        }
        let more = footer.lines(first, false);
        let body = fill(&mut rest, &more, limits)?;
        pages.push(join(&body, &more));
    }
}

/// Takes lines off `rest` (a stack, next line last) while they fit a page
/// with `footer`; splits prose at a space to fill the page.
fn fill(
    rest: &mut Vec<(String, bool, Size)>,
    footer: &[String],
    limits: &PageLimits,
) -> Result<Vec<String>, DoesNotFit> {
    let footer_size = Joined::of(footer);
    let mut body: Vec<String> = Vec::new();
    let mut size = Joined::default();
    while let Some((text, whole, line)) = rest.pop() {
        if limits.admits(size.plus(line).with(&footer_size)) {
            size.push(line);
            body.push(text);
            continue;
        }
        if whole {
            if body.is_empty() {
                return Err(DoesNotFit(text));
            }
            rest.push((text, whole, line));
            return Ok(body);
        }
        match split::split_to_fit(&text, line, &size, &footer_size, limits) {
            Some((head, tail)) => {
                body.push(head);
                let tail_size = Size::of(&tail);
                rest.push((tail, false, tail_size));
            }
            None if body.is_empty() => return Err(DoesNotFit(text)),
            None => rest.push((text, false, line)),
        }
        return Ok(body);
    }
    Ok(body)
}

/// The size of a text in both encodings: GSM-7 septets (`None` when a
/// character needs UCS-2) and UTF-16 code units. Sizes add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Size {
    gsm7: Option<usize>,
    ucs2: usize,
}

impl Size {
    const NEWLINE: Size = Size {
        gsm7: Some(1),
        ucs2: 1,
    };
    const ZERO: Size = Size {
        gsm7: Some(0),
        ucs2: 0,
    };

    fn of(text: &str) -> Size {
        Size {
            gsm7: septet_len(text),
            ucs2: text.encode_utf16().count(),
        }
    }

    fn add(self, other: Size) -> Size {
        Size {
            gsm7: self.gsm7.zip(other.gsm7).map(|(a, b)| a + b),
            ucs2: self.ucs2 + other.ucs2,
        }
    }
}

/// The size of lines joined by newlines, and how many there are.
#[derive(Debug, Clone, Copy)]
struct Joined {
    size: Size,
    lines: usize,
}

impl Default for Joined {
    fn default() -> Self {
        Joined {
            size: Size::ZERO,
            lines: 0,
        }
    }
}

impl Joined {
    fn of(lines: &[String]) -> Joined {
        let mut j = Joined::default();
        lines.iter().for_each(|l| j.push(Size::of(l)));
        j
    }

    fn push(&mut self, line: Size) {
        *self = self.plus(line);
    }

    fn plus(&self, line: Size) -> Joined {
        self.with(&Joined {
            size: line,
            lines: 1,
        })
    }

    /// Size of `self`'s lines followed by `other`'s lines.
    fn with(&self, other: &Joined) -> Joined {
        let newline = if self.lines > 0 && other.lines > 0 {
            Size::NEWLINE
        } else {
            Size::ZERO
        };
        Joined {
            size: self.size.add(newline).add(other.size),
            lines: self.lines + other.lines,
        }
    }
}

impl PageLimits {
    fn admits(&self, page: Joined) -> bool {
        match page.size.gsm7 {
            Some(n) => n <= self.gsm7,
            None => page.size.ucs2 <= self.ucs2,
        }
    }
}

fn join(body: &[String], footer: &[String]) -> String {
    let size = body.iter().chain(footer).map(|l| l.len() + 1).sum();
    let mut page = String::with_capacity(size);
    for (i, line) in body.iter().chain(footer).enumerate() {
        if i > 0 {
            page.push('\n');
        }
        page.push_str(line);
    }
    page
}

mod split;

#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;
