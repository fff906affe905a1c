#!/usr/bin/env node
// A bare client for the real-server benchmark: spawns codex app-server (argv: codex, then -c overrides),
// does the handshake, starts a thread and runs BARE_TURNS text turns one after another, printing the
// latency of each (turn/start sent → turn/completed received) in ms as JSON.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const [codex, ...overrides] = process.argv.slice(2);
const turns = Number(process.env.BARE_TURNS ?? 20);
const child = spawn(codex, [...overrides.flatMap((kv) => ['--config', kv]), 'app-server'], { stdio: ['pipe', 'pipe', 'ignore'] });
let nextId = 1;
const waiting = new Map();
const request = (method, params) =>
  new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    child.stdin.write(`${JSON.stringify({ id, method, params })}\n`);
  });
let onCompleted = () => {};
createInterface({ input: child.stdout }).on('line', (line) => {
  const message = JSON.parse(line);
  if (message.method === 'turn/completed') onCompleted();
  else if (message.id !== undefined && message.method) child.stdin.write(`${JSON.stringify({ id: message.id, result: { decision: 'decline' } })}\n`);
  else if (message.id !== undefined) waiting.get(message.id)?.(message.result);
});
await request('initialize', { clientInfo: { name: 'bare', title: null, version: '0' }, capabilities: { experimentalApi: true } });
child.stdin.write('{"method":"initialized"}\n');
const { thread } = await request('thread/start', {});
const latencies = [];
for (let i = 0; i < turns; i++) {
  const done = new Promise((resolve) => {
    onCompleted = resolve;
  });
  const started = performance.now();
  await request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: `turn ${i}`, text_elements: [] }] });
  await done;
  latencies.push(performance.now() - started);
}
process.stdout.write(`${JSON.stringify(latencies)}\n`);
child.stdin.end();
