//! One test per journey file.

use super::dsl::run_file;
use super::support::fixtures;
use std::path::PathBuf;

fn journey(name: &str) -> PathBuf {
    fixtures().parent().unwrap().join("journeys").join(name)
}

#[tokio::test(start_paused = true)]
async fn status_journeys_walk_menus_inputs_actions_and_messages() {
    assert!(run_file(&journey("status.journey")).await >= 3);
}

#[tokio::test(start_paused = true)]
async fn appointment_change_pages_a_persian_office_list_and_books() {
    assert!(run_file(&journey("appointment.journey")).await >= 2);
}

#[tokio::test(start_paused = true)]
async fn navigation_keys_page_back_and_home() {
    assert!(run_file(&journey("navigation.journey")).await >= 2);
}

#[tokio::test(start_paused = true)]
async fn invalid_input_repeats_the_screen_until_the_retry_limit() {
    assert!(run_file(&journey("invalid_input.journey")).await >= 2);
}

#[tokio::test(start_paused = true)]
async fn dropped_sessions_resume_within_the_window() {
    assert!(run_file(&journey("resume.journey")).await >= 3);
}

#[tokio::test(start_paused = true)]
async fn deep_links_open_options_and_fill_inputs() {
    assert!(run_file(&journey("deep_links.journey")).await >= 2);
}

#[tokio::test(start_paused = true)]
async fn an_option_switches_the_language_of_every_later_screen() {
    assert!(run_file(&journey("languages.journey")).await >= 2);
}

#[tokio::test(start_paused = true)]
async fn timeouts_and_failing_actions_end_politely() {
    assert!(run_file(&journey("timeouts.journey")).await >= 3);
}
