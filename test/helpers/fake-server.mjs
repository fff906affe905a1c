#!/usr/bin/env node
// A fake `codex app-server` for faults the real one cannot be made to show. FAKE_MODE picks the behaviour:
//   requests   on turn/start, sends every server request (and an unknown one), then completes the turn
//   no-reply   answers initialize, then never answers anything
//   exit-init  exits with code 3 when initialize arrives, after a line on stderr
//   garbage    sends invalid JSON and a malformed message before answering normally
// Any other mode answers initialize, thread/start and turn/start and completes each turn at once.
import { createInterface } from 'node:readline';

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
    if (mode !== 'requests') return completeTurn();
    for (const [method, params] of serverRequests) {
      awaiting.add(nextServerId);
      send({ id: nextServerId++, method, params });
    }
    return;
  }
  send({ id: message.id, error: { code: -32601, message: `fake server: no ${message.method}` } });
});
lines.on('close', () => process.exit(0));
