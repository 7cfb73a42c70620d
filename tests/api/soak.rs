//! Soak (ignored by default; `scripts/soak MINUTES` runs it): 1,000
//! concurrent USSD sessions over the aggregator route and a steady SMS
//! stream into the outbox for `DARGAH_SOAK_MINUTES` minutes, with the
//! process's resident memory sampled every 10 s. No errors, memory flat.

use crate::helpers::{TestApp, TestDb, spawn_app_with};
use dargah::sms::api::ApiClientSettings;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const MENU: &str = r#"
[service]
id = "soak"
codes = ["*4*6090#"]
languages = ["fa"]
start = "main"

[screens.main]
kind = "menu"
text.fa = "کارت هوشمند ملی"
options = [
  { label.fa = "راهنما", target = "help" },
  { label.fa = "مدارک", target = "docs" },
]

[screens.help]
kind = "menu"
text.fa = "راهنمای ثبت‌نام"
options = [{ label.fa = "مدارک لازم", target = "docs" }]

[screens.docs]
kind = "message"
text.fa = "شناسنامه عکس‌دار و کد ملی همراه داشته باشید."
"#;

const SESSIONS: usize = 1_000;

#[derive(Default)]
struct Counts {
    hops: AtomicU64,
    dialogues: AtomicU64,
    sms: AtomicU64,
    errors: AtomicU64,
    first_errors: std::sync::Mutex<Vec<String>>,
    sms_slowest_ms: AtomicU64,
}

impl Counts {
    fn error(&self, what: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let mut first = self.first_errors.lock().unwrap();
        if first.len() < 10 {
            first.push(what);
        }
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// One citizen dialling again and again: main menu, 1, 1 (END).
async fn citizen(app: Arc<TestApp>, n: usize, until: Instant, counts: Arc<Counts>) {
    let url = app.url("/ussd/africastalking");
    let phone = format!("0912{n:07}");
    let mut i = 0u64;
    while Instant::now() < until {
        i += 1;
        let session = format!("s{n}-{i}");
        for (text, end) in [("", false), ("1", false), ("1*1", true)] {
            let form = [
                ("sessionId", session.as_str()),
                ("serviceCode", "*4*6090#"),
                ("phoneNumber", phone.as_str()),
                ("text", text),
            ];
            let body = match app.client.post(&url).form(&form).send().await {
                Ok(r) if r.status() == 200 => r.text().await.unwrap_or_default(),
                Ok(r) => format!("status {}", r.status()),
                Err(e) => format!("{e:?}"),
            };
            let want = if end { "END " } else { "CON " };
            if !body.starts_with(want) {
                counts.error(format!("hop {text:?}: {body}"));
                break;
            }
            counts.hops.fetch_add(1, Ordering::Relaxed);
            // A citizen reads the page and types: 2 to 5 s between hops.
            let think = 2_000 + (n as u64 * 7 + i * 13) % 3_000;
            tokio::time::sleep(Duration::from_millis(think)).await;
        }
        counts.dialogues.fetch_add(1, Ordering::Relaxed);
    }
}

/// The web side sending 20 SMS a second, each request on its own task so
/// a slow answer does not slow the stream.
async fn sms_stream(app: Arc<TestApp>, until: Instant, counts: Arc<Counts>) {
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    let mut sent = Vec::new();
    while Instant::now() < until {
        tick.tick().await;
        let (app, counts) = (app.clone(), counts.clone());
        sent.push(tokio::spawn(async move {
            let asked = Instant::now();
            let r = app
                .client
                .post(app.url("/v1/sms"))
                .bearer_auth("soak-key")
                .json(&serde_json::json!({"to": "09121234567", "text": "کد ورود شما: ۴۸۲۱۹۳"}))
                .send()
                .await;
            let ms = asked.elapsed().as_millis() as u64;
            counts.sms_slowest_ms.fetch_max(ms, Ordering::Relaxed);
            match r {
                Ok(r) if r.status() == 202 => {
                    counts.sms.fetch_add(1, Ordering::Relaxed);
                }
                Ok(r) => counts.error(format!("sms: status {}", r.status())),
                Err(e) => counts.error(format!("sms: {e:?}")),
            }
        }));
    }
    for s in sent {
        s.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "minutes long: run with scripts/soak"]
async fn soak_a_thousand_concurrent_ussd_sessions_and_an_sms_stream_keep_memory_flat() {
    let minutes: u64 = std::env::var("DARGAH_SOAK_MINUTES")
        .ok()
        .and_then(|m| m.parse().ok())
        .unwrap_or(1);
    let db = TestDb::sqlite().await;
    let menus = tempfile::tempdir().unwrap();
    std::fs::write(menus.path().join("soak.toml"), MENU).unwrap();
    let mut s = db.settings();
    s.ussd.menus_dir = menus.path().to_owned();
    s.api.clients.insert(
        "soak".into(),
        ApiClientSettings {
            key: Some("soak-key".to_owned().into()),
            ..Default::default()
        },
    );
    let app = spawn_app_with(s).await;
    app.wait_ready().await;
    let app = Arc::new(app);
    let counts = Arc::new(Counts::default());
    let started = Instant::now();
    let until = started + Duration::from_secs(minutes * 60);
    let mut tasks: Vec<_> = (0..SESSIONS)
        .map(|n| tokio::spawn(citizen(app.clone(), n, until, counts.clone())))
        .collect();
    tasks.push(tokio::spawn(sms_stream(app.clone(), until, counts.clone())));
    let mut samples = Vec::new();
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_secs(10)).await;
        let rss = rss_kib();
        let hops = counts.hops.load(Ordering::Relaxed);
        println!(
            "soak t={:>4}s rss={rss} KiB hops={hops}",
            started.elapsed().as_secs()
        );
        samples.push(rss);
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (hops, dialogues, sms, errors) = (
        counts.hops.load(Ordering::Relaxed),
        counts.dialogues.load(Ordering::Relaxed),
        counts.sms.load(Ordering::Relaxed),
        counts.errors.load(Ordering::Relaxed),
    );
    let warm = samples[samples.len().min(3) - 1];
    let last = *samples.last().unwrap();
    let peak = *samples.iter().max().unwrap();
    let slowest_sms = counts.sms_slowest_ms.load(Ordering::Relaxed);
    println!(
        "soak: {minutes} min, {SESSIONS} concurrent sessions, {hops} hops, {dialogues} dialogues, \
         {sms} SMS enqueued (slowest {slowest_sms} ms), {errors} errors; \
         RSS after 30 s {warm} KiB, peak {peak} KiB, last {last} KiB"
    );
    assert_eq!(errors, 0, "{:?}", counts.first_errors.lock().unwrap());
    assert!(
        last <= warm + warm / 5,
        "memory grew from {warm} to {last} KiB after warm-up"
    );
}
