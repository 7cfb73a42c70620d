// SMSC simulator on node-smpp for dargah's SMPP link tests.
//
// Listens on 127.0.0.1 (port from argv[2], 0 = any free port) and prints
// {"event":"listening","port":N} on stdout. Tests drive it with one JSON
// command per line on stdin; each gets one JSON answer line on stdout:
//   {"cmd":"stats"}                      counters and records (see `stats`)
//   {"cmd":"refuse_binds","count":N,"status":13}   refuse the next N binds
//   {"cmd":"throttle","ms":N}            answer submit_sm with ESME_RTHROTTLED for N ms
//   {"cmd":"drop_after","answer":A,"hold":H}  answer A more submits, withhold H, then drop the socket
//   {"cmd":"ignore","count":N}           leave the next N submit_sm unanswered (link stays up)
//   {"cmd":"silent","on":true}           stop answering anything
//   {"cmd":"malformed","seq":N}          send a deliver_sm whose body is garbage
//   {"cmd":"deliver", "pdu":{...}}       send a deliver_sm; answers when deliver_sm_resp arrives
//   {"cmd":"unbind"}                     send unbind to the ESME
//   {"cmd":"records","from":I}           submits received from index I (text, TLVs, time)
'use strict';

const smpp = require('smpp');
const readline = require('readline');

const state = {
  sessions: [],
  refuse: { count: 0, status: 0x0d },
  throttleUntil: 0,
  ignore: 0,
  drop: null,
  silent: false,
  messageId: 0,
  stats: {
    bind_attempts: 0, binds: 0, bind_refusals: 0, unbinds: 0, enquire_links: 0,
    submits: 0, submits_ok: 0, submits_throttled: 0, generic_nacks: [], deliver_resps: [],
    disconnects: 0,
  },
  submits: [],
  waiting: new Map(),
};

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function current() {
  const live = state.sessions.filter((s) => !s.closed && s.bound);
  return live[live.length - 1];
}

function onBind(session, pdu) {
  state.stats.bind_attempts += 1;
  if (state.silent) return;
  if (state.refuse.count > 0) {
    state.refuse.count -= 1;
    state.stats.bind_refusals += 1;
    session.send(pdu.response({ command_status: state.refuse.status }));
    return;
  }
  state.stats.binds += 1;
  session.bound = true;
  session.send(pdu.response({ system_id: 'sim' }));
}

function record(pdu, status) {
  const msg = pdu.short_message && pdu.short_message.message !== undefined
    ? pdu.short_message.message : pdu.short_message;
  state.submits.push({
    t: Date.now(),
    seq: pdu.sequence_number,
    status,
    text: Buffer.isBuffer(msg) ? msg.toString('hex') : msg,
    service_type: pdu.service_type,
    destination: pdu.destination_addr,
    source: pdu.source_addr,
    data_coding: pdu.data_coding,
    ussd_service_op: pdu.ussd_service_op,
    its_session_info: pdu.its_session_info ? pdu.its_session_info.toString('hex') : undefined,
    user_message_reference: pdu.user_message_reference,
  });
}

function onSubmit(session, pdu) {
  state.stats.submits += 1;
  if (state.silent) { record(pdu, 'silent'); return; }
  if (state.ignore > 0) { state.ignore -= 1; record(pdu, 'ignored'); return; }
  if (state.drop) {
    if (state.drop.answer > 0) {
      state.drop.answer -= 1;
    } else {
      record(pdu, 'held');
      state.drop.hold -= 1;
      if (state.drop.hold <= 0) {
        state.drop = null;
        session.destroy();
      }
      return;
    }
  }
  if (Date.now() < state.throttleUntil) {
    state.stats.submits_throttled += 1;
    record(pdu, 'throttled');
    session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
    return;
  }
  state.stats.submits_ok += 1;
  state.messageId += 1;
  record(pdu, 'ok');
  session.send(pdu.response({ message_id: state.messageId.toString(16) }));
}

function attach(session) {
  state.sessions.push(session);
  for (const op of ['bind_transceiver', 'bind_transmitter', 'bind_receiver']) {
    session.on(op, (pdu) => onBind(session, pdu));
  }
  session.on('submit_sm', (pdu) => onSubmit(session, pdu));
  session.on('enquire_link', (pdu) => {
    state.stats.enquire_links += 1;
    if (!state.silent) session.send(pdu.response());
  });
  session.on('unbind', (pdu) => {
    state.stats.unbinds += 1;
    if (!state.silent) session.send(pdu.response());
    session.bound = false;
  });
  session.on('generic_nack', (pdu) => {
    state.stats.generic_nacks.push({ seq: pdu.sequence_number, status: pdu.command_status });
  });
  session.on('deliver_sm_resp', (pdu) => {
    state.stats.deliver_resps.push({ seq: pdu.sequence_number, status: pdu.command_status });
    const reply = state.waiting.get(pdu.sequence_number);
    if (reply) { state.waiting.delete(pdu.sequence_number); reply(pdu.command_status); }
  });
  session.on('close', () => { state.stats.disconnects += 1; session.bound = false; });
  session.on('error', () => {});
}

function deliverPdu(spec) {
  const fields = Object.assign({}, spec);
  if (fields.short_message_hex !== undefined) {
    fields.short_message = Buffer.from(fields.short_message_hex, 'hex');
    delete fields.short_message_hex;
  } else if (typeof fields.short_message === 'string') {
    fields.short_message = Buffer.from(fields.short_message, 'latin1');
  }
  if (fields.its_session_info !== undefined) {
    fields.its_session_info = Buffer.from(fields.its_session_info, 'hex');
  }
  return new smpp.PDU('deliver_sm', fields);
}

// A deliver_sm header (length 17, id 5, status 0, seq) with one octet of
// body where service_type's C-string should be: it never terminates.
function malformed(seq) {
  const buf = Buffer.alloc(17);
  buf.writeUInt32BE(17, 0);
  buf.writeUInt32BE(0x00000005, 4);
  buf.writeUInt32BE(0, 8);
  buf.writeUInt32BE(seq, 12);
  buf[16] = 0x41;
  return buf;
}

const commands = {
  stats: () => ({ stats: state.stats, bound: state.sessions.filter((s) => s.bound && !s.closed).length }),
  records: (c) => ({ submits: state.submits.slice(c.from || 0) }),
  refuse_binds: (c) => { state.refuse = { count: c.count, status: c.status || 0x0d }; return {}; },
  throttle: (c) => { state.throttleUntil = Date.now() + c.ms; return {}; },
  drop_after: (c) => { state.drop = { answer: c.answer, hold: c.hold }; return {}; },
  ignore: (c) => { state.ignore = c.count; return {}; },
  silent: (c) => { state.silent = !!c.on; return {}; },
  unbind: () => { const s = current(); if (!s) return { error: 'no bound session' }; s.unbind(); return {}; },
  malformed: (c) => {
    const s = current();
    if (!s) return { error: 'no bound session' };
    s.socket.write(malformed(c.seq));
    return {};
  },
};

function handle(line) {
  let c;
  try { c = JSON.parse(line); } catch (e) { emit({ error: 'bad json' }); return; }
  if (c.cmd === 'deliver') {
    const s = current();
    if (!s) { emit({ id: c.id, error: 'no bound session' }); return; }
    const pdu = deliverPdu(c.pdu);
    s.send(pdu);
    state.waiting.set(pdu.sequence_number, (status) => emit({ id: c.id, status }));
    return;
  }
  const f = commands[c.cmd];
  emit(Object.assign({ id: c.id }, f ? f(c) : { error: 'unknown command ' + c.cmd }));
}

const server = smpp.createServer({ debug: false }, attach);
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  emit({ event: 'listening', port: server.address().port });
});
readline.createInterface({ input: process.stdin }).on('line', handle).on('close', () => process.exit(0));
