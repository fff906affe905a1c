#!/usr/bin/env node
// A fake app-server over WebSocket that produces load, for the websocket benchmark. Serves any number of
// connections, one after another or at once, on 127.0.0.1 (the port is printed on stdout as one line).
// The handshake and the frames are done by hand on the raw socket, so the server costs as little as
// possible: the client, not the server, should set the pace. Answers initialize, thread/start and
// turn/start; on turn/start it sends WS_LOAD_COUNT item/agentMessage/delta notifications (~200 bytes each,
// one per text frame, as codex does), then turn/completed, writing in 64 KiB batches and waiting for
// 'drain' when the client reads slower.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

const count = Number(process.env.WS_LOAD_COUNT ?? 1_000_000);
const THREAD = '00000000-0000-4000-8000-00000000beef';
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** One unmasked text frame (server → client), FIN set. */
function frame(text) {
  const payload = Buffer.from(text);
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x81, length]) : length < 65536 ? Buffer.from([0x81, 126, length >> 8, length & 255]) : Buffer.alloc(10);
  if (length >= 65536) {
    header[0] = 0x81;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

const delta = (i) =>
  `{"method":"item/agentMessage/delta","params":{"threadId":"${THREAD}","turnId":"turn-1","itemId":"msg_0000000000000001","delta":"token ${String(i).padStart(7, '0')} of a streamed answer "},"emittedAtMs":1795471552979}`;

/** Reads the client's masked frames; calls onText for each text frame, answers pings, ends on close. */
function readFrames(socket, onText) {
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      if (buffered.length < 2) return;
      const opcode = buffered[0] & 0x0f;
      let length = buffered[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffered.length < 4) return;
        length = buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffered.length < 10) return;
        length = Number(buffered.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffered.length < offset + 4 + length) return;
      const mask = buffered.subarray(offset, offset + 4);
      const payload = Buffer.from(buffered.subarray(offset + 4, offset + 4 + length));
      for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
      buffered = buffered.subarray(offset + 4 + length);
      if (opcode === 0x1) onText(payload.toString('utf8'));
      else if (opcode === 0x9) socket.write(Buffer.concat([Buffer.from([0x8a, payload.length]), payload]));
      else if (opcode === 0x8) return socket.end();
    }
  });
}

async function flood(socket) {
  const drain = () => new Promise((resolve) => socket.once('drain', resolve));
  let batch = [];
  let size = 0;
  for (let i = 0; i < count; i++) {
    const bytes = frame(delta(i));
    batch.push(bytes);
    size += bytes.length;
    if (size > 65536) {
      if (!socket.write(Buffer.concat(batch, size))) await drain();
      batch = [];
      size = 0;
    }
  }
  batch.push(frame(JSON.stringify({ method: 'turn/completed', params: { threadId: THREAD, turn: { id: 'turn-1', status: 'completed', items: [] } } })));
  socket.write(Buffer.concat(batch));
}

const server = createServer((_req, res) => res.writeHead(200).end());
server.on('upgrade', (request, socket) => {
  const accept = createHash('sha1').update(`${request.headers['sec-websocket-key']}${GUID}`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  socket.setNoDelay(true);
  socket.on('error', () => {});
  const send = (message) => socket.write(frame(JSON.stringify(message)));
  readFrames(socket, (text) => {
    const message = JSON.parse(text);
    if (message.method === 'initialize') send({ id: message.id, result: { userAgent: 'load', codexHome: '/tmp', platformFamily: 'unix', platformOs: 'linux' } });
    else if (message.method === 'thread/start') send({ id: message.id, result: { thread: { id: THREAD } } });
    else if (message.method === 'turn/start') {
      send({ id: message.id, result: { turn: { id: 'turn-1', status: 'inProgress', items: [] } } });
      flood(socket);
    }
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
