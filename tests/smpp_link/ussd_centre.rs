//! The whole gateway under many USSD dialogues over SMPP at once, played by
//! the in-repo USSD centre (`dargah::sim::ussd_centre`, the carrier side):
//! every hop is answered from the menus, to the right subscriber, and
//! dialogues that end on a continuing page are released.

use dargah::config::{DatabaseUrl, Settings};
use dargah::sim::ussd_centre::{Journey, UssdCentre};
use dargah::startup::Application;
use std::time::Duration;

use crate::serve::MENU;

fn journeys(n: usize) -> Vec<Journey> {
    (0..n)
        .map(|i| Journey {
            msisdn: format!("98935{i:07}"),
            // Every third subscriber reads the menu and hangs up.
            inputs: match i % 3 {
                0 => vec!["*4*6090#".into()],
                _ => vec!["*4*6090#".into(), "1".into()],
            },
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn six_hundred_concurrent_dialogues_over_smpp_are_each_answered_to_their_subscriber() {
    let centre = UssdCentre::bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let port = centre.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("help.toml"), MENU).unwrap();
    let mut settings = Settings::default();
    let db = format!("sqlite://{}/d.db", dir.path().display());
    settings.database.url = DatabaseUrl::parse(&db).unwrap();
    settings.ussd.menus_dir = dir.path().to_owned();
    settings
        .carriers
        .insert("ussdc".into(), crate::support::settings(port));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app = Application::build(settings, listener).await.unwrap();
    let shutdown = app.shutdown_handle();
    let server = tokio::spawn(app.run());

    let plan = journeys(3000);
    let hops: usize = plan.iter().map(|j| j.inputs.len()).sum();
    let report = centre
        .run(plan, 600, Duration::from_secs(120))
        .await
        .unwrap();
    assert_eq!(
        (report.completed, report.ended_early, report.errors),
        (3000, 0, 0),
        "every journey answered to the end, to the right phone"
    );
    assert_eq!(report.latencies.len(), hops, "one reply per input");

    shutdown.trigger();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("stopped")
        .unwrap()
        .unwrap();
}
