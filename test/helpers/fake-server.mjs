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
//   hostile-shapes   on turn/start, a notification and an item/tool/call request nested FAKE_DEPTH (default 2500)
//                    levels, a notification nested 100,000 levels, one with a "__proto__" key; completes once answered
//   stall            on turn/start, FAKE_COUNT (default 2000) deltas, then nothing more: the turn never completes
//   deep             on turn/start, a notification and a server request nested FAKE_DEPTH (default 100000) levels
//   big-ids          on turn/start, server requests whose ids are written as 2^60, 2^64-1, 1e400, 2^53+1, 1.5, -1 and
//                    a string; then a fake/report notification {ids} with each reply's id as written, and turn/completed
//   proto-methods    on turn/start, server requests named after Object.prototype members (toString, __proto__, …)
//   malformed        on turn/start, each of the 11 server requests with null params and with one field of the wrong type
//   exit-with-helper on turn/start, starts a helper that holds stdout and stderr (its pid on stderr), then exits 7
//   stderr-pieces    on turn/start, a 100,008-character stderr line written in pieces, then one of FAKE_LONG_LINE
//                    (default 3,000,000) characters, then completes the turn
//   invalid-utf8     on turn/start, a notification whose text holds bytes that are not UTF-8, then completes the turn
//   bad-error        answers fake/bad-error with an error whose code is a string, fake/float-error with code 1.5
//   init-error       answers initialize with a JSON-RPC error
//   hang-turn        starts turns that never complete and ignores turn/interrupt
// Any other mode answers initialize, thread/start and turn/start and completes each turn at once.
// `--version` says it is codex-cli $FAKE_VERSION (default 0.169.0); `app-server generate-json-schema …` is
// handed to the real codex in $FAKE_REAL_CODEX, so --validate finds a schema.
// Any request for fake/deep, in any mode, is answered with a result nested FAKE_DEPTH levels.
// FAKE_IGNORE_EOF=1 keeps the server running after its stdin closes; FAKE_IGNORE_TERM=1 ignores SIGTERM.
// Every mode writes "fake server pid <pid>" on stderr first, so a test can check that it is gone.
import { spawn, spawnSync } from 'node:child_process';
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
process.stderr.write(`fake server pid ${process.pid}\n`);
if (process.env.FAKE_IGNORE_TERM === '1') process.on('SIGTERM', () => process.stderr.write('fake server ignores SIGTERM\n'));
const depth = Number(process.env.FAKE_DEPTH ?? 100_000);
/** A JSON text nested `levels` deep: {"a":{"a":…1…}}. */
const nested = (levels) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
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
  ['item/permissions/requestApproval', { threadId: THREAD, turnId: 't', itemId: 'i4', startedAtMs: 1, cwd: '/', reason: null, permissions: {} }],
  ['item/tool/call', { threadId: THREAD, turnId: 't', callId: 'c', namespace: null, tool: 'lookup', arguments: {} }],
  ['account/chatgptAuthTokens/refresh', { reason: 'unauthorized' }],
  ['attestation/generate', {}],
  ['currentTime/read', { threadId: THREAD }],
  ['applyPatchApproval', { conversationId: THREAD, callId: 'c', fileChanges: {}, reason: null, grantRoot: null }],
  ['execCommandApproval', { conversationId: THREAD, callId: 'c', approvalId: null, command: ['ls'], cwd: '/', reason: null, parsedCmd: [] }],
  ['unknown/serverMethod', {}],
];

/** Sends server requests given as raw JSON text; the turn completes once each has been answered. */
const rawReplies = [];
let rawExpected = 0;
function sendRaw(lines) {
  rawExpected = lines.length;
  for (const line of lines) process.stdout.write(`${line}\n`);
}
function onRawReply(line) {
  // The id exactly as the client wrote it (codex-dbg writes it first).
  rawReplies.push(/^\{"id":("(?:[^"\\]|\\.)*"|[^,}]*)/.exec(line)?.[1]);
  if (rawReplies.length === rawExpected && openTurn) {
    send({ method: 'fake/report', params: { ids: rawReplies } });
    completeTurn();
  }
}
const BIG_IDS = ['1152921504606846976', '18446744073709551615', '1e400', '9007199254740993', '1.5', '-1', '"id-\\u00e9"'];
const PROTO_METHODS = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupGetter__'];
/** For each of the 11 methods: null params, then (where it has fields) its first field as an object. */
const malformed = () =>
  serverRequests.slice(0, 11).flatMap(([method, params]) => {
    const [field] = Object.keys(params);
    const lines = [JSON.stringify({ id: nextServerId++, method, params: null })];
    if (field) lines.push(JSON.stringify({ id: nextServerId++, method, params: { ...params, [field]: { wrong: true } } }));
    return lines;
  });

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
  'hostile-shapes': () => {
    const nest = (depth, inner) => `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;
    const depth = Number(process.env.FAKE_DEPTH ?? 2500);
    process.stdout.write(`{"method":"fake/deep","params":${nest(depth, '{"token":"deep-secret"}')}}\n`);
    process.stdout.write(`{"method":"fake/deeper","params":${nest(100_000, '[]')}}\n`);
    process.stdout.write('{"method":"fake/proto","params":{"__proto__":{"polluted":true},"token":"proto-secret"}}\n');
    awaiting.add(nextServerId);
    process.stdout.write(`{"id":${nextServerId++},"method":"item/tool/call","params":{"threadId":"${THREAD}","turnId":"t","callId":"c","namespace":null,"tool":"deep","arguments":${nest(depth, '1')}}}\n`);
  },
  stall: () => {
    for (let i = 0; i < Number(process.env.FAKE_COUNT ?? 2000); i++) delta(`piece ${i} `);
  },
  deep: () => {
    process.stdout.write(`{"method":"fake/deep","params":${nested(depth)}}\n`);
    const params = `{"threadId":"${THREAD}","turnId":"t","itemId":"i1","startedAtMs":1,"command":"ls","extra":${nested(depth)}}`;
    sendRaw([`{"id":${nextServerId++},"method":"item/commandExecution/requestApproval","params":${params}}`, `{"id":${nextServerId++},"method":"fake/deepRequest","params":${nested(depth)}}`]);
  },
  'big-ids': () => sendRaw(BIG_IDS.map((id) => `{"id":${id},"method":"item/fileChange/requestApproval","params":{"threadId":"${THREAD}","turnId":"t","itemId":"i","startedAtMs":1}}`)),
  'proto-methods': () => sendRaw(PROTO_METHODS.map((method) => JSON.stringify({ id: nextServerId++, method, params: {} }))),
  malformed: () => sendRaw(malformed()),
  'exit-with-helper': () => {
    const helper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'inherit', 'inherit'] });
    process.stderr.write(`helper pid ${helper.pid}\n`, () => process.exit(7));
  },
  'stderr-pieces': async () => {
    const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
    const line = `START${'y'.repeat(100_000)}END`;
    for (let at = 0; at < line.length; at += 10_000) {
      process.stderr.write(line.slice(at, at + 10_000));
      await pause();
    }
    process.stderr.write('\n');
    await pause();
    process.stderr.write(`LONG${'z'.repeat(Number(process.env.FAKE_LONG_LINE ?? 3_000_000))}\nafter the long line\n`);
    await pause();
    completeTurn();
  },
  'invalid-utf8': () => {
    const head = Buffer.from('{"method":"fake/bytes","params":{"text":"');
    process.stdout.write(Buffer.concat([head, Buffer.from([0xff, 0xfe, 0x41, 0xc3]), Buffer.from('"}}\n')]));
    completeTurn();
  },
  'hang-turn': () => {},
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
    if (mode === 'init-error') return send({ id: message.id, error: { code: -32600, message: 'fake server: initialize refused' } });
    if (mode === 'exit-init') {
      process.stderr.write('fatal: fake server refuses to initialize\n');
      process.exit(3);
    }
    send({ id: message.id, result: { userAgent: 'fake', codexHome: '/tmp', platformFamily: 'unix', platformOs: 'linux' } });
    return;
  }
  if (!message.method && 'id' in message) {
    // A reply to one of our requests: complete the turn once all are answered.
    if (rawExpected > 0) return onRawReply(line);
    if (mode === 'generated') return onGeneratedReply(message.id);
    awaiting.delete(message.id);
    if (awaiting.size === 0 && openTurn) completeTurn();
    return;
  }
  if (mode === 'no-reply' || message.method === 'initialized' || !('id' in message)) return;
  if (message.method === 'fake/deep') return process.stdout.write(`{"id":${message.id},"result":${nested(depth)}}\n`);
  if (message.method === 'fake/bad-error') return send({ id: message.id, error: { code: 'oops', message: 'a code that is a string' } });
  if (message.method === 'fake/float-error') return send({ id: message.id, error: { code: 1.5, message: 'a code that is not an integer' } });
  if (message.method === 'turn/interrupt' && mode === 'hang-turn') return;
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
lines.on('close', () => {
  if (process.env.FAKE_IGNORE_EOF === '1') {
    process.stderr.write('fake server ignores the end of its stdin\n');
    setInterval(() => {}, 1000);
    return;
  }
  process.stdout.write('', () => process.stderr.write('', () => process.exit(0)));
});
