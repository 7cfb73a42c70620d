//! nom parser for the delivery receipt text of SMPP 3.4 Appendix B:
//! `id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…`.
//!
//! Real SMSCs vary the letter case, drop fields, send 10- or 12-digit dates
//! and append junk, so every field is optional, unknown words are skipped
//! and nothing here fails: a receipt we cannot read is a receipt with no fields.

use nom::IResult;
use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag_no_case, take_till, take_while, take_while1};
use nom::character::complete::{char, multispace0};
use nom::combinator::map;

use super::{Receipt, ReceiptDate};

#[derive(Clone, Copy)]
enum Key {
    Id,
    Sub,
    Dlvrd,
    SubmitDate,
    DoneDate,
    Stat,
    Err,
    Text,
}

type Res<'a, T> = IResult<&'a [u8], T>;

fn key(i: &[u8]) -> Res<'_, Key> {
    let mut name = alt((
        map(tag_no_case("id"), |_| Key::Id),
        map(tag_no_case("dlvrd"), |_| Key::Dlvrd),
        map(
            (
                tag_no_case("submit"),
                take_while(|b| b == b' ' || b == b'_'),
                tag_no_case("date"),
            ),
            |_| Key::SubmitDate,
        ),
        map(
            (
                tag_no_case("done"),
                take_while(|b| b == b' ' || b == b'_'),
                tag_no_case("date"),
            ),
            |_| Key::DoneDate,
        ),
        map(tag_no_case("sub"), |_| Key::Sub),
        map(tag_no_case("stat"), |_| Key::Stat),
        map(tag_no_case("err"), |_| Key::Err),
        map(tag_no_case("text"), |_| Key::Text),
    ));
    let (i, k) = name.parse(i)?;
    let (i, _) = (multispace0, char(':'), take_while(|b| b == b' ')).parse(i)?;
    Ok((i, k))
}

fn word(i: &[u8]) -> Res<'_, &[u8]> {
    take_till(|b: u8| b.is_ascii_whitespace())(i)
}

/// Parses a receipt text; never fails.
pub fn parse(text: &[u8]) -> Receipt {
    let mut r = Receipt::default();
    let mut i = text.trim_ascii_start();
    while !i.is_empty() {
        match key(i) {
            Ok((after, Key::Text)) => {
                r.text = Some(lossy(after));
                break;
            }
            Ok((after, k)) => {
                let (after, v) = word(after).unwrap_or((after, &[]));
                store(&mut r, k, v);
                i = after;
            }
            Err(_) => i = skip_junk(i),
        }
        i = i.trim_ascii_start();
    }
    r
}

/// Skips one unrecognised word (trailing junk, vendor fields).
fn skip_junk(i: &[u8]) -> &[u8] {
    let taken: Res<'_, &[u8]> = take_while1(|b: u8| !b.is_ascii_whitespace())(i);
    match taken {
        Ok((rest, _)) => rest,
        Err(_) => &i[1.min(i.len())..],
    }
}

fn store(r: &mut Receipt, k: Key, v: &[u8]) {
    match k {
        Key::Id => r.id = Some(lossy(v)),
        Key::Sub => r.sub = number(v),
        Key::Dlvrd => r.dlvrd = number(v),
        Key::SubmitDate => r.submit_date = date(v),
        Key::DoneDate => r.done_date = date(v),
        Key::Stat => r.stat = Some(lossy(v).to_ascii_uppercase()),
        Key::Err => r.err = Some(lossy(v)),
        Key::Text => r.text = Some(lossy(v)),
    }
}

fn lossy(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

fn number(v: &[u8]) -> Option<u32> {
    std::str::from_utf8(v).ok()?.parse().ok()
}

/// YYMMDDhhmm or YYMMDDhhmmss.
fn date(v: &[u8]) -> Option<ReceiptDate> {
    if !(v.len() == 10 || v.len() == 12) || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let two = |at: usize| (v[at] - b'0') * 10 + (v[at + 1] - b'0');
    let d = ReceiptDate {
        year: two(0),
        month: two(2),
        day: two(4),
        hour: two(6),
        minute: two(8),
        second: (v.len() == 12).then(|| two(10)),
    };
    let valid =
        (1..=12).contains(&d.month) && (1..=31).contains(&d.day) && d.hour < 24 && d.minute < 60;
    valid.then_some(d)
}
