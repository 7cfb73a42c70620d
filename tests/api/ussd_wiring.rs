//! The USSD engine as `serve` and the CLI run it: menus from `ussd.menus_dir`,
//! the aggregator routes mounted, `dargah menus check` and `dargah dial`.

use crate::helpers::{TestDb, spawn_app_with};
use std::io::Write;
use std::process::{Command, Stdio};

const HELP_MENU: &str = r#"
[service]
id = "help"
codes = ["*4*6090#"]
languages = ["fa"]
start = "main"

[screens.main]
kind = "menu"
text.fa = "راهنمای کارت هوشمند ملی"
options = [
  { label.fa = "مدارک لازم", target = "docs" },
]

[screens.docs]
kind = "message"
text.fa = "شناسنامه عکس‌دار و کد ملی همراه داشته باشید."
"#;

fn menus_dir(menu: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("help.toml"), menu).unwrap();
    dir
}

#[tokio::test]
async fn serve_mounts_the_aggregator_routes_over_the_configured_menus() {
    let db = TestDb::sqlite().await;
    let menus = menus_dir(HELP_MENU);
    let mut settings = db.settings();
    settings.ussd.menus_dir = menus.path().to_owned();
    let app = spawn_app_with(settings).await;
    app.wait_ready().await;
    let hop = |text: &'static str| {
        app.client
            .post(app.url("/ussd/africastalking"))
            .form(&[
                ("sessionId", "s1"),
                ("serviceCode", "*4*6090#"),
                ("phoneNumber", "+989121234567"),
                ("text", text),
            ])
            .send()
    };
    let first = hop("").await.unwrap().text().await.unwrap();
    assert!(
        first.starts_with("CON ") && first.contains("مدارک لازم"),
        "{first}"
    );
    let last = hop("1").await.unwrap().text().await.unwrap();
    assert!(
        last.starts_with("END ") && last.contains("شناسنامه"),
        "{last}"
    );
}

#[tokio::test]
async fn serve_refuses_an_invalid_menu_set() {
    let db = TestDb::sqlite().await;
    let menus = menus_dir(&HELP_MENU.replace("target = \"docs\"", "target = \"nowhere\""));
    let mut settings = db.settings();
    settings.ussd.menus_dir = menus.path().to_owned();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let err = dargah::startup::Application::build(settings, listener)
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("nowhere"), "{err}");
}

#[test]
fn menus_check_names_the_file_and_line_of_each_problem() {
    let menus = menus_dir(&HELP_MENU.replace("target = \"docs\"", "target = \"nowhere\""));
    let out = Command::new(env!("CARGO_BIN_EXE_dargah"))
        .args(["menus", "check"])
        .arg(menus.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("help.toml:") && report.contains("nowhere"),
        "{report}"
    );
    let good = menus_dir(HELP_MENU);
    let ok = Command::new(env!("CARGO_BIN_EXE_dargah"))
        .args(["menus", "check"])
        .arg(good.path())
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
}

#[test]
fn dial_reads_one_reply_per_line_and_prints_every_page() {
    let menus = menus_dir(HELP_MENU);
    let db = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dargah"))
        .current_dir(db.path())
        .env("DARGAH__USSD__MENUS_DIR", menus.path())
        .env("DARGAH__LOG__LEVEL", "warn")
        .args(["dial", "*4*6090#", "--msisdn", "09121234567"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("۱\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{screen}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        screen.contains("مدارک لازم") && screen.contains("شناسنامه"),
        "{screen}"
    );
}
