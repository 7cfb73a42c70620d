//! Conditions on session variables (`stage == 'paid' and not locked`), parsed with nom.
//!
//! A menu option's `when` decides whether a citizen sees it, which is how the
//! seed's permission table lives in menus rather than in Rust.

use super::template::identifier;
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{is_not, tag, take_while1},
    character::complete::{multispace0, multispace1},
    combinator::{all_consuming, map, opt},
    multi::separated_list1,
    sequence::{delimited, preceded, terminated},
};

/// A parsed condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// Holds if either side holds.
    Or(Vec<Condition>),
    /// Holds if all hold.
    And(Vec<Condition>),
    /// Negation.
    Not(Box<Condition>),
    /// The variable equals the value.
    Eq(String, String),
    /// The variable differs from the value.
    Ne(String, String),
    /// The variable is one of the values.
    In(String, Vec<String>),
    /// The variable is set and not empty, `no`, `false` or `0`.
    Truthy(String),
}

impl Condition {
    /// Parses `text`; the error names where parsing stopped.
    pub fn parse(text: &str) -> Result<Self, String> {
        all_consuming(delimited(multispace0, or_expr, multispace0))
            .parse(text)
            .map(|(_, c)| c)
            .map_err(|_| format!("cannot read condition {text:?}"))
    }

    /// Evaluates with `lookup`.
    pub fn holds<'a>(&self, lookup: &impl Fn(&str) -> Option<&'a str>) -> bool {
        match self {
            Condition::Or(cs) => cs.iter().any(|c| c.holds(lookup)),
            Condition::And(cs) => cs.iter().all(|c| c.holds(lookup)),
            Condition::Not(c) => !c.holds(lookup),
            Condition::Eq(v, x) => lookup(v) == Some(x.as_str()),
            Condition::Ne(v, x) => lookup(v) != Some(x.as_str()),
            Condition::In(v, xs) => lookup(v).is_some_and(|got| xs.iter().any(|x| x == got)),
            Condition::Truthy(v) => {
                lookup(v).is_some_and(|x| !matches!(x, "" | "no" | "false" | "0"))
            }
        }
    }

    /// The variables it reads.
    pub fn variables(&self) -> Vec<&str> {
        match self {
            Condition::Or(cs) | Condition::And(cs) => {
                cs.iter().flat_map(|c| c.variables()).collect()
            }
            Condition::Not(c) => c.variables(),
            Condition::Eq(v, _)
            | Condition::Ne(v, _)
            | Condition::In(v, _)
            | Condition::Truthy(v) => {
                vec![v.as_str()]
            }
        }
    }
}

fn keyword<'a>(
    word: &'static str,
) -> impl Parser<&'a str, Output = &'a str, Error = nom::error::Error<&'a str>> {
    delimited(multispace1, tag(word), multispace1)
}

fn or_expr(input: &str) -> IResult<&str, Condition> {
    map(separated_list1(keyword("or"), and_expr), |mut cs| {
        if cs.len() == 1 {
            cs.remove(0)
        } else {
            Condition::Or(cs)
        }
    })
    .parse(input)
}

fn and_expr(input: &str) -> IResult<&str, Condition> {
    map(separated_list1(keyword("and"), term), |mut cs| {
        if cs.len() == 1 {
            cs.remove(0)
        } else {
            Condition::And(cs)
        }
    })
    .parse(input)
}

fn term(input: &str) -> IResult<&str, Condition> {
    alt((
        map(preceded(terminated(tag("not"), multispace1), term), |c| {
            Condition::Not(Box::new(c))
        }),
        comparison,
        map(identifier, |v| Condition::Truthy(v.to_owned())),
    ))
    .parse(input)
}

fn comparison(input: &str) -> IResult<&str, Condition> {
    let (rest, var) = identifier(input)?;
    let (rest, _) = multispace0(rest)?;
    let (rest, op) = alt((tag("=="), tag("!="), tag("in"))).parse(rest)?;
    let (rest, _) = multispace0(rest)?;
    let var = var.to_owned();
    match op {
        "==" => map(literal, |x| Condition::Eq(var.clone(), x)).parse(rest),
        "!=" => map(literal, |x| Condition::Ne(var.clone(), x)).parse(rest),
        _ => map(list, |xs| Condition::In(var.clone(), xs)).parse(rest),
    }
}

fn list(input: &str) -> IResult<&str, Vec<String>> {
    let sep = delimited(multispace0, tag(","), multispace0);
    delimited(
        terminated(tag("["), multispace0),
        separated_list1(sep, literal),
        preceded(multispace0, tag("]")),
    )
    .parse(input)
}

fn literal(input: &str) -> IResult<&str, String> {
    let quoted = |q: &'static str| delimited(tag(q), opt(is_not(q)), tag(q));
    alt((
        map(alt((quoted("'"), quoted("\""))), |s: Option<&str>| {
            s.unwrap_or_default().to_owned()
        }),
        map(
            take_while1(|c: char| c.is_alphanumeric() || c == '_' || c == '-'),
            str::to_owned,
        ),
    ))
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(text: &str, vars: &[(&'static str, &'static str)]) -> bool {
        let c = Condition::parse(text).unwrap();
        c.holds(&|n: &str| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| *v))
    }

    #[test]
    fn comparisons_lists_and_truthiness_evaluate() {
        let vars = [("stage", "paid"), ("locked", "no"), ("n", "3")];
        assert!(eval("stage == 'paid'", &vars));
        assert!(eval("stage != \"first_page\"", &vars));
        assert!(eval("stage in ['paid', 'enrolled']", &vars));
        assert!(!eval("locked", &vars));
        assert!(eval("not locked and n == 3", &vars));
        assert!(eval("missing or stage == paid", &vars));
        assert!(!eval("missing", &vars));
    }

    #[test]
    fn and_binds_tighter_than_or() {
        assert!(eval("a or b and c", &[("a", "yes")]));
        assert!(!eval("a and b or c", &[("a", "yes")]));
    }

    #[test]
    fn malformed_conditions_are_refused() {
        for bad in ["", "stage ==", "stage in []", "a and", "== 'x'", "a b"] {
            assert!(Condition::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn variables_are_collected_from_every_branch() {
        let c = Condition::parse("not a or b in [x] and c != y").unwrap();
        assert_eq!(c.variables(), ["a", "b", "c"]);
    }
}
