#!/usr/bin/env node
// The reference for the websocket benchmark: the least a client built on the same WebSocket library (`ws`)
// can do. Connects to argv[2], sends initialize, thread/start and turn/start, then writes each message
// as a line to stdout (batched per read, as codex-dbg does, and pausing while stdout is backed up) until
// turn/completed.
import WebSocket from 'ws';

const socket = new WebSocket(process.argv[2], { perMessageDeflate: false });
const requests = [
  { id: 1, method: 'initialize', params: { clientInfo: { name: 'ref', title: null, version: '0' }, capabilities: null } },
  { method: 'initialized' },
  { id: 2, method: 'thread/start', params: {} },
  { id: 3, method: 'turn/start', params: { threadId: 'x', input: [] } },
];
socket.on('open', () => {
  for (const message of requests) socket.send(JSON.stringify(message));
});

let out = [];
let scheduled = false;
const flush = () => {
  scheduled = false;
  if (out.length && !process.stdout.write(out.join(''))) {
    socket.pause();
    process.stdout.once('drain', () => socket.resume());
  }
  out = [];
};
socket.on('message', (data) => {
  const text = data.toString('utf8');
  const message = JSON.parse(text);
  out.push(`${text}\n`);
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(flush);
  }
  if (message.method === 'turn/completed') {
    flush();
    socket.close();
  }
});
socket.on('close', () => {
  flush();
  process.exitCode = 0;
});
