//! USSD while PostgreSQL goes away or slows down: a proxy the test controls
//! sits between the gateway and the database. Callers keep dialling; every
//! reply must come within 2 s (a polite END when the database cannot
//! answer), nothing panics, and service resumes when the database returns.

use crate::helpers::TestDb;
use crate::proxy::{Mode, Proxy, backend, through};
use dargah::config::{DatabaseSettings, DatabaseUrl};
use dargah::domain::Msisdn;
use dargah::ussd::action::{ActionError, ActionOutcome, ActionRegistry, ActionRequest, ActionSpec};
use dargah::ussd::{UssdService, UssdSettings};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MENU: &str = r#"
[service]
id = "mine"
codes = ["*4*6090#"]
languages = ["fa"]
start = "main"

[screens.main]
kind = "menu"
text.fa = "کارت هوشمند ملی"
options = [{ label.fa = "درخواست‌های من", target = "lookup" }]

[screens.lookup]
kind = "action"
action = "my_requests"
on = { ok = "show" }

[screens.show]
kind = "message"
text.fa = "تعداد درخواست‌های شما: {count}"
"#;

const APOLOGY: &str = "پوزش، سامانه موقتا در دسترس نیست";
const CALLERS: usize = 20;

/// The action reads the registry: the requests registered to the caller.
fn actions(db: &dargah::registry::Database) -> ActionRegistry {
    let registry = db.registry.clone();
    let mut r = ActionRegistry::new();
    r.register(
        ActionSpec::new("my_requests", &["ok"]).output("count", "99"),
        move |req: ActionRequest| {
            let registry = registry.clone();
            async move {
                let found = registry
                    .requests_by_mobile(&req.msisdn)
                    .await
                    .map_err(|e| ActionError(e.to_string()))?;
                Ok(ActionOutcome::new("ok").with("count", found.len().to_string()))
            }
        },
    );
    r
}

async fn serve(url: DatabaseUrl, menus: &std::path::Path) -> SocketAddr {
    let settings = DatabaseSettings {
        url,
        max_connections: 8,
        ..DatabaseSettings::default()
    };
    let db = dargah::registry::connect_lazy(&settings).unwrap();
    db.registry
        .migrate()
        .await
        .expect("migrated through the proxy");
    let ussd = UssdSettings {
        menus_dir: menus.to_owned(),
        hot_reload: false,
        ..UssdSettings::default()
    };
    let service = UssdService::load(ussd, actions(&db)).unwrap_or_else(|r| panic!("{r}"));
    let router = dargah::ussd::transport::http::router(service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// What callers saw: (when, latency, reply) per final hop, and the slowest hop.
#[derive(Default)]
struct Seen {
    finals: Vec<(Duration, Duration, String)>,
    slowest: Duration,
    failures: Vec<String>,
}

async fn caller(addr: SocketAddr, n: usize, t0: Instant, until: Instant, seen: Arc<Mutex<Seen>>) {
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/ussd/africastalking");
    let phone = Msisdn::parse(&format!("0912100{n:04}")).unwrap();
    let mut i = 0;
    while Instant::now() < until {
        i += 1;
        let session = format!("c{n}-{i}");
        for text in ["", "1"] {
            let form = [
                ("sessionId", session.as_str()),
                ("serviceCode", "*4*6090#"),
                ("phoneNumber", phone.as_str()),
                ("text", text),
            ];
            let sent = Instant::now();
            let r = client.post(&url).form(&form).send().await;
            let took = sent.elapsed();
            {
                let mut s = seen.lock().unwrap();
                s.slowest = s.slowest.max(took);
            }
            let body = match r {
                Ok(r) if r.status() == 200 => r.text().await.unwrap_or_default(),
                other => {
                    seen.lock().unwrap().failures.push(format!("{other:?}"));
                    continue;
                }
            };
            if text == "1" {
                let at = sent.duration_since(t0);
                seen.lock().unwrap().finals.push((at, took, body));
            }
        }
    }
}

/// Final replies sent within [from, to): (count answers, apologies, other).
fn tally(seen: &Seen, from: u64, to: u64) -> (usize, usize, usize) {
    let window = Duration::from_millis(from)..Duration::from_millis(to);
    let mut t = (0, 0, 0);
    for (_, _, body) in seen.finals.iter().filter(|(at, ..)| window.contains(at)) {
        if body.starts_with("END ") && body.contains("تعداد درخواست") {
            t.0 += 1;
        } else if body.starts_with("END ") && body.contains(APOLOGY) {
            t.1 += 1;
        } else {
            t.2 += 1;
        }
    }
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ussd_callers_get_a_polite_end_within_two_seconds_while_postgres_is_cut_or_slow() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let proxy = Proxy::start(backend(&db.url)).await;
    let menus = tempfile::tempdir().unwrap();
    std::fs::write(menus.path().join("mine.toml"), MENU).unwrap();
    let addr = serve(through(&db.url, proxy.port), menus.path()).await;

    // pass 0–1.5 s, cut 1.5–4.5 s, pass 4.5–7.5 s, slow 300 ms 7.5–9.5 s,
    // slow 10 s (as good as hung) 9.5–11.5 s, pass 11.5–13.5 s. Replies are
    // judged by when they were asked, with margins around each switch.
    let t0 = Instant::now();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let until = t0 + Duration::from_millis(13_500);
    let callers: Vec<_> = (0..CALLERS)
        .map(|n| tokio::spawn(caller(addr, n, t0, until, seen.clone())))
        .collect();
    let script = [
        (1_500, Mode::Cut),
        (4_500, Mode::Pass),
        (7_500, Mode::Slow(Duration::from_millis(300))),
        (9_500, Mode::Slow(Duration::from_secs(10))),
        (11_500, Mode::Pass),
    ];
    for (at, mode) in script {
        tokio::time::sleep_until((t0 + Duration::from_millis(at)).into()).await;
        proxy.set(mode);
    }
    for c in callers {
        c.await.expect("no caller panicked");
    }
    let seen = seen.lock().unwrap();
    let phases = [
        ("pass", 0, 1_300),
        ("cut", 1_700, 4_300),
        ("back", 5_000, 7_300),
        ("slow 300ms", 7_500, 9_300),
        ("hung", 10_000, 11_300),
        ("back again", 12_000, 13_500),
    ];
    for (name, from, to) in phases {
        let (ok, sorry, other) = tally(&seen, from, to);
        println!("db outage, {name}: {ok} answered, {sorry} polite END, {other} other");
    }
    println!(
        "db outage: {} final replies, slowest hop {:?}, {} transport failures",
        seen.finals.len(),
        seen.slowest,
        seen.failures.len()
    );
    assert!(seen.failures.is_empty(), "{:?}", seen.failures);
    assert!(
        seen.slowest < Duration::from_secs(2),
        "slowest hop {:?}",
        seen.slowest
    );
    let (ok, sorry, other) = tally(&seen, 0, 1_300);
    assert!(ok > 0 && sorry == 0 && other == 0, "healthy start");
    let (ok, sorry, other) = tally(&seen, 1_700, 4_300);
    assert!(ok == 0 && sorry > 0 && other == 0, "cut: polite END only");
    let (ok, sorry, other) = tally(&seen, 5_000, 7_300);
    assert!(
        ok > 0 && sorry == 0 && other == 0,
        "service resumed after the cut"
    );
    let (_, _, other) = tally(&seen, 7_500, 9_300);
    assert_eq!(other, 0, "slow: answers or polite END");
    let (_, sorry, other) = tally(&seen, 10_000, 11_300);
    assert!(sorry > 0 && other == 0, "hung: polite END");
    let (ok, sorry, other) = tally(&seen, 12_000, 13_500);
    assert!(
        ok > 0 && sorry == 0 && other == 0,
        "service resumed after the hang"
    );
}
