//! Hot reload: a valid edit is swapped in, a broken one is refused and the old menus stay.

use super::support::{Effects, actions, fixtures, settings};
use dargah::domain::{Msisdn, ServiceCode};
use dargah::ussd::{RequestKind, UssdRequest, UssdService, UssdSettings};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

fn copy_fixture() -> (tempfile::TempDir, UssdSettings) {
    let dir = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(fixtures().join("menus/card.toml")).unwrap();
    std::fs::write(dir.path().join("card.toml"), source).unwrap();
    let s = UssdSettings {
        menus_dir: dir.path().to_owned(),
        reload_interval: Duration::from_millis(20),
        hot_reload: true,
        ..settings()
    };
    (dir, s)
}

async fn first_page(service: &UssdService) -> String {
    let request = UssdRequest {
        session_id: format!("r{}", rand_id()),
        msisdn: Msisdn::parse("09121234567").unwrap(),
        dialled: Some(ServiceCode::parse("*4*6090#").unwrap()),
        input: String::new(),
        kind: RequestKind::Begin,
        carrier: None,
    };
    service.handle(request).await.text
}

fn rand_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn edit(dir: &tempfile::TempDir, from: &str, to: &str) {
    let path = dir.path().join("card.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace(from, to);
    std::fs::write(path, text).unwrap();
}

#[tokio::test]
async fn a_broken_edit_is_refused_and_the_old_menus_stay() {
    let (dir, s) = copy_fixture();
    let service = UssdService::load(s, actions(&Effects::default())).unwrap();
    edit(&dir, "target = \"help\"", "target = \"helpp\"");
    let report = service.reload().unwrap_err();
    assert!(
        report
            .to_string()
            .contains("\"helpp\", which does not exist"),
        "{report}"
    );
    assert!(first_page(&service).await.contains("۳- راهنما"));
}

#[tokio::test]
async fn a_valid_edit_is_picked_up_by_the_watcher() {
    let (dir, s) = copy_fixture();
    let service = UssdService::load(s, actions(&Effects::default())).unwrap();
    let stop = CancellationToken::new();
    let task = dargah::ussd::reload::spawn(service.clone(), stop.clone()).unwrap();
    edit(
        &dir,
        "text.fa = \"کارت هوشمند ملی\"",
        "text.fa = \"خدمات کارت ملی\"",
    );
    let mut seen = false;
    for _ in 0..250 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if first_page(&service).await.contains("خدمات کارت ملی") {
            seen = true;
            break;
        }
    }
    stop.cancel();
    task.await.unwrap();
    assert!(seen, "the watcher never swapped the new menus in");
}
