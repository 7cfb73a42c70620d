//! Citizen services behind the USSD menus: the Rust actions a menu file calls,
//! with their business rules as pure functions beside them.

pub mod national_card;
