#!/usr/bin/env node
// A fake `codex app-server` for faults the real one cannot be made to show. FAKE_MODE picks the behaviour:
//   requests   on turn/start, sends every server request (and an unknown one), then completes the turn
//   no-reply   answers initialize, then never answers anything
//   exit-init  exits with code 3 when initialize arrives, after a line on stderr
//   garbage    sends invalid JSON and a malformed message before answering normally
//   die-mid-turn     on turn/start, one delta, a line on stderr, then exit 5
//   close-stdout     on turn/start, closes stdout but keeps running
//   truncated        on turn/start, writes half a line and exits 0
//   huge-line        on turn/start, one notification of FAKE_LINE_MB (default 64) MB, then completes the turn
//   stderr-flood     on turn/start, 4 MB of stderr interleaved with 2000 deltas, then completes the turn
//   generated        on turn/start, FAKE_COUNT (default 3000) server requests of every kind, unknown ones and
//                    malformed params, FAKE_CONCURRENCY (default 50) at a time; each id must be answered once;
//                    then a fake/report notification {sent, answered, duplicates, strays} and turn/completed
//   invalid          on turn/start, a delta whose `delta` is a number and a notification no schema knows, then
//                    completes the turn (planted violations for --validate)
// Any other mode answers initialize, thread/start and turn/start and completes each turn at once.
// `--version` says it is codex-cli $FAKE_VERSION (default 0.169.0); `app-server generate-json-schema …` is
// handed to the real codex in $FAKE_REAL_CODEX, so --validate finds a schema.
import { spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';

if (process.argv.includes('--version')) {
  process.stdout.write(`codex-cli ${process.env.FAKE_VERSION ?? '0.169.0'}\n`);
  process.exit(0);
}
const generate = process.argv.indexOf('generate-json-schema');
if (generate !== -1) {
  const real = process.env.FAKE_REAL_CODEX;
  if (!real) {
    process.stderr.write('fake server: set FAKE_REAL_CODEX to generate a schema\n');
    process.exit(2);
  }
  const result = spawnSync(real, ['app-server', ...process.argv.slice(generate)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

const mode = process.env.FAKE_MODE ?? 'plain';
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const THREAD = '00000000-0000-4000-8000-000000000001';
let nextServerId = 0;
let turn = 0;
let openTurn;
const awaiting = new Set();
const completeTurn = () => {
  send({ method: 'turn/completed', params: { threadId: THREAD, turn: { id: openTurn, status: 'completed', items: [] } } });
  openTurn = undefined;
};

const serverRequests = [
  ['item/commandExecution/requestApproval', { threadId: THREAD, turnId: 't', itemId: 'i1', startedAtMs: 1, command: 'ls' }],
  ['item/fileChange/requestApproval', { threadId: THREAD, turnId: 't', itemId: 'i2', startedAtMs: 1 }],
  ['item/tool/requestUserInput', { threadId: THREAD, turnId: 't', itemId: 'i3', isBlocking: true, questions: [] }],
  ['mcpServer/elicitation/request', { threadId: THREAD, turnId: 't', serverName: 's', mode: 'form', message: 'm', requestedSchema: {} }],
  ['item/permissions/requestApproval', { threadId: THREAD, turnId: 't', itemId: 'i4', cwd: '/', reason: null, permissions: {} }],
  ['item/tool/call', { threadId: THREAD, turnId: 't', callId: 'c', namespace: null, tool: 'lookup', arguments: {} }],
  ['account/chatgptAuthTokens/refresh', { reason: 'unauthorized' }],
  ['attestation/generate', {}],
  ['currentTime/read', { threadId: THREAD }],
  ['applyPatchApproval', { conversationId: THREAD, callId: 'c', fileChanges: {}, reason: null, grantRoot: null }],
  ['execCommandApproval', { conversationId: THREAD, callId: 'c', approvalId: null, command: ['ls'], cwd: '/', reason: null, parsedCmd: [] }],
  ['unknown/serverMethod', {}],
];

const delta = (text) => send({ method: 'item/agentMessage/delta', params: { threadId: THREAD, turnId: 'turn', itemId: 'msg', delta: text } });

// Seeded, so a failure can be reproduced with the same FAKE_SEED.
let seed = Number(process.env.FAKE_SEED ?? 7);
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const generated = { sent: 0, answered: 0, duplicates: 0, strays: 0, total: Number(process.env.FAKE_COUNT ?? 3000), seen: new Set() };
function sendGenerated() {
  const kinds = [...serverRequests, ['unknown/generated', {}]];
  const [method, params] = kinds[Math.floor(random() * kinds.length)];
  const shape = random();
  const message = { id: nextServerId++, method };
  if (shape < 0.8) message.params = params;
  else if (shape < 0.9) message.params = null; // malformed: null params
  else if (shape < 0.95) message.params = 'not an object';
  // else: no params at all
  generated.sent++;
  awaiting.add(message.id);
  send(message);
}
function onGeneratedReply(id) {
  if (generated.seen.has(id)) generated.duplicates++;
  else if (!awaiting.has(id)) generated.strays++;
  else generated.answered++;
  generated.seen.add(id);
  awaiting.delete(id);
  if (generated.sent < generated.total) sendGenerated();
  else if (awaiting.size === 0 && openTurn) {
    const { seen, ...report } = generated;
    send({ method: 'fake/report', params: report });
    completeTurn();
  }
}

const faults = {
  'die-mid-turn': () => {
    delta('about to die');
    process.stderr.write('panic: the fake server died mid-turn\n', () => process.exit(5));
  },
  'close-stdout': () => {
    process.stdout.end();
    setInterval(() => {}, 1000);
  },
  truncated: () => {
    process.stdout.write('{"method":"turn/completed","params":{"thr', () => process.exit(0));
  },
  'huge-line': () => {
    const size = Number(process.env.FAKE_LINE_MB ?? 64) * 1024 * 1024;
    send({ method: 'fake/huge', params: { blob: 'x'.repeat(size) } });
    completeTurn();
  },
  'stderr-flood': () => {
    const noise = `${'WARN codex_core::noise: '.padEnd(2000, 'z')}\n`;
    for (let i = 0; i < 2000; i++) {
      process.stderr.write(noise);
      delta(`piece ${i} `);
    }
    completeTurn();
  },
  invalid: () => {
    send({ method: 'item/agentMessage/delta', params: { threadId: THREAD, turnId: openTurn, itemId: 'msg', delta: 5 } });
    send({ method: 'fake/unknownNotification', params: {} });
    completeTurn();
  },
  generated: () => {
    const concurrency = Number(process.env.FAKE_CONCURRENCY ?? 50);
    for (let i = 0; i < concurrency && generated.sent < generated.total; i++) sendGenerated();
  },
};

if (mode === 'garbage') {
  process.stdout.write('this is not json\n');
  send({ hello: 'no method, no id' });
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const message = JSON.parse(line);
  if (message.method === 'initialize') {
    if (mode === 'exit-init') {
      process.stderr.write('fatal: fake server refuses to initialize\n');
      process.exit(3);
    }
    send({ id: message.id, result: { userAgent: 'fake', codexHome: '/tmp', platformFamily: 'unix', platformOs: 'linux' } });
    return;
  }
  if (!message.method && 'id' in message) {
    // A reply to one of our requests: complete the turn once all are answered.
    if (mode === 'generated') return onGeneratedReply(message.id);
    awaiting.delete(message.id);
    if (awaiting.size === 0 && openTurn) completeTurn();
    return;
  }
  if (mode === 'no-reply' || message.method === 'initialized' || !('id' in message)) return;
  if (message.method === 'thread/start' || message.method === 'thread/resume') {
    send({ id: message.id, result: { thread: { id: THREAD } } });
    return;
  }
  if (message.method === 'turn/start') {
    const turnId = `turn-${++turn}`;
    send({ id: message.id, result: { turn: { id: turnId, status: 'inProgress', items: [] } } });
    openTurn = turnId;
    if (mode in faults) return faults[mode]();
    if (mode !== 'requests') return completeTurn();
    for (const [method, params] of serverRequests) {
      awaiting.add(nextServerId);
      send({ id: nextServerId++, method, params });
    }
    return;
  }
  send({ id: message.id, error: { code: -32601, message: `fake server: no ${message.method}` } });
});
// Exit once stdout and stderr have been taken by the reader: a flood must not be cut short by us.
lines.on('close', () => process.stdout.write('', () => process.stderr.write('', () => process.exit(0))));
