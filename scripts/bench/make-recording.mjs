#!/usr/bin/env node
// Writes a codex-dbg recording of N messages for the inspector benchmark: turns of streamed agent text
// (deltas of about 200 bytes, as a real turn sends), each with a turn/start request and reply, a command
// approval answered by a plugin, item started/completed, and a little server stderr.
//   node scripts/bench/make-recording.mjs OUT.jsonl 1000000
import { createWriteStream } from 'node:fs';

const [out, countArg] = process.argv.slice(2);
const total = Number(countArg ?? 1_000_000);
const PER_TURN = 1000;
const THREAD = '00000000-0000-4000-8000-00000000beef';
const stream = createWriteStream(out);
const write = (text) => (stream.write(text) ? undefined : new Promise((resolve) => stream.once('drain', resolve)));

let t = 0;
let messages = 0;
let clientId = 1;
let serverId = 0;
const line = (record) => `${JSON.stringify({ t: Math.round((t += 0.05) * 10) / 10, ...record })}\n`;
const message = (dir, body) => {
  messages++;
  return line({ type: 'message', dir, message: body });
};

let buffer = line({ type: 'header', format: 'codex-dbg-recording', version: 1, startedAt: new Date(0).toISOString(), codexDbg: 'bench', redacted: true }).replace(/^\{"t":[^,]*,/, '{');
for (let turn = 0; messages < total; turn++) {
  const turnId = `turn-${turn}`;
  const itemId = `msg-${turn}`;
  const id = clientId++;
  buffer += message('out', { id, method: 'turn/start', params: { threadId: THREAD, input: [{ type: 'text', text: `turn ${turn}`, text_elements: [] }] } });
  buffer += message('in', { id, result: { turn: { id: turnId, status: 'inProgress', items: [] } } });
  buffer += message('in', { method: 'turn/started', params: { threadId: THREAD, turn: { id: turnId, status: 'inProgress' } } });
  const request = serverId++;
  buffer += message('in', { id: request, method: 'item/commandExecution/requestApproval', params: { threadId: THREAD, turnId, itemId: `cmd-${turn}`, startedAtMs: 0, command: 'ls' } });
  buffer += line({ type: 'event', event: 'answered', id: request, method: 'item/commandExecution/requestApproval', by: 'auto-approve' });
  buffer += message('out', { id: request, result: { decision: 'accept' } });
  buffer += line({ type: 'stderr', line: `2026-01-01T00:00:00Z  INFO codex_core: turn ${turn} running` });
  buffer += message('in', { method: 'item/started', params: { threadId: THREAD, turnId, item: { id: itemId, type: 'agentMessage', text: '' } } });
  for (let i = 0; i < PER_TURN - 6 && messages < total - 2; i++) {
    buffer += message('in', { method: 'item/agentMessage/delta', params: { threadId: THREAD, turnId, itemId, delta: `token ${String(i).padStart(7, '0')} of a streamed answer ` }, emittedAtMs: 1795471552979 });
    if (buffer.length > 1 << 20) {
      await write(buffer);
      buffer = '';
    }
  }
  buffer += message('in', { method: 'item/completed', params: { threadId: THREAD, turnId, item: { id: itemId, type: 'agentMessage', text: `answer ${turn}` } } });
  buffer += message('in', { method: 'turn/completed', params: { threadId: THREAD, turn: { id: turnId, status: 'completed', items: [], durationMs: 50 } } });
}
await write(buffer);
stream.end();
await new Promise((resolve) => stream.on('finish', resolve));
process.stdout.write(`${messages}\n`);
