//! Link-level faults with counted outcomes: seconds-long throttling storms
//! and an SMSC that drops the connection mid-window again and again. Every
//! submit goes through `Carrier::submit` and every ticket is counted.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use dargah::smpp::link::{SubmitOutcome, Ticket};
use dargah::smpp::pdu::{Body, CommandStatus, Pdu};
use futures_util::StreamExt;

use crate::hostile::{Peer, Smsc};
use crate::support::{Link, settings, sms, start};

fn text(pdu: &Pdu) -> String {
    let Body::SubmitSm(sm) = &pdu.body else {
        panic!("not a submit_sm: {pdu:?}")
    };
    String::from_utf8_lossy(&sm.short_message).into_owned()
}

async fn submit_all(link: &Link, n: usize) -> Vec<Ticket> {
    let mut tickets = Vec::with_capacity(n);
    for i in 0..n {
        let t = link.carrier.submit(sms(&format!("m{i}"))).await;
        tickets.push(t.expect("queued"));
    }
    tickets
}

/// Waits for every ticket; returns how many were accepted.
async fn accepted(tickets: Vec<Ticket>) -> usize {
    let all = futures_util::future::join_all(tickets);
    let outcomes = tokio::time::timeout(Duration::from_secs(60), all)
        .await
        .expect("every submit resolves");
    outcomes
        .iter()
        .filter(|o| matches!(o, SubmitOutcome::Accepted { .. }))
        .count()
}

/// The most submits any one-second window saw.
fn busiest_second(times: &[Duration]) -> usize {
    times
        .iter()
        .map(|t0| {
            times
                .iter()
                .filter(|t| **t >= *t0 && **t < *t0 + Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// An SMSC that answers throttling statuses during `storms` (offsets from
/// its start) and ESME_ROK otherwise, until `n` were accepted.
async fn storming_smsc(
    mut peer: Peer,
    n: usize,
    storms: [(u64, u64); 2],
) -> (Vec<Duration>, usize) {
    let start = Instant::now();
    let (mut times, mut throttled, mut ok) = (Vec::new(), 0, 0);
    while ok < n {
        let pdu = peer.next().await;
        let at = start.elapsed();
        times.push(at);
        let ms = at.as_millis() as u64;
        let status = if storms.iter().any(|(a, b)| (*a..*b).contains(&ms)) {
            throttled += 1;
            [CommandStatus::ESME_RTHROTTLED, CommandStatus::ESME_RMSGQFUL][throttled % 2]
        } else {
            ok += 1;
            CommandStatus::ESME_ROK
        };
        peer.answer(&pdu, status).await;
    }
    (times, throttled)
}

#[tokio::test]
async fn throttling_storms_of_seconds_never_push_the_rate_over_the_limit_nor_lose_a_message() {
    const N: usize = 600;
    let smsc = Smsc::start().await;
    let mut s = settings(smsc.port);
    s.window = 20;
    s.max_tps = Some(200);
    let link = start(s);
    let peer = smsc.bound().await;
    let storms = [(300, 1_800), (2_300, 3_800)];
    let smsc_side = tokio::spawn(storming_smsc(peer, N, storms));
    let tickets = submit_all(&link, N).await;
    assert_eq!(
        accepted(tickets).await,
        N,
        "every submit accepted after the storms"
    );
    let (times, throttled) = smsc_side.await.expect("smsc");
    let busiest = busiest_second(&times);
    println!(
        "storms: {N} accepted, {throttled} throttled answers, {} submits seen, busiest second {busiest}",
        times.len()
    );
    assert_eq!(
        times.len(),
        N + throttled,
        "one resubmission per throttled answer, no more"
    );
    assert!(throttled > 0, "the storms were seen");
    assert!(
        throttled <= 120,
        "{throttled} throttled answers: a resubmission flood"
    );
    assert!(
        busiest <= 201,
        "{busiest} submits in one second with max_tps 200"
    );
    link.shutdown().await;
}

/// One connection's worth: answer `answer` submits, then read up to
/// `hold` more without answering and drop the socket. Returns the texts
/// answered and the texts held.
async fn answer_then_drop(
    mut peer: Peer,
    answer: usize,
    hold: usize,
) -> (Vec<String>, Vec<String>) {
    let mut ok = Vec::new();
    for _ in 0..answer {
        let pdu = peer.next().await;
        ok.push(text(&pdu));
        peer.answer(&pdu, CommandStatus::ESME_ROK).await;
    }
    let mut held = Vec::new();
    while held.len() < hold {
        let next = tokio::time::timeout(Duration::from_millis(300), peer.framed.next()).await;
        let Ok(Some(Ok(Ok(pdu)))) = next else { break };
        if matches!(pdu.body, Body::SubmitSm(_)) {
            held.push(text(&pdu));
        }
    }
    (ok, held)
}

#[tokio::test]
async fn ten_drops_mid_window_lose_nothing_and_resend_only_the_unanswered() {
    const N: usize = 3_000;
    let smsc = Smsc::start().await;
    let mut s = settings(smsc.port);
    s.window = 50;
    let link = start(s);
    let submitter = {
        let carrier = link.carrier.clone();
        tokio::spawn(async move {
            let mut tickets = Vec::new();
            for i in 0..N {
                tickets.push(carrier.submit(sms(&format!("m{i}"))).await.expect("queued"));
            }
            accepted(tickets).await
        })
    };
    let (mut answered, mut held) = (Vec::new(), HashSet::new());
    for _ in 0..10 {
        let (ok, h) = answer_then_drop(smsc.bound().await, 200, 50).await;
        answered.extend(ok);
        assert!(
            h.iter().all(|t| !answered.contains(t)),
            "only unacknowledged messages are resent"
        );
        held.extend(h);
    }
    let mut last = smsc.bound().await;
    while answered.len() < N {
        let pdu = last.next().await;
        answered.push(text(&pdu));
        last.answer(&pdu, CommandStatus::ESME_ROK).await;
    }
    assert_eq!(
        submitter.await.expect("submitter"),
        N,
        "every ticket accepted"
    );
    let mut times: HashMap<&str, usize> = HashMap::new();
    answered
        .iter()
        .for_each(|t| *times.entry(t).or_default() += 1);
    println!(
        "10 drops: {N} accepted, {} held unanswered and resent",
        held.len()
    );
    assert_eq!(times.len(), N, "zero lost");
    assert!(times.values().all(|n| *n == 1), "none accepted twice");
    assert!(held.len() >= 10, "each drop caught messages in the window");
    let unanswered_before_drop: HashSet<&str> = held.iter().map(String::as_str).collect();
    assert!(
        unanswered_before_drop.iter().all(|t| times.contains_key(t)),
        "every held message was resent and accepted"
    );
    link.shutdown().await;
}
