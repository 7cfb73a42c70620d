//! The national smart ID card service end to end: journeys over the real
//! `menus/national-card.toml`, the real actions and the real registry, on
//! SQLite and PostgreSQL (files in `tests/journeys/national-card/`).

mod runner;
mod world;

use crate::helpers::TestDb;
use crate::on_both_backends;

macro_rules! journeys {
    ($($name:ident => $file:literal),* $(,)?) => {
        $(
            async fn $name(db: TestDb) {
                let postgres = db.url.expose().starts_with("postgres");
                drop(db);
                runner::run_file($file, postgres).await;
            }
        )*
        on_both_backends!($($name),*);
    };
}

journeys!(
    identity_and_privacy_journeys_pass => "identity.journey",
    status_journeys_cover_every_lifecycle_and_payment_state => "status.journey",
    permission_table_journeys_show_and_refuse_each_option => "permissions.journey",
    appointment_change_journeys_move_the_place_atomically => "appointment.journey",
    mobile_change_journeys_tell_both_numbers => "mobile.journey",
    delivery_office_and_receipt_journeys_send_their_sms => "delivery_receipt.journey",
);

#[test]
fn menus_check_passes_on_the_shipped_menus() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dargah"))
        .args(["menus", "check", "menus/"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("menus ok"), "{stdout}");
}

#[test]
fn the_sms_templates_beside_the_menus_are_not_read_as_menus() {
    let menus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("menus");
    let files = dargah::menu::load::menu_files(std::slice::from_ref(&menus)).unwrap();
    assert_eq!(files, [menus.join("national-card.toml")]);
    let templates = dargah::sms::template::load_dir(&menus.join("sms"), 6).unwrap();
    let missing = templates.missing(dargah::services::national_card::TEMPLATES);
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn menus_check_reports_a_broken_sms_template_with_file_and_line() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sms")).unwrap();
    std::fs::copy(
        root.join("menus/national-card.toml"),
        dir.path().join("national-card.toml"),
    )
    .unwrap();
    let sms = std::fs::read_to_string(root.join("menus/sms/national-card.toml")).unwrap();
    let broken = sms.replace("{tracking|fa}", "{trackin|fa}");
    std::fs::write(dir.path().join("sms/national-card.toml"), broken).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dargah"))
        .args(["menus", "check"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains("sms/national-card.toml:") && stdout.contains("\"trackin\""),
        "{stdout}"
    );
}

#[tokio::test]
async fn serve_answers_star_4_6090_from_the_shipped_menus_and_counts_identity_failures() {
    let (app, _db) = crate::helpers::spawn_app().await;
    let hop = |session: &'static str, text: String| {
        app.client
            .post(app.url("/ussd/africastalking"))
            .form(&[
                ("sessionId", session),
                ("serviceCode", "*4*6090#"),
                ("phoneNumber", "+989351234567"),
                ("text", text.as_str()),
            ])
            .send()
    };
    let first = hop("s1", String::new())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        first.starts_with("CON ") && first.contains("کد ملی ۱۰ رقمی"),
        "{first}"
    );
    let unknown = crate::fixtures::nid(77);
    let serial = hop("s1", unknown.as_str().to_owned()).await.unwrap();
    let serial = serial.text().await.unwrap();
    assert!(serial.contains("سریال شناسنامه"), "{serial}");
    let text = format!("{}*123456", unknown.as_str());
    let last = hop("s1", text).await.unwrap().text().await.unwrap();
    assert!(last.contains("در ثبت احوال یافت نشد"), "{last}");
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap();
    let metrics = metrics.text().await.unwrap();
    assert!(
        metrics.contains("dargah_card_identity_failures_total{reason=\"unknown\"}"),
        "{metrics}"
    );
}
