//! Integration tests: one binary, one module per area (zero-to-production's `tests/api`).

mod fixtures;
mod helpers;

mod bad_http;
mod cli;
mod db_outage;
mod dispatch_outage;
mod health;
mod hostile_input;
mod https;
mod https_callbacks;
mod kannel_api;
mod national_card;
mod notify;
mod openapi;
mod otp_api;
mod proxy;
mod receiver;
mod registry_story;
#[path = "../common/screens.rs"]
mod screens;
mod secrets;
mod shutdown;
mod sms_api;
mod sms_callbacks;
mod sms_coalesce;
mod sms_dispatch;
mod sms_mo;
mod sms_mo_forward;
mod sms_notifier;
mod sms_wake;
mod soak;
mod ussd_wiring;
