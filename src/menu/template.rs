//! Text templates: `{name}` and `{name|filter|…}` over session variables, parsed with nom.
//!
//! Separate from the engine because the validator parses every template at load
//! time (unknown variables and filters are load errors) and the engine only renders.

use super::filter::Filter;
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{is_not, tag, take_while, take_while1},
    combinator::{all_consuming, map, map_res, recognize, value},
    multi::many0,
    sequence::{delimited, pair, preceded},
};

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Var { name: String, filters: Vec<Filter> },
}

/// Why a template does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// Braces that open no `{name|filter}` placeholder.
    #[error("bad placeholder near {0:?} (write {{name}} or {{name|filter}}; {{{{ for a brace)")]
    Syntax(String),
}

impl Template {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        match all_consuming(many0(part)).parse(text) {
            Ok((_, parts)) => Ok(Template { parts }),
            Err(e) => Err(TemplateError::Syntax(near(text, e))),
        }
    }

    /// The variables it reads, in order.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var { name, .. } => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// Renders with `lookup`; a variable with no value renders empty.
    pub fn render<'a>(&self, lookup: impl Fn(&str) -> Option<&'a str>) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Var { name, filters } => {
                    let raw = lookup(name).unwrap_or_default().to_owned();
                    out.push_str(&filters.iter().fold(raw, |v, f| f.apply(&v)));
                }
            }
        }
        out
    }
}

fn near(text: &str, e: nom::Err<nom::error::Error<&str>>) -> String {
    let rest = match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => e.input,
        nom::Err::Incomplete(_) => text,
    };
    rest.chars().take(20).collect()
}

fn part(input: &str) -> IResult<&str, Part> {
    alt((
        value(Part::Literal("{".into()), tag("{{")),
        value(Part::Literal("}".into()), tag("}}")),
        placeholder,
        map(is_not("{}"), |s: &str| Part::Literal(s.to_owned())),
    ))
    .parse(input)
}

fn placeholder(input: &str) -> IResult<&str, Part> {
    let filter = preceded(
        (tag("|"), take_while(|c| c == ' ')),
        map_res(
            take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_'),
            |f: &str| f.parse::<Filter>(),
        ),
    );
    let body = (
        take_while(|c| c == ' '),
        identifier,
        many0(preceded(take_while(|c| c == ' '), filter)),
        take_while(|c| c == ' '),
    );
    map(
        delimited(tag("{"), body, tag("}")),
        |(_, name, filters, _)| Part::Var {
            name: name.to_owned(),
            filters,
        },
    )
    .parse(input)
}

/// A variable name: a letter or `_`, then letters, digits, `_` or `.` (`office.name`).
pub(crate) fn identifier(input: &str) -> IResult<&str, &str> {
    recognize(pair(
        take_while1(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.'),
    ))
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(t: &str, vars: &[(&'static str, &'static str)]) -> String {
        let t = Template::parse(t).unwrap();
        t.render(|n| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| *v))
    }

    #[test]
    fn variables_and_filters_render_in_place() {
        assert_eq!(
            render(
                "کد {code|fa} برای {name}",
                &[("code", "12"), ("name", "علی")]
            ),
            "کد ۱۲ برای علی"
        );
    }

    #[test]
    fn doubled_braces_are_literal_and_missing_variables_render_empty() {
        assert_eq!(render("{{x}} {gone}.", &[]), "{x} .");
    }

    #[test]
    fn unknown_filters_and_stray_braces_are_errors() {
        assert!(Template::parse("{a|shout}").is_err());
        assert!(Template::parse("open { brace").is_err());
        assert!(Template::parse("close } brace").is_err());
    }

    #[test]
    fn variables_are_listed_in_order() {
        let t = Template::parse("{a} and {office.name|fa}").unwrap();
        assert_eq!(t.variables().collect::<Vec<_>>(), ["a", "office.name"]);
    }
}
