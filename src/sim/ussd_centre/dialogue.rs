//! The subscribers the USSD centre plays: which journeys are open, what each
//! types next, and the counts and hop latencies of the run.

use crate::smpp::pdu::{
    Address, Body, ItsSessionInfo, Pdu, ShortMessage, Tlv, Tlvs, UssdServiceOp,
};
use bytes::Bytes;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// One subscriber's journey: the phone, and what it types, the dialled code first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journey {
    /// `source_addr` of every deliver_sm, e.g. `989351234567`.
    pub msisdn: String,
    /// The dialled code (e.g. `*4*6090#`), then one input per further hop.
    pub inputs: Vec<String>,
}

/// What a run measured.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Journeys played.
    pub journeys: usize,
    /// Journeys that got an answer to every input.
    pub completed: usize,
    /// Journeys the gateway ended before their last input.
    pub ended_early: usize,
    /// Replies that matched no open journey, refused deliveries, unreadable PDUs.
    pub errors: u64,
    /// From the bind to the last reply.
    pub elapsed: Duration,
    /// Every hop's round trip, deliver_sm written → submit_sm read.
    pub latencies: Vec<Duration>,
}

impl Report {
    /// Hops answered per second.
    pub fn hops_per_sec(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `p` quantile (0.0–1.0) of the hop latencies.
    pub fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        let at = ((sorted.len().max(1) - 1) as f64 * p) as usize;
        sorted.get(at).copied().unwrap_or_default()
    }
}

/// A journey in progress.
struct Open {
    journey: usize,
    step: usize,
    sent: Instant,
}

/// Every journey of the run and the open ones, keyed by phone number.
pub(super) struct Dialogues {
    journeys: Vec<Journey>,
    next: usize,
    concurrency: usize,
    open: HashMap<Bytes, Open>,
    seq: u32,
    report: Report,
    pub(super) errors: u64,
}

impl Dialogues {
    pub(super) fn new(journeys: Vec<Journey>, concurrency: usize) -> Self {
        let report = Report {
            journeys: journeys.len(),
            latencies: Vec::with_capacity(journeys.iter().map(|j| j.inputs.len()).sum()),
            ..Report::default()
        };
        Dialogues {
            journeys,
            next: 0,
            concurrency,
            open: HashMap::new(),
            seq: 0,
            report,
            errors: 0,
        }
    }

    /// True once every journey has been played out.
    pub(super) fn finished(&self) -> bool {
        self.next >= self.journeys.len() && self.open.is_empty()
    }

    /// Opens journeys until `concurrency` are open or none is left.
    pub(super) fn open_all(&mut self, out: &mut Vec<Pdu>) {
        while self.open.len() < self.concurrency && self.next < self.journeys.len() {
            let j = self.next;
            self.next += 1;
            let msisdn = Bytes::from(self.journeys[j].msisdn.clone());
            if self.open.contains_key(&msisdn) {
                // Two journeys of one phone at once would share a session.
                self.report.ended_early += 1;
                continue;
            }
            let code = self.journeys[j].inputs.first().cloned().unwrap_or_default();
            let op = UssdServiceOp::PSSR_INDICATION;
            out.push(self.deliver(&msisdn, j, 0, &code, op, false));
            let open = Open {
                journey: j,
                step: 0,
                sent: Instant::now(),
            };
            self.open.insert(msisdn, open);
        }
    }

    /// The gateway's reply `sm`: counts its hop and sends the next input,
    /// or closes the journey and opens another.
    pub(super) fn reply(&mut self, sm: &ShortMessage, out: &mut Vec<Pdu>) {
        let key = &sm.destination.addr;
        let Some(open) = self.open.get_mut(key) else {
            self.errors += 1;
            return;
        };
        self.report.latencies.push(open.sent.elapsed());
        let ended = sm.tlvs.ussd_service_op() == Some(UssdServiceOp::PSSR_RESPONSE)
            || sm
                .tlvs
                .its_session_info()
                .is_some_and(|i| i.end_of_session());
        let (j, step) = (open.journey, open.step + 1);
        let inputs = &self.journeys[j].inputs;
        let last = step >= inputs.len();
        if !ended && !last {
            let input = inputs[step].clone();
            open.step = step;
            open.sent = Instant::now();
            let op = UssdServiceOp::USSR_CONFIRM;
            let key = key.clone();
            out.push(self.deliver(&key, j, step, &input, op, false));
            return;
        }
        let key = key.clone();
        self.open.remove(&key);
        match (ended, last) {
            (true, true) => self.report.completed += 1,
            (true, false) => self.report.ended_early += 1,
            // Out of input on a page that continues (a long status pages on):
            // the subscriber releases, so the gateway frees the session.
            _ => {
                self.report.completed += 1;
                let op = UssdServiceOp::USSR_CONFIRM;
                out.push(self.deliver(&key, j, step, "", op, true));
            }
        }
        self.open_all(out);
    }

    /// A deliver_sm from subscriber `msisdn` in journey `j`, hop `step`.
    fn deliver(
        &mut self,
        msisdn: &Bytes,
        j: usize,
        step: usize,
        text: &str,
        op: UssdServiceOp,
        end: bool,
    ) -> Pdu {
        self.seq = self.seq.wrapping_add(1).max(1);
        let session = (j % 250) as u8 + 1;
        let its = ItsSessionInfo::new(session, step as u8, end);
        let sm = ShortMessage {
            service_type: Bytes::from_static(b"USSD"),
            source: Address {
                ton: 1,
                npi: 1,
                addr: msisdn.clone(),
            },
            destination: Address {
                ton: 0,
                npi: 0,
                addr: Bytes::from_static(b"4"),
            },
            data_coding: 15,
            short_message: Bytes::from(text.to_owned()),
            tlvs: Tlvs::from(vec![Tlv::UssdServiceOp(op), Tlv::ItsSessionInfo(its)]),
            ..ShortMessage::default()
        };
        Pdu::new(self.seq, Body::DeliverSm(sm))
    }

    /// The counts so far, with the run's duration.
    pub(super) fn report(&mut self, elapsed: Duration) -> Report {
        let mut r = std::mem::take(&mut self.report);
        r.errors = self.errors;
        r.elapsed = elapsed;
        r
    }
}
