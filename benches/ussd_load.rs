//! A USSD load generator: N journeys over the cumulative HTTP dialect (Africa's
//! Talking: `sessionId`, `serviceCode`, `phoneNumber`, `text`), against any
//! server, from a separate process, so the server under test is measured the
//! way a carrier's aggregator drives it. `scripts/bench` runs it against
//! dargah and against ussd-menu-builder with the same journey.
//!
//! ```sh
//! cargo bench --bench ussd_load -- --url http://127.0.0.1:8080/ussd/africastalking \
//!     --concurrency 32 --journeys 20000 --step "" --step 1 --step 1*0012345679
//! ```
//!
//! Callers: `--phones-file F` (one number per line, e.g. the registered mobiles
//! of generated citizens), else `--phone-prefix +98935 --phones 10000000`.
//!
//! `--vars-file F`: lines of space-separated values that `{0}`, `{1}`, … in
//! the steps take, one line per journey (e.g. a citizen's national ID and serial).
//!
//! `--first N`: number the journeys from N (default 0). A journey's number
//! picks its caller, its session id and its vars line, so runs against one
//! server must not repeat numbers: a caller whose last journey is still in
//! the resume window is offered "continue where you were" instead of the
//! journey asked for (`scripts/bench` gives each run its own range).
//!
//! `--smpp-listen 127.0.0.1:2776`: instead of calling a URL, play a carrier's
//! USSD centre over SMPP (`dargah::sim::ussd_centre`): listen there, let the
//! gateway bind, and run the journeys as deliver_sm/submit_sm dialogues. The
//! steps are then each hop's own input (not cumulative); an empty first step
//! is the dialled `--code`. A journey the gateway ends early, or a reply to
//! no open journey, counts as an error.
//!
//! Prints one JSON line: hops, seconds, hops_per_sec, p50_ms, p99_ms, errors.
//! A hop whose answer does not start with the expected `CON ` (every hop but
//! the last) or `CON `/`END ` (the last; only `END ` with `--last-ends`)
//! counts as an error. Each worker keeps one HTTP/1.1 keep-alive connection.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Args {
    url: hyper::Uri,
    concurrency: usize,
    journeys: u64,
    first: u64,
    steps: Vec<String>,
    code: String,
    last_ends: bool,
    phones: Vec<String>,
    vars: Vec<Vec<String>>,
    smpp_listen: Option<std::net::SocketAddr>,
}

fn args() -> Args {
    let mut a = Args {
        url: "http://127.0.0.1:8080/ussd/africastalking".parse().unwrap(),
        concurrency: 32,
        journeys: 10_000,
        first: 0,
        steps: Vec::new(),
        code: "*4*6090#".into(),
        last_ends: false,
        phones: Vec::new(),
        vars: Vec::new(),
        smpp_listen: None,
    };
    let mut prefix = "+98935".to_owned();
    let mut count = 10_000_000u64;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => a.url = value().parse().expect("a URL"),
            "--concurrency" => a.concurrency = value().parse().expect("a number"),
            "--journeys" => a.journeys = value().parse().expect("a number"),
            "--first" => a.first = value().parse().expect("a number"),
            "--step" => a.steps.push(value()),
            "--code" => a.code = value(),
            "--last-ends" => a.last_ends = true,
            "--smpp-listen" => a.smpp_listen = Some(value().parse().expect("host:port")),
            "--phone-prefix" => prefix = value(),
            "--phones" => count = value().parse().expect("a number"),
            "--vars-file" => {
                let list = std::fs::read_to_string(value()).expect("a readable vars file");
                a.vars = list
                    .lines()
                    .map(|l| l.split_whitespace().map(str::to_owned).collect())
                    .collect();
            }
            "--phones-file" => {
                let list = std::fs::read_to_string(value()).expect("a readable phones file");
                a.phones = list.lines().map(str::to_owned).collect();
            }
            // cargo bench passes --bench; ignore what is not ours.
            _ => {}
        }
    }
    if a.phones.is_empty() {
        // Numbers are generated on the fly (one per journey, cycling).
        a.phones = vec![format!("{prefix}:{count}")];
    }
    if a.steps.is_empty() {
        a.steps = vec!["".into(), "1".into()];
    }
    a
}

struct Totals {
    errors: AtomicU64,
    next: AtomicU64,
}

fn form(session: &str, code: &str, phone: &str, text: &str) -> String {
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    format!(
        "sessionId={}&serviceCode={}&phoneNumber={}&text={}",
        enc(session),
        enc(code),
        enc(phone),
        enc(text)
    )
}

async fn worker(args: Arc<Args>, totals: Arc<Totals>, per: u64) -> Vec<Duration> {
    let authority = args.url.authority().expect("a host:port").clone();
    let stream = tokio::net::TcpStream::connect(authority.as_str())
        .await
        .expect("connect to the server under test");
    stream.set_nodelay(true).unwrap();
    let (mut sender, conn) = http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let mut latencies = Vec::with_capacity((per as usize) * args.steps.len());
    for _ in 0..per {
        let n = totals.next.fetch_add(1, Ordering::Relaxed);
        let session = format!("load{n}");
        let phone = phone(&args.phones, n);
        for (i, text) in args.steps.iter().enumerate() {
            let text = fill(text, &args.vars, n);
            let body = form(&session, &args.code, &phone, &text);
            let req = Request::post(args.url.clone())
                .header("host", authority.as_str())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Full::new(Bytes::from(body)))
                .unwrap();
            let started = Instant::now();
            let answer = match sender.send_request(req).await {
                Ok(res) => res.into_body().collect().await.map(|b| b.to_bytes()),
                Err(e) => panic!("the server under test failed: {e}"),
            };
            latencies.push(started.elapsed());
            // Middle hops must continue; the last may end or page on (a long
            // status continues with "more"), unless --last-ends insists.
            let last = i + 1 == args.steps.len();
            let ok = |b: &Bytes| match (last, args.last_ends) {
                (false, _) => b.starts_with(b"CON "),
                (true, true) => b.starts_with(b"END "),
                (true, false) => b.starts_with(b"CON ") || b.starts_with(b"END "),
            };
            if !answer.is_ok_and(|b| ok(&b)) {
                totals.errors.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    latencies
}

/// A step with `{0}`, `{1}`, … replaced by the fields of line `n` (cycling)
/// of the vars file: each journey types its own citizen's national ID and serial.
fn fill(step: &str, vars: &[Vec<String>], n: u64) -> String {
    if vars.is_empty() {
        return step.to_owned();
    }
    let fields = &vars[(n % vars.len() as u64) as usize];
    fields
        .iter()
        .enumerate()
        .fold(step.to_owned(), |s, (i, v)| {
            s.replace(&format!("{{{i}}}"), v)
        })
}

/// The caller of journey `n`: from the phones file, or `prefix:count` expanded
/// to prefix + a 7-digit number below count. Concurrent journeys get distinct
/// numbers as long as there are more numbers than clients.
fn phone(phones: &[String], n: u64) -> String {
    if let [spec] = phones
        && let Some((prefix, count)) = spec.split_once(':')
    {
        let count: u64 = count.parse().expect("a count");
        return format!("{prefix}{:07}", n % count);
    }
    phones[(n % phones.len() as u64) as usize].clone()
}

fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    sorted
        .get(((sorted.len().max(1) - 1) as f64 * p) as usize)
        .map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

fn main() {
    let args = Arc::new(args());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if let Some(addr) = args.smpp_listen {
        return rt.block_on(smpp(&args, addr));
    }
    let totals = Arc::new(Totals {
        errors: AtomicU64::new(0),
        next: AtomicU64::new(args.first),
    });
    let per = args.journeys.div_ceil(args.concurrency as u64);
    let started = Instant::now();
    let mut all: Vec<Duration> = rt.block_on(async {
        let tasks: Vec<_> = (0..args.concurrency)
            .map(|_| tokio::spawn(worker(args.clone(), totals.clone(), per)))
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all
    });
    let errors = totals.errors.load(Ordering::Relaxed);
    print_line(&mut all, started.elapsed(), errors, args.concurrency);
}

/// The journeys over SMPP, this process playing the USSD centre.
async fn smpp(args: &Args, addr: std::net::SocketAddr) {
    use dargah::sim::ussd_centre::{Journey, UssdCentre};
    let centre = UssdCentre::bind(addr)
        .await
        .expect("listen for the gateway");
    eprintln!("ussd_load: USSD centre on {addr}, waiting for the gateway to bind");
    let journeys = (args.first..args.first + args.journeys)
        .map(|n| Journey {
            msisdn: phone(&args.phones, n).trim_start_matches('+').to_owned(),
            inputs: args
                .steps
                .iter()
                .enumerate()
                .map(|(i, s)| match (i, s.is_empty()) {
                    (0, true) => args.code.clone(),
                    _ => fill(s, &args.vars, n),
                })
                .collect(),
        })
        .collect();
    let deadline = Duration::from_secs(600);
    let mut report = centre
        .run(journeys, args.concurrency, deadline)
        .await
        .expect("the run");
    let errors = report.errors + report.ended_early as u64;
    print_line(
        &mut report.latencies,
        report.elapsed,
        errors,
        args.concurrency,
    );
}

fn print_line(all: &mut [Duration], elapsed: Duration, errors: u64, concurrency: usize) {
    let seconds = elapsed.as_secs_f64();
    all.sort_unstable();
    println!(
        "{{\"hops\":{},\"seconds\":{:.3},\"hops_per_sec\":{:.0},\"p50_ms\":{:.3},\"p99_ms\":{:.3},\"errors\":{},\"concurrency\":{}}}",
        all.len(),
        seconds,
        all.len() as f64 / seconds,
        percentile_ms(all, 0.50),
        percentile_ms(all, 0.99),
        errors,
        concurrency
    );
}
