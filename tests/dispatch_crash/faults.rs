//! Dispatcher faults short of a crash, each against the real `dargah serve`
//! on SQLite and the in-repo sink told to misbehave: the SMSC hanging up
//! mid-window, throttling storms of seconds, and SIGTERM under load.

use super::{dargah, fill, serve, tally, unfinished};
use dargah::sim::sink::{Faults, Sink, Storm};
use std::collections::HashMap;
use std::process::Child;
use std::time::{Duration, Instant};

fn sqlite(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("faults.db").display())
}

/// Waits until the outbox has nothing left to send (or `limit` passed).
async fn until_drained(url: &str, limit: Duration) {
    let started = Instant::now();
    while unfinished(url).await > 0 && started.elapsed() < limit {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn stop(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

/// How many times each text reached the sink at all (answered or not).
fn seen(sink: &Sink) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for (_, text) in sink.submits() {
        *seen.entry(text).or_default() += 1;
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_smsc_hang_ups_mid_window_lose_nothing_and_resend_only_the_unanswered() {
    const N: usize = 3000;
    let faults = Faults {
        drops: 10,
        drop_after: 200,
        hold: 20,
        storm: None,
    };
    let sink = Sink::start_with(true, faults).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite(&dir);
    fill(&url, N).await;
    let child = dargah(&url, &sink)
        .env("DARGAH__CARRIERS__MCI__WINDOW", "50")
        .arg("serve")
        .spawn()
        .unwrap();
    until_drained(&url, Duration::from_secs(90)).await;
    stop(child);
    let (lost, duplicates) = tally(&sink, N);
    let held = sink.held();
    let submits = sink.submits().len();
    println!(
        "hang-ups: {N} messages, {} drops, {} held unanswered, {submits} submits seen, \
         accepted: lost {lost}, duplicates {duplicates}",
        sink.drops(),
        held.len()
    );
    assert_eq!(sink.drops(), 10, "every hang-up happened");
    assert_eq!(unfinished(&url).await, 0);
    assert_eq!((lost, duplicates), (0, 0), "each message accepted once");
    assert_eq!(submits, N + held.len(), "only the unanswered were resent");
    let seen = seen(&sink);
    let resent = held.iter().filter(|t| seen[*t] >= 2).count();
    assert_eq!(resent, held.len(), "every held message was resent");
}

/// The most submits inside any one-second span.
fn busiest_second(times: &[Duration]) -> usize {
    let mut start = 0;
    let mut best = 0;
    for (end, t) in times.iter().enumerate() {
        while *t >= times[start] + Duration::from_secs(1) {
            start += 1;
        }
        best = best.max(end + 1 - start);
    }
    best
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_storms_during_dispatch_keep_the_rate_lose_nothing_and_flood_nobody() {
    const N: usize = 2000;
    const TPS: usize = 300;
    let storm = Storm {
        every: Duration::from_secs(2),
        length: Duration::from_millis(1500),
        count: 2,
    };
    let faults = Faults {
        storm: Some(storm),
        ..Faults::default()
    };
    let sink = Sink::start_with(true, faults).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite(&dir);
    fill(&url, N).await;
    let child = dargah(&url, &sink)
        .env("DARGAH__CARRIERS__MCI__MAX_TPS", TPS.to_string())
        .arg("serve")
        .spawn()
        .unwrap();
    until_drained(&url, Duration::from_secs(90)).await;
    stop(child);
    let (lost, duplicates) = tally(&sink, N);
    let mut times: Vec<Duration> = sink.submits().into_iter().map(|(t, _)| t).collect();
    times.sort();
    let throttled = sink.throttled() as usize;
    let busiest = busiest_second(&times);
    println!(
        "storms: {N} messages, {throttled} throttled answers, {} submits seen, \
         busiest second {busiest} (max_tps {TPS}), lost {lost}, duplicates {duplicates}",
        times.len()
    );
    assert_eq!(unfinished(&url).await, 0);
    assert_eq!((lost, duplicates), (0, 0));
    assert!(throttled > 0, "the storms were seen");
    assert_eq!(times.len(), N + throttled, "one resubmission per refusal");
    assert!(
        throttled <= N / 10,
        "{throttled} refusals: a resubmission flood"
    );
    assert!(busiest <= TPS + 1, "{busiest} submits in one second");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_dispatch_load_unbinds_loses_nothing_and_a_restart_finishes() {
    const N: usize = 6000;
    let sink = Sink::start(true).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite(&dir);
    fill(&url, N).await;
    let mut child = serve(&url, &sink);
    let started = Instant::now();
    while sink.count() < 1000 && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let term = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let asked = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            asked.elapsed() < Duration::from_secs(20),
            "no exit after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let took = asked.elapsed();
    let at_stop = sink.count();
    let unrecorded = super::sent_unrecorded(&url, &sink, 0).await;
    let left = unfinished(&url).await;
    println!(
        "SIGTERM: exit {status} after {took:?}, {} unbinds, {at_stop} of {N} sent, \
         {left} left queued, {unrecorded} sent but not recorded",
        sink.unbinds()
    );
    assert!(status.success(), "{status}");
    assert!(sink.unbinds() >= 1, "the bind was unbound");
    assert_eq!(
        unrecorded, 0,
        "every message the sink took was recorded before the exit"
    );
    assert!(left > 0 && at_stop < N, "the stop came mid-run");
    let last = serve(&url, &sink);
    until_drained(&url, Duration::from_secs(60)).await;
    stop(last);
    let (lost, duplicates) = tally(&sink, N);
    println!("SIGTERM then restart: lost {lost}, duplicates {duplicates}");
    assert_eq!(unfinished(&url).await, 0);
    assert_eq!((lost, duplicates), (0, 0));
}
