//! The first, obviously-correct layout (re-measures every trial page),
//! kept to check that the measured-once layout in the parent module gives
//! exactly the same pages.

use super::{DoesNotFit, Footer, Line, PageLimits};

/// Splits `lines` into pages within `limits`, each with its footer.
pub(super) fn paginate(
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
