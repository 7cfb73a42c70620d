//! The whole gateway bound to the simulator: a USSD dialogue over SMPP is
//! answered from the menus, and shutdown unbinds.

use dargah::config::Settings;
use dargah::startup::Application;
use serde_json::{Value, json};
use std::time::Duration;

use crate::sim::Sim;

/// A two-screen help menu, shared with `ussd_centre.rs`.
pub(crate) const MENU: &str = r#"
[service]
id = "help"
codes = ["*4*6090#"]
languages = ["fa"]
start = "main"

[screens.main]
kind = "menu"
text.fa = "راهنمای کارت هوشمند ملی"
options = [{ label.fa = "مدارک لازم", target = "docs" }]

[screens.docs]
kind = "message"
text.fa = "شناسنامه عکس‌دار و کد ملی همراه داشته باشید."
"#;

async fn deliver(sim: &mut Sim, fields: Value) {
    let mut pdu = json!({"source_addr": "989121234567", "destination_addr": "4", "data_coding": 15, "service_type": "USSD"});
    for (k, v) in fields.as_object().expect("object") {
        pdu[k] = v.clone();
    }
    let answer = sim.cmd(json!({"cmd": "deliver", "pdu": pdu})).await;
    assert_eq!(answer["status"], json!(0), "deliver_sm accepted");
}

async fn page(sim: &mut Sim, n: usize) -> Value {
    for _ in 0..400 {
        let submits = sim.submits().await;
        if submits.len() >= n {
            return submits[n - 1].clone();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no page {n} from the gateway");
}

#[tokio::test]
async fn serve_answers_a_ussd_dialogue_over_smpp_from_the_menus_and_unbinds_on_shutdown() {
    let mut sim = Sim::start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("help.toml"), MENU).unwrap();
    let mut settings = Settings::default();
    settings.database.url =
        dargah::config::DatabaseUrl::parse(&format!("sqlite://{}/d.db", dir.path().display()))
            .unwrap();
    settings.http.listen = "127.0.0.1:0".parse().unwrap();
    settings.ussd.menus_dir = dir.path().to_owned();
    settings
        .carriers
        .insert("sim".into(), crate::support::settings(sim.port));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app = Application::build(settings, listener).await.unwrap();
    let metrics_url = format!("http://{}/metrics", app.local_addr().unwrap());
    let shutdown = app.shutdown_handle();
    let server = tokio::spawn(app.run());
    sim.wait_bound(1).await;

    deliver(
        &mut sim,
        json!({"short_message": "*4*6090#", "ussd_service_op": 1, "its_session_info": "0900"}),
    )
    .await;
    let first = page(&mut sim, 1).await;
    assert!(
        first["text"].as_str().unwrap().contains("مدارک لازم"),
        "{first}"
    );
    assert_eq!(first["data_coding"], json!(0x48), "Persian in UCS-2");
    deliver(
        &mut sim,
        json!({"short_message": "1", "ussd_service_op": 18, "its_session_info": "0902"}),
    )
    .await;
    let last = page(&mut sim, 2).await;
    assert!(
        last["text"].as_str().unwrap().contains("شناسنامه"),
        "{last}"
    );

    let metrics = reqwest::get(&metrics_url)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for name in [
        "smpp_bind_state",
        "smpp_submit_sm_total",
        "smpp_window_outstanding",
        "smpp_response_seconds_bucket",
        "smpp_command_status_total",
    ] {
        assert!(
            metrics.contains(name),
            "{name} missing from /metrics:\n{metrics}"
        );
    }

    shutdown.trigger();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("stopped")
        .unwrap()
        .unwrap();
    assert_eq!(
        sim.stats().await["stats"]["unbinds"],
        json!(1),
        "the gateway unbound"
    );
}
