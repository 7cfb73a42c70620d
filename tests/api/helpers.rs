//! `spawn_app` and fresh databases per test, on SQLite and PostgreSQL.
//!
//! PostgreSQL tests use the server in `DARGAH_TEST_DATABASE_URL` and create a
//! database of their own on it. Without the variable they are skipped, unless
//! `DARGAH_TEST_REQUIRE_POSTGRES=1` (set by `scripts/test` and CI), which
//! turns a skip into a failure so that CI can never pass without them.

use dargah::config::{DatabaseUrl, Settings};
use dargah::registry::{self, SharedRegistry};
use dargah::shutdown::Shutdown;
use dargah::startup::Application;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// A database made for one test; SQLite files live as long as this value.
pub struct TestDb {
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A fresh SQLite file.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("a temp dir");
        let url = format!("sqlite://{}", dir.path().join("dargah.db").display());
        TestDb {
            url: DatabaseUrl::parse(&url).unwrap(),
            _dir: Some(dir),
        }
    }

    /// A fresh PostgreSQL database, or `None` when no server is configured.
    pub async fn postgres() -> Option<TestDb> {
        let server = match std::env::var("DARGAH_TEST_DATABASE_URL") {
            Ok(url) => url,
            Err(_) if std::env::var("DARGAH_TEST_REQUIRE_POSTGRES").as_deref() == Ok("1") => {
                panic!("DARGAH_TEST_REQUIRE_POSTGRES=1 but DARGAH_TEST_DATABASE_URL is not set")
            }
            Err(_) => {
                eprintln!("skipped: DARGAH_TEST_DATABASE_URL is not set");
                return None;
            }
        };
        let name = unique_name();
        let admin = sqlx::PgPool::connect(&server)
            .await
            .expect("connect to the test PostgreSQL server");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .expect("create test database");
        admin.close().await;
        let url = replace_database(&server, &name);
        Some(TestDb {
            url: DatabaseUrl::parse(&url).unwrap(),
            _dir: None,
        })
    }

    /// Settings pointing at this database, with a port-0 listener and a long
    /// pool acquire timeout (race tests queue hundreds of transactions).
    pub fn settings(&self) -> Settings {
        let mut s = Settings::default();
        s.database.url = self.url.clone();
        s.database.acquire_timeout = Duration::from_secs(30);
        s.database.max_retry_backoff = Duration::from_millis(500);
        s.http.listen = "127.0.0.1:0".parse().unwrap();
        s
    }

    /// A migrated registry on this database.
    pub async fn registry(&self) -> SharedRegistry {
        let r = registry::connect_lazy(&self.settings().database)
            .expect("registry")
            .registry;
        r.migrate().await.expect("migrations apply");
        r
    }

    /// A raw sqlx pool, to write rows the way the web side would.
    pub async fn raw(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(self.url.expose())
            .await
            .expect("raw pool")
    }
}

fn unique_name() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "dargah_test_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        rand_suffix()
    )
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}

fn replace_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (server, String::new()),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}

/// A running gateway on port 0.
pub struct TestApp {
    pub addr: SocketAddr,
    pub registry: SharedRegistry,
    pub outbox: dargah::sms::outbox::SharedOutbox,
    pub shutdown: Shutdown,
    pub server: tokio::task::JoinHandle<Result<(), dargah::startup::StartupError>>,
    pub client: reqwest::Client,
}

impl TestApp {
    /// `http://127.0.0.1:port/path`
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Polls `/readyz` until it answers 200 (the migrations run in the background).
    pub async fn wait_ready(&self) {
        for _ in 0..200 {
            if let Ok(r) = self.client.get(self.url("/readyz")).send().await
                && r.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the app never became ready");
    }
}

/// Builds and runs the application with these settings on a port-0 listener.
pub async fn spawn_app_with(settings: Settings) -> TestApp {
    init_test_logging();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app = Application::build(settings, listener)
        .await
        .expect("app builds");
    let addr = app.local_addr().unwrap();
    let (registry, outbox, shutdown) = (app.registry(), app.outbox(), app.shutdown_handle());
    let server = tokio::spawn(app.run());
    TestApp {
        addr,
        registry,
        outbox,
        shutdown,
        server,
        client: reqwest::Client::new(),
    }
}

/// A ready application on a fresh SQLite database.
pub async fn spawn_app() -> (TestApp, TestDb) {
    let db = TestDb::sqlite().await;
    let app = spawn_app_with(db.settings()).await;
    app.wait_ready().await;
    (app, db)
}

/// `TEST_LOG=1` shows the gateway's logs; tests are silent otherwise.
fn init_test_logging() {
    if std::env::var("TEST_LOG").is_ok() {
        dargah::telemetry::init_logging(&Default::default());
    }
}

/// Runs each named async test function once per backend:
/// `on_both_backends!(a, b)` makes `sqlite::a`, `postgres::a`, ….
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::TestDb::sqlite().await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(db) = $crate::helpers::TestDb::postgres().await {
                        super::$name(db).await
                    }
                }
            )*
        }
    };
}
