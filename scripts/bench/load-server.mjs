#!/usr/bin/env node
// A fake `codex app-server` that produces load, for the benchmarks. It answers initialize, thread/start and
// turn/start; on turn/start, by LOAD_MODE:
//   flood      LOAD_COUNT item/agentMessage/delta notifications (~200 bytes each), then turn/completed
//   huge       as flood, with one LOAD_HUGE_MB MB line in the middle
//   paced      LOAD_COUNT deltas at LOAD_RATE per second (default 10,000), sent every 10 ms, then turn/completed
//   roundtrip  LOAD_COUNT command approvals, each sent when the previous reply arrived; the latency of each
//              (send → reply) is written to LOAD_OUT as JSON {p50, p99, max, count} in ms
// Writes respect backpressure, so the reader's speed sets the pace.
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const mode = process.env.LOAD_MODE ?? 'flood';
const count = Number(process.env.LOAD_COUNT ?? 1_000_000);
const THREAD = '00000000-0000-4000-8000-00000000beef';
const out = process.stdout;
const send = (message) => out.write(`${JSON.stringify(message)}\n`);
const drain = () => new Promise((resolve) => out.once('drain', resolve));

// About 200 bytes, like a real delta (ids, a short text, emittedAtMs).
const deltaLine = (i) =>
  `{"method":"item/agentMessage/delta","params":{"threadId":"${THREAD}","turnId":"turn-1","itemId":"msg_0000000000000001","delta":"token ${String(i).padStart(7, '0')} of a streamed answer "},"emittedAtMs":1795471552979}\n`;

async function flood(turnId) {
  const hugeAt = mode === 'huge' ? Math.floor(count / 2) : -1;
  let batch = '';
  for (let i = 0; i < count; i++) {
    batch += deltaLine(i);
    if (i === hugeAt) batch += `${JSON.stringify({ method: 'fake/huge', params: { blob: 'x'.repeat(Number(process.env.LOAD_HUGE_MB ?? 64) * 1024 * 1024) } })}\n`;
    if (batch.length > 65536 || i === hugeAt) {
      if (!out.write(batch)) await drain();
      batch = '';
    }
  }
  if (batch && !out.write(batch)) await drain();
  send({ method: 'turn/completed', params: { threadId: THREAD, turn: { id: turnId, status: 'completed', items: [] } } });
}

async function paced(turnId) {
  const rate = Number(process.env.LOAD_RATE ?? 10_000);
  const started = performance.now();
  for (let sent = 0; sent < count; ) {
    const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate));
    let batch = '';
    while (sent < due) batch += deltaLine(sent++);
    if (batch && !out.write(batch)) await drain();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  send({ method: 'turn/completed', params: { threadId: THREAD, turn: { id: turnId, status: 'completed', items: [] } } });
}

let roundtrip;
function startRoundtrip(turnId) {
  roundtrip = { turnId, next: 0, sentAt: 0n, latencies: new Float64Array(count) };
  sendApproval();
}
function sendApproval() {
  const id = roundtrip.next;
  roundtrip.sentAt = process.hrtime.bigint();
  send({ id, method: 'item/commandExecution/requestApproval', params: { threadId: THREAD, turnId: roundtrip.turnId, itemId: `item-${id}`, startedAtMs: 0, command: 'ls' } });
}
function onReply(id) {
  if (!roundtrip || id !== roundtrip.next) return;
  roundtrip.latencies[id] = Number(process.hrtime.bigint() - roundtrip.sentAt) / 1e6;
  roundtrip.next++;
  if (roundtrip.next < count) return sendApproval();
  const sorted = Array.from(roundtrip.latencies).sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  writeFileSync(process.env.LOAD_OUT ?? '/dev/null', JSON.stringify({ count, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] }));
  send({ method: 'turn/completed', params: { threadId: THREAD, turn: { id: roundtrip.turnId, status: 'completed', items: [] } } });
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const message = JSON.parse(line);
    if (message.method === undefined) return onReply(message.id);
    if (message.method === 'initialize') send({ id: message.id, result: { userAgent: 'load', codexHome: '/tmp', platformFamily: 'unix', platformOs: 'linux' } });
    else if (message.method === 'thread/start') send({ id: message.id, result: { thread: { id: THREAD } } });
    else if (message.method === 'turn/start') {
      send({ id: message.id, result: { turn: { id: 'turn-1', status: 'inProgress', items: [] } } });
      if (mode === 'roundtrip') startRoundtrip('turn-1');
      else if (mode === 'paced') paced('turn-1');
      else flood('turn-1');
    }
  })
  .on('close', () => process.exit(0));
