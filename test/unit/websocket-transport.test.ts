// The WebSocket transport against small servers made here (the `ws` server, plain HTTP), for what the real
// codex cannot be made to show: a close code and reason, a peer that stops answering pings, a binary
// frame, a 403, something that is not a codex app-server. The real server is in test/e2e/attach.test.ts.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { CloseInfo, TransportEvents } from '../../src/core/transport.ts';
import { parseEndpoint } from '../../src/transports/endpoint.ts';
import { HandshakeRefused, WebSocketTransport } from '../../src/transports/websocket.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A ws server on 127.0.0.1:0; `connections` holds each server-side socket and the upgrade request. */
async function wsServer(options: { autoPong?: boolean } = {}) {
  const http = createServer((_req, res) => res.writeHead(200).end());
  const wss = new WebSocketServer({ server: http, autoPong: options.autoPong ?? true });
  const connections: { socket: ServerSocket; request: IncomingMessage; received: string[] }[] = [];
  const connected = new Promise<(typeof connections)[number]>((resolve) => {
    wss.on('connection', (socket, request) => {
      const entry = { socket, request, received: [] as string[] };
      socket.on('message', (data) => entry.received.push(String(data)));
      connections.push(entry);
      resolve(entry);
    });
  });
  const url = await listen(http);
  closers.push(async () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
    await closeServer(http);
  });
  return { url: url.replace('http:', 'ws:'), connections, connected };
}

/** A plain HTTP server answering every request, upgrades included, with `status` and `body`. */
async function httpServer(status: number, body: string) {
  const http = createServer((_req, res) => res.writeHead(status, { 'content-type': 'text/plain' }).end(body));
  http.on('upgrade', (_req, socket) => socket.end(`HTTP/1.1 ${status} X\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\n\r\n${body}`));
  const url = await listen(http);
  closers.push(() => closeServer(http));
  return url.replace('http:', 'ws:');
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

function recorder() {
  const seen = { messages: [] as string[], problems: [] as string[], closed: undefined as CloseInfo | undefined };
  let resolveClose: (info: CloseInfo) => void = () => {};
  const closed = new Promise<CloseInfo>((resolve) => {
    resolveClose = resolve;
  });
  const events: TransportEvents = {
    message: (text) => seen.messages.push(text),
    problem: (text) => seen.problems.push(text),
    close: (info) => {
      seen.closed = info;
      resolveClose(info);
    },
  };
  return { seen, events, closed };
}

const transport = (url: string, extra: Partial<ConstructorParameters<typeof WebSocketTransport>[0]> = {}) => {
  const made = new WebSocketTransport({ endpoint: parseEndpoint(url), maxMessageBytes: 1024 * 1024, ...extra });
  closers.push(async () => {
    await made.close(100);
  });
  return made;
};

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('WebSocketTransport', () => {
  test('one message per text frame both ways; no Origin, no subprotocol; the bearer header when given', async () => {
    const server = await wsServer();
    const client = transport(server.url, { bearer: { describe: 'a test token', flag: '--token-file', header: () => 'Bearer t0ken' } });
    const { seen, events } = recorder();
    await client.start(events);
    const { socket, request, received } = await server.connected;
    expect(request.headers.origin).toBeUndefined();
    expect(request.headers['sec-websocket-protocol']).toBeUndefined();
    expect(request.headers.authorization).toBe('Bearer t0ken');

    await client.send('{"id":1,"method":"initialize"}');
    await until(() => received.length === 1, 'the frame');
    expect(received).toEqual(['{"id":1,"method":"initialize"}']);
    socket.send('{"id":1,"result":{}}');
    socket.send('{"method":"a"}');
    socket.send(Buffer.from('{"method":"binary"}'), { binary: true });
    await until(() => seen.messages.length === 2 && seen.problems.length === 1, 'the messages');
    expect(seen.messages).toEqual(['{"id":1,"result":{}}', '{"method":"a"}']);
    expect(seen.problems).toEqual([`ignored a binary frame of 19 bytes from ${server.url} (the protocol is text frames)`]);
  });

  test('while paused nothing is delivered; resume delivers what waited', async () => {
    const server = await wsServer();
    const client = transport(server.url);
    const { seen, events } = recorder();
    await client.start(events);
    const { socket } = await server.connected;
    client.pause();
    socket.send('{"method":"held"}');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen.messages).toEqual([]);
    client.resume();
    await until(() => seen.messages.length === 1, 'the held message');
  });

  test('a close by the server shows its code and reason; sending after it fails with E_CLOSED', async () => {
    const server = await wsServer();
    const client = transport(server.url);
    const { events, closed } = recorder();
    await client.start(events);
    (await server.connected).socket.close(4001, 'going away for a test');
    const info = await closed;
    expect(info).toMatchObject({ reason: 'closed', message: `the connection to ${server.url} closed with code 4001: going away for a test`, facts: { code: 4001, closeReason: 'going away for a test' } });
    await expect(client.send('{}')).rejects.toMatchObject({ code: 'E_CLOSED' });
  });

  test('our close is "stopped", and close() can be called again', async () => {
    const server = await wsServer();
    const client = transport(server.url);
    const { events } = recorder();
    await client.start(events);
    await server.connected;
    const first = await client.close(500);
    expect(first.reason).toBe('stopped');
    expect(await client.close(500)).toBe(first);
  });

  test('a peer that stops answering pings is dropped with a clear reason', async () => {
    const server = await wsServer({ autoPong: false });
    const client = transport(server.url, { pingIntervalMs: 100 });
    const { events, closed } = recorder();
    await client.start(events);
    const info = await closed;
    expect(info.reason).toBe('error');
    expect(info.message).toBe(`the connection to ${server.url} failed: no answer to a ping within 0.1 s: the connection is dead (codex-dbg dropped it)`);
  });

  test('a peer that answers pings stays connected', async () => {
    const server = await wsServer();
    const client = transport(server.url, { pingIntervalMs: 50 });
    const { seen, events } = recorder();
    await client.start(events);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(seen.closed).toBeUndefined();
  });

  test('403 explains the Origin rule; another status asks whether it is a codex app-server', async () => {
    const forbidden = await httpServer(403, '');
    const refused = await transport(forbidden).start(recorder().events).catch((error) => error);
    expect(refused).toBeInstanceOf(HandshakeRefused);
    expect(refused.message).toMatch(/refused the connection \(403\): codex app-server refuses every request that carries an Origin header .* a proxy in between must be adding one/);
    const notCodex = await httpServer(404, 'no such page');
    const error = await transport(notCodex).start(recorder().events).catch((caught) => caught);
    expect(error).toMatchObject({ code: 'E_CONNECT', status: 404, body: 'no such page' });
    expect(error.message).toBe(`${notCodex} answered HTTP 404 "no such page" instead of a WebSocket upgrade: is it a codex app-server?`);
  });

  test('401 without a token names the flags that give one', async () => {
    const url = await httpServer(401, 'missing websocket bearer token');
    const error = await transport(url).start(recorder().events).catch((caught) => caught);
    expect(error).toMatchObject({ code: 'E_AUTH', status: 401 });
    expect(error.message).toBe(
      `${url} refused the connection (401 "missing websocket bearer token"): the server requires a bearer token: give a capability token with --token-file <file> or $CODEX_DBG_TOKEN, or a signing secret with --jwt-secret-file <file>`,
    );
  });

  test('something listens but drops the handshake: /readyz tells whether it is a codex app-server', async () => {
    const http = createServer((req, res) => res.writeHead(req.url === '/readyz' ? 200 : 404).end());
    http.on('upgrade', (_req, socket) => socket.destroy());
    const url = (await listen(http)).replace('http:', 'ws:');
    closers.push(() => closeServer(http));
    const error = await transport(url).start(recorder().events).catch((caught) => caught);
    expect(error.code).toBe('E_CONNECT');
    expect(error.message).toMatch(/^something listens at 127\.0\.0\.1:\d+ but the WebSocket handshake failed \(socket hang up\); \/readyz answers 200, so a codex app-server is there$/);
  });

  test('nothing listening, and a Unix socket path with no socket', async () => {
    const server = await httpServer(200, '');
    const port = new URL(server).port;
    await closers.pop()?.();
    const refused = await transport(`ws://127.0.0.1:${port}`).start(recorder().events).catch((caught) => caught);
    expect(refused.message).toBe(`could not connect to ws://127.0.0.1:${port}: nothing listens on 127.0.0.1:${port} (connection refused); start a server with \`codex app-server --listen ws://127.0.0.1:${port}\``);
    const missing = await transport('unix:///nonexistent/codex.sock').start(recorder().events).catch((caught) => caught);
    expect(missing.message).toBe('no control socket at /nonexistent/codex.sock: no server listens there; start one with `codex app-server --listen unix:///nonexistent/codex.sock`');
  });
});
