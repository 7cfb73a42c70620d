//! `dargah dial`: scripted replies, in-process and against a running server.

use super::support::service;
use dargah::domain::{Msisdn, ServiceCode};
use dargah::ussd::dial::{DialOptions, DialTarget, run};
use dargah::ussd::page::PageLimits;

fn options(code: &str) -> DialOptions {
    DialOptions {
        dialled: ServiceCode::parse(code).unwrap(),
        msisdn: Msisdn::parse("09121234567").unwrap(),
        interactive: false,
        limits: PageLimits::default(),
    }
}

async fn dial(target: DialTarget, code: &str, script: &str) -> String {
    let mut out = Vec::new();
    run(target, options(code), script.as_bytes(), &mut out)
        .await
        .unwrap();
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn a_script_drives_an_in_process_dialogue_page_by_page() {
    let out = dial(
        DialTarget::InProcess(service().0),
        "*4*6090#",
        "1\n0499370899\n123456\n",
    )
    .await;
    assert!(
        out.contains("CON · ") && out.contains("/80 characters · UCS-2"),
        "{out}"
    );
    assert!(out.contains("> 0499370899"));
    assert!(out.contains("END · ") && out.contains("پیدا نشد"), "{out}");
}

#[tokio::test]
async fn input_ending_early_releases_the_session() {
    let out = dial(DialTarget::InProcess(service().0), "*4*6090#", "1\n").await;
    assert!(out.contains("session released"), "{out}");
}

#[tokio::test]
async fn dial_speaks_the_cumulative_dialect_to_a_running_server() {
    let app = dargah::ussd::transport::http::router(service().0);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let url = format!("http://{addr}/ussd/africastalking");
    let out = dial(DialTarget::Url(url), "*4*6090*1#", "0499370899\n123456\n").await;
    server.abort();
    assert!(out.contains("سریال"), "{out}");
    assert!(out.contains("END · ") && out.contains("پیدا نشد"), "{out}");
}
