// The inspector's server, in process: what it refuses (no token, a foreign Host, a foreign Origin, a
// cross-site fetch, a POST that is not JSON), how the token becomes a cookie, no CORS; and what it serves:
// pages of rows, a query, the live stream, an answer that reaches the waiting handler.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { traffic } from '../helpers/traffic.ts';
import { LiveFeed } from '../../src/ui/live.ts';
import { startInspectorServer, type InspectorServer } from '../../src/ui/server.ts';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request, so Host and Origin can be anything (fetch would not let a test set Host). */
function send(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { Host: `127.0.0.1:${port}`, ...options.headers } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

let server: InspectorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(feed = new LiveFeed('test server', false)) {
  server = await startInspectorServer({ view: feed.view, live: feed, assets: { js: 'console.log("page")', css: 'body{}' }, clientMethods: ['thread/list'], version: 'test' });
  const url = new URL(server.url);
  const token = url.searchParams.get('token') as string;
  return { feed, server, port: server.port, token, cookie: `codex-dbg-ui-${server.port}=${token}` };
}

describe('the inspector server refuses', () => {
  test('it listens on 127.0.0.1 only, with a long random token', async () => {
    const { token } = await start();
    expect(new URL((server as InspectorServer).url).hostname).toBe('127.0.0.1');
    expect(token.length).toBeGreaterThanOrEqual(32);
  });

  test('a request without the token, or with a wrong one', async () => {
    const { port, token } = await start();
    for (const path of ['/', '/api/info', '/api/events', '/assets/app.js', '/api/rows']) {
      const answer = await send(port, path);
      expect(answer.status, path).toBe(401);
      expect(answer.body).toMatch(/no valid token/);
    }
    expect((await send(port, '/api/info', { headers: { Cookie: `codex-dbg-ui-${port}=${token.slice(1)}x` } })).status).toBe(401);
    expect((await send(port, '/api/info?token=wrong')).status).toBe(401);
    // Another inspector's cookie (another port) is not this one's.
    expect((await send(port, '/api/info', { headers: { Cookie: `codex-dbg-ui-${port + 1}=${token}` } })).status).toBe(401);
  });

  test('a foreign Host, even with the right token (DNS rebinding)', async () => {
    const { port, token, cookie } = await start();
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`, `127.0.0.2:${port}`]) {
      const answer = await send(port, `/?token=${token}`, { headers: { Host: host } });
      expect(answer.status, host).toBe(403);
      expect(answer.body).toMatch(/Host/);
      expect((await send(port, '/api/info', { headers: { Host: host, Cookie: cookie } })).status).toBe(403);
    }
  });

  test('a foreign Origin or a cross-site fetch, even with the cookie', async () => {
    const { port, cookie } = await start();
    for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, 'null', `https://127.0.0.1:${port}`]) {
      const answer = await send(port, '/api/info', { headers: { Cookie: cookie, Origin: origin } });
      expect(answer.status, origin).toBe(403);
      expect(answer.body).toMatch(/Origin/);
      const post = await send(port, '/api/answer', { method: 'POST', headers: { Cookie: cookie, Origin: origin, 'Content-Type': 'application/json' }, body: '{"id":0,"result":{}}' });
      expect(post.status).toBe(403);
    }
    const crossSite = await send(port, '/api/info', { headers: { Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
  });

  test('a POST without Origin or not JSON, and any other method; no CORS headers ever', async () => {
    const { port, cookie } = await start();
    const origin = `http://127.0.0.1:${port}`;
    expect((await send(port, '/api/turn', { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body: '{"text":"x"}' })).status).toBe(403);
    expect((await send(port, '/api/turn', { method: 'POST', headers: { Cookie: cookie, Origin: origin, 'Content-Type': 'text/plain' }, body: '{"text":"x"}' })).status).toBe(415);
    const preflight = await send(port, '/api/answer', { method: 'OPTIONS', headers: { Cookie: cookie, Origin: origin, 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(405);
    for (const answer of [preflight, await send(port, '/api/info', { headers: { Cookie: cookie } })]) {
      expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });
});

describe('the inspector server serves', () => {
  test('the token in the URL becomes an HttpOnly SameSite=Strict cookie, and leaves the address', async () => {
    const { port, token, cookie } = await start();
    const first = await send(port, `/?token=${token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toContain(cookie);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const page = await send(port, '/', { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(page.body).toContain('/assets/app.js');
    // localhost is the same machine: allowed too.
    expect((await send(port, '/api/info', { headers: { Cookie: cookie, Host: `localhost:${port}` } })).status).toBe(200);
  });

  test('rows, a query, and the row itself, with secrets redacted', async () => {
    const { feed, port, cookie } = await start();
    feed.message(traffic('out', { id: 1, method: 'thread/list', params: {} }));
    feed.message(traffic('in', { method: 'item/agentMessage/delta', params: { threadId: 'th-1', delta: 'hi' } }));
    feed.message(traffic('in', { id: 1, result: { data: [], apiKey: 'sk-secret-value' } }));
    feed.stderr('2026 ERROR codex: something broke');
    const get = async (path: string) => JSON.parse((await send(port, path, { headers: { Cookie: cookie } })).body);
    const all = await get('/api/rows?from=0&n=10');
    expect(all.total).toBe(4);
    expect(all.rows.map((row: { method?: string; kind: string }) => `${row.kind} ${row.method ?? ''}`)).toEqual([
      'request thread/list',
      'notification item/agentMessage/delta',
      'response thread/list',
      'stderr ',
    ]);
    expect(all.rows[0].pair).toBe(2);
    expect(all.rows[2].dur).toBeGreaterThanOrEqual(0);
    expect((await get('/api/rows?errors=1')).rows.map((row: { kind: string }) => row.kind)).toEqual(['stderr']);
    expect((await get('/api/rows?q=thread:th-1')).total).toBe(1);
    expect((await get('/api/rows?q=method:thread/list%20dir:in')).rows[0].kind).toBe('response');
    const reply = await get('/api/row?n=2');
    expect(reply.record.message.result.apiKey).toBe('[redacted]');
    const exported = (await send(port, '/api/export?kind=rpc', { headers: { Cookie: cookie } })).body.trim().split('\n').map((line) => JSON.parse(line));
    expect(exported[0]).toMatchObject({ type: 'header', format: 'codex-dbg-recording', redacted: true });
    expect(exported.slice(1).map((line: { dir: string }) => line.dir)).toEqual(['out', 'in', 'in']);
  });

  test('a waiting server request reaches the page through the stream, and the answer reaches its handler', async () => {
    const { feed, port, cookie } = await start();
    const abort = new AbortController();
    const answered = feed.ask({ id: 7, method: 'item/commandExecution/requestApproval', params: { command: 'ls' } }, 60_000, abort.signal);
    const stream = await new Promise<string>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: '/api/events', headers: { Host: `127.0.0.1:${port}`, Cookie: cookie } }, (response) => {
        let text = '';
        response.on('data', (chunk) => {
          text += chunk;
          if (text.includes('"pending":[{')) {
            request.destroy();
            resolve(text);
          }
        });
      });
      request.on('error', reject);
      request.end();
    });
    expect(stream).toContain('"method":"item/commandExecution/requestApproval"');
    const origin = `http://127.0.0.1:${port}`;
    const headers = { Cookie: cookie, Origin: origin, 'Content-Type': 'application/json' };
    const ok = await send(port, '/api/answer', { method: 'POST', headers, body: JSON.stringify({ id: 7, result: { decision: 'accept' } }) });
    expect(ok.status).toBe(200);
    await expect(answered).resolves.toEqual({ decision: 'accept' });
    // Answered once: a second click is told so.
    const again = await send(port, '/api/answer', { method: 'POST', headers, body: JSON.stringify({ id: 7, result: { decision: 'decline' } }) });
    expect(again.status).toBe(409);
    expect(feed.pending()).toEqual([]);
  });

  test('close ends open streams and does not wait for sockets that never sent a request (a browser opens some ahead of time)', async () => {
    const { port, cookie } = await start();
    const unused = connect(port, '127.0.0.1');
    await new Promise((resolve) => unused.once('connect', resolve));
    const streamEnded = new Promise<string>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: '/api/events', headers: { Host: `127.0.0.1:${port}`, Cookie: cookie } }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => resolve(text));
      });
      request.on('error', reject);
      request.end();
    });
    await waitForPages(server as InspectorServer, 1);
    // Unless the server drops it, Node's close() waits for the idle socket until the header timeout (a minute).
    await (server as InspectorServer).close();
    server = undefined;
    unused.destroy();
    await expect(streamEnded).resolves.toContain('data:');
  });
});

function waitForPages(inspector: InspectorServer, count: number): Promise<void> {
  return new Promise((resolve) => {
    if (inspector.pages() >= count) return resolve();
    inspector.onPages((now) => now >= count && resolve());
  });
}
