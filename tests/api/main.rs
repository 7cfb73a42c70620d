//! Integration tests: one binary, one module per area (zero-to-production's `tests/api`).

mod fixtures;
mod helpers;

mod cli;
mod health;
mod kannel_api;
mod otp_api;
mod registry_story;
mod shutdown;
mod sms_api;
mod ussd_wiring;
