//! Integration tests of the USSD engine: journeys (the DSL under
//! `tests/journeys/`), HTTP dialects, menu validation, hot reload and `dial`.

mod check;
mod dial;
mod dsl;
mod fuzz;
mod http;
mod journal;
mod journeys;
mod reload;
#[path = "../common/screens.rs"]
mod screens;
mod support;
