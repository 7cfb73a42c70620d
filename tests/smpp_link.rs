//! The SMPP link against a real, independent peer: the node-smpp SMSC
//! simulator in `tests/peers/` (run `npm ci` there first), and against a
//! hostile SMSC written in the test (`hostile.rs`) for the faults no real
//! SMSC library will produce.

#[path = "smpp_link/hostile.rs"]
mod hostile;
#[path = "smpp_link/malformed.rs"]
mod malformed;
#[path = "smpp_link/serve.rs"]
mod serve;
#[path = "smpp_link/sim.rs"]
mod sim;
#[path = "smpp_link/storms.rs"]
mod storms;
#[path = "smpp_link/support.rs"]
mod support;
#[path = "smpp_link/tls.rs"]
mod tls;
#[path = "smpp_link/ussd.rs"]
mod ussd;
#[path = "smpp_link/ussd_centre.rs"]
mod ussd_centre;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use dargah::smpp::link::{Inbound, SubmitError, SubmitOutcome, Ticket};
use dargah::smpp::pdu::CommandStatus;
use serde_json::{Value, json};
use sim::Sim;
use support::{settings, sms, start};

async fn all_accepted(tickets: Vec<Ticket>) {
    for (i, t) in tickets.into_iter().enumerate() {
        let outcome = tokio::time::timeout(Duration::from_secs(60), t)
            .await
            .expect("answered in time");
        assert!(
            matches!(outcome, SubmitOutcome::Accepted { .. }),
            "message {i}: {outcome:?}"
        );
    }
}

fn texts_with_status<'a>(records: &'a [Value], status: &str) -> Vec<&'a str> {
    records
        .iter()
        .filter(|r| r["status"] == json!(status))
        .filter_map(|r| r["text"].as_str())
        .collect()
}

#[tokio::test]
async fn ten_thousand_submits_with_window_fifty_are_all_answered() {
    let mut sim = Sim::start().await;
    let mut s = settings(sim.port);
    s.window = 50;
    let link = start(s);
    let mut tickets = Vec::new();
    for i in 0..10_000 {
        tickets.push(
            link.carrier
                .submit(sms(&format!("m{i}")))
                .await
                .expect("queued"),
        );
    }
    all_accepted(tickets).await;
    let records = sim.submits().await;
    let ok: HashSet<_> = texts_with_status(&records, "ok").into_iter().collect();
    assert_eq!(ok.len(), 10_000);
    assert_eq!(records.len(), 10_000, "no duplicates were sent");
    link.shutdown().await;
}

#[tokio::test]
async fn two_binds_share_one_carrier_queue() {
    let mut sim = Sim::start().await;
    let mut s = settings(sim.port);
    s.binds = 2;
    let link = start(s);
    sim.wait_for("two binds", |s| s["bound"] == json!(2)).await;
    let mut tickets = Vec::new();
    for i in 0..2_000 {
        tickets.push(
            link.carrier
                .submit(sms(&format!("m{i}")))
                .await
                .expect("queued"),
        );
    }
    all_accepted(tickets).await;
    assert_eq!(link.carrier.bound(), 2);
    assert_eq!(sim.submits().await.len(), 2_000);
    link.shutdown().await;
    assert_eq!(
        sim.stats().await["stats"]["unbinds"],
        json!(2),
        "each bind unbinds"
    );
}

#[tokio::test]
async fn an_idle_link_stays_bound_with_enquire_link() {
    let mut sim = Sim::start().await;
    let mut s = settings(sim.port);
    s.enquire_link_interval = Duration::from_millis(150);
    let link = start(s);
    link.wait_bound().await;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let st = sim.stats().await;
    assert!(st["stats"]["enquire_links"].as_u64() >= Some(4), "{st}");
    assert_eq!(st["stats"]["binds"], json!(1), "no reconnect happened");
    assert_eq!(link.carrier.bound(), 1);
    link.shutdown().await;
}

#[tokio::test]
async fn a_dropped_socket_with_fifty_in_flight_resubmits_exactly_those() {
    let mut sim = Sim::start().await;
    let mut s = settings(sim.port);
    s.window = 50;
    let link = start(s);
    link.wait_bound().await;
    sim.cmd(json!({"cmd": "drop_after", "answer": 100, "hold": 50}))
        .await;
    let mut tickets = Vec::new();
    for i in 0..500 {
        tickets.push(
            link.carrier
                .submit(sms(&format!("m{i}")))
                .await
                .expect("queued"),
        );
    }
    all_accepted(tickets).await;
    let records = sim.submits().await;
    let held: HashSet<_> = texts_with_status(&records, "held").into_iter().collect();
    let ok = texts_with_status(&records, "ok");
    let mut times: HashMap<&str, usize> = HashMap::new();
    ok.iter().for_each(|t| *times.entry(t).or_default() += 1);
    assert_eq!(
        held.len(),
        50,
        "fifty were in flight when the socket dropped"
    );
    assert_eq!(times.len(), 500, "every message acknowledged: zero lost");
    assert!(times.values().all(|n| *n == 1), "none acknowledged twice");
    let sent_twice: HashSet<_> = records
        .iter()
        .filter_map(|r| r["text"].as_str())
        .filter(|t| {
            records
                .iter()
                .filter(|r| r["text"].as_str() == Some(t))
                .count()
                > 1
        })
        .collect();
    assert_eq!(
        sent_twice, held,
        "exactly the unacknowledged ones were resubmitted"
    );
    assert_eq!(sim.stats().await["stats"]["binds"], json!(2));
    link.shutdown().await;
}

#[tokio::test]
async fn a_throttling_period_delivers_everything_without_exceeding_the_rate() {
    let mut sim = Sim::start().await;
    let mut s = settings(sim.port);
    s.window = 20;
    s.max_tps = Some(200);
    let link = start(s);
    link.wait_bound().await;
    sim.cmd(json!({"cmd": "throttle", "ms": 1000})).await;
    let mut tickets = Vec::new();
    for i in 0..500 {
        tickets.push(
            link.carrier
                .submit(sms(&format!("m{i}")))
                .await
                .expect("queued"),
        );
    }
    all_accepted(tickets).await;
    let records = sim.submits().await;
    assert_eq!(texts_with_status(&records, "ok").len(), 500);
    let throttled = sim.stats().await["stats"]["submits_throttled"]
        .as_u64()
        .expect("count");
    assert!(throttled > 0, "the throttling period was seen");
    assert!(
        throttled <= 30,
        "{throttled} throttled answers: the link backed off instead of flooding"
    );
    assert_eq!(
        records.len() as u64,
        500 + throttled,
        "each throttled message was resubmitted once"
    );
    let times: Vec<i64> = records.iter().filter_map(|r| r["t"].as_i64()).collect();
    let busiest = times
        .iter()
        .map(|t0| {
            times
                .iter()
                .filter(|t| **t >= *t0 && **t < t0 + 1000)
                .count()
        })
        .max()
        .unwrap_or(0);
    assert!(
        busiest <= 201,
        "{busiest} submits within one second with max_tps 200"
    );
    link.shutdown().await;
}

#[tokio::test]
async fn a_response_that_never_comes_times_out_and_the_message_is_resubmitted() {
    let mut sim = Sim::start().await;
    let mut s = settings(sim.port);
    s.response_timeout = std::time::Duration::from_millis(300);
    let link = start(s);
    link.wait_bound().await;
    sim.cmd(json!({"cmd": "ignore", "count": 5})).await;
    let mut tickets = Vec::new();
    for i in 0..20 {
        tickets.push(
            link.carrier
                .submit(sms(&format!("m{i}")))
                .await
                .expect("queued"),
        );
    }
    all_accepted(tickets).await;
    let records = sim.submits().await;
    let ignored: HashSet<_> = texts_with_status(&records, "ignored").into_iter().collect();
    let ok: HashSet<_> = texts_with_status(&records, "ok").into_iter().collect();
    assert_eq!(ignored.len(), 5);
    assert_eq!(ok.len(), 20);
    assert!(
        ignored.is_subset(&ok),
        "each unanswered message was sent again and accepted"
    );
    assert_eq!(records.len(), 25);
    assert_eq!(
        sim.stats().await["stats"]["binds"],
        json!(1),
        "a lost response is no reason to rebind"
    );
    link.shutdown().await;
}

#[tokio::test]
async fn a_malformed_pdu_gets_generic_nack_and_the_link_stays_bound() {
    let mut sim = Sim::start().await;
    let link = start(settings(sim.port));
    link.wait_bound().await;
    sim.cmd(json!({"cmd": "malformed", "seq": 4242})).await;
    let st = sim
        .wait_for("generic_nack", |s| {
            s["stats"]["generic_nacks"]
                .as_array()
                .is_some_and(|a| !a.is_empty())
        })
        .await;
    let nack = &st["stats"]["generic_nacks"][0];
    assert_eq!(nack["seq"], json!(4242));
    assert_ne!(nack["status"], json!(0));
    let outcome = link
        .carrier
        .submit(sms("after"))
        .await
        .expect("queued")
        .await;
    assert!(
        matches!(outcome, SubmitOutcome::Accepted { .. }),
        "{outcome:?}"
    );
    assert_eq!(
        sim.stats().await["stats"]["binds"],
        json!(1),
        "still the same bind"
    );
    link.shutdown().await;
}

#[tokio::test]
async fn a_refused_bind_backs_off_then_binds_when_the_smsc_accepts() {
    let mut sim = Sim::start().await;
    sim.cmd(json!({"cmd": "refuse_binds", "count": 2, "status": 0x0E}))
        .await;
    let started = Instant::now();
    let link = start(settings(sim.port));
    link.wait_bound().await;
    let waited = started.elapsed();
    let st = sim.stats().await;
    assert_eq!(st["stats"]["bind_refusals"], json!(2));
    assert_eq!(st["stats"]["bind_attempts"], json!(3));
    assert!(
        waited >= Duration::from_millis(300),
        "two refusals backed off, waited {waited:?}"
    );
    let outcome = link
        .carrier
        .submit(sms("hello"))
        .await
        .expect("queued")
        .await;
    assert!(matches!(outcome, SubmitOutcome::Accepted { .. }));
    link.shutdown().await;
}

#[tokio::test]
async fn shutdown_drains_the_window_unbinds_and_refuses_new_work() {
    let mut sim = Sim::start().await;
    let link = start(settings(sim.port));
    link.wait_bound().await;
    let mut tickets = Vec::new();
    for i in 0..200 {
        tickets.push(
            link.carrier
                .submit(sms(&format!("m{i}")))
                .await
                .expect("queued"),
        );
    }
    let carrier = link.carrier.clone();
    link.shutdown().await;
    let outcomes: Vec<SubmitOutcome> = futures_util::future::join_all(tickets).await;
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, SubmitOutcome::Accepted { .. } | SubmitOutcome::Returned)),
        "every message answered or handed back"
    );
    let accepted = outcomes
        .iter()
        .filter(|o| matches!(o, SubmitOutcome::Accepted { .. }))
        .count();
    assert_eq!(
        sim.submits().await.len(),
        accepted,
        "nothing sent was left unanswered"
    );
    assert_eq!(sim.stats().await["stats"]["unbinds"], json!(1));
    assert!(matches!(
        carrier.submit(sms("late")).await,
        Err(SubmitError::ShuttingDown(_))
    ));
}

#[tokio::test]
async fn an_unbind_from_the_smsc_is_answered_and_the_link_rebinds() {
    let mut sim = Sim::start().await;
    let link = start(settings(sim.port));
    link.wait_bound().await;
    sim.cmd(json!({"cmd": "unbind"})).await;
    sim.wait_bound(2).await;
    let outcome = link
        .carrier
        .submit(sms("again"))
        .await
        .expect("queued")
        .await;
    assert!(matches!(outcome, SubmitOutcome::Accepted { .. }));
    link.shutdown().await;
}

#[tokio::test]
async fn a_silent_smsc_is_detected_by_enquire_link_and_the_link_reconnects() {
    let mut sim = Sim::start().await;
    let mut s = settings(sim.port);
    s.enquire_link_interval = Duration::from_millis(150);
    s.enquire_link_timeout = Duration::from_millis(300);
    let link = start(s);
    link.wait_bound().await;
    sim.cmd(json!({"cmd": "silent", "on": true})).await;
    sim.wait_for("disconnect", |s| {
        s["stats"]["disconnects"].as_u64() >= Some(1)
    })
    .await;
    sim.cmd(json!({"cmd": "silent", "on": false})).await;
    sim.wait_bound(2).await;
    link.shutdown().await;
}

#[tokio::test]
async fn a_receipt_is_answered_only_after_the_consumer_accepts_it() {
    let mut sim = Sim::start().await;
    let mut link = start(settings(sim.port));
    link.wait_bound().await;
    let text = "id:1a sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:x";
    let deliver = json!({"cmd": "deliver", "pdu": {"esm_class": 4, "short_message": text,
        "source_addr": "989121234567", "destination_addr": "dargah"}});
    let consumer = tokio::spawn(async move {
        let d = link.inbound.recv().await.expect("delivered");
        let Inbound::Receipt(r) = &d.message else {
            panic!("not a receipt: {:?}", d.message)
        };
        assert_eq!(r.receipt.id.as_deref(), Some("1a"));
        tokio::time::sleep(Duration::from_millis(300)).await;
        d.ack.accept();
        link
    });
    let asked = Instant::now();
    let answer = sim.cmd(deliver).await;
    assert_eq!(answer["status"], json!(0));
    assert!(
        asked.elapsed() >= Duration::from_millis(300),
        "deliver_sm_resp waited for the consumer"
    );
    consumer.await.expect("consumer").shutdown().await;
}

#[tokio::test]
async fn an_unacknowledged_mo_sms_asks_the_smsc_to_retry() {
    let mut sim = Sim::start().await;
    let mut link = start(settings(sim.port));
    link.wait_bound().await;
    let consumer = tokio::spawn(async move {
        let d = link.inbound.recv().await.expect("delivered");
        let Inbound::Sms(mo) = &d.message else {
            panic!("not an MO SMS")
        };
        assert_eq!(mo.text.as_deref(), Some("STATUS"));
        drop(d);
        link
    });
    let answer = sim
        .cmd(json!({"cmd": "deliver", "pdu": {"short_message": "STATUS", "source_addr": "989121234567"}}))
        .await;
    assert_eq!(answer["status"], json!(CommandStatus::ESME_RX_T_APPN.0));
    consumer.await.expect("consumer").shutdown().await;
}
