// The inspector's local web server (node:http, no framework). Safe by construction: it listens on
// 127.0.0.1 only, on a random port; every request needs this launch's random token (in the URL once, then
// an HttpOnly SameSite=Strict cookie); a Host that is not this address and port (DNS rebinding), a foreign
// Origin or a cross-site fetch is refused; there is no CORS; POST bodies must be JSON from this origin.
// The page is served from assets bundled into codex-dbg; nothing is fetched from anywhere else.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DbgError } from '../core/errors.ts';
import { RECORDING_FORMAT, RECORDING_VERSION } from '../recording/format.ts';
import { redactValue } from '../recording/redaction.ts';
import type { PageAssets } from './assets.ts';
import type { LiveFeed } from './live.ts';
import { parseQuery, type QueryInput } from './query.ts';
import type { SessionView } from './session-view.ts';
import { sleep } from '../core/timers.ts';

export interface InspectorServerOptions {
  view: SessionView<unknown>;
  /** Present for a live session: answers, turns and calls. */
  live?: LiveFeed;
  assets: PageAssets;
  /** Client method names for the call box's completion. */
  clientMethods: readonly string[];
  version: string;
  /** For tests: a fixed port (default: a random free one). */
  port?: number;
}

export interface InspectorServer {
  /** The address to open, with the token: http://127.0.0.1:PORT/?token=… */
  url: string;
  port: number;
  /** Pages with the live stream open now. */
  pages(): number;
  /** Called whenever a page opens or closes its live stream. */
  onPages(listener: (count: number) => void): void;
  close(): Promise<void>;
}

/** How often the page is sent what changed, at most: updates are batched into one message per tick. */
const TICK_MS = 100;
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_PAGE_ROWS = 500;
/** On close, how long open pages get to receive the end of their stream before every socket is dropped. */
const CLOSE_GRACE_MS = 250;

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Stream {
  response: ServerResponse;
  sent: string;
  listsSent: string;
}

export async function startInspectorServer(options: InspectorServerOptions): Promise<InspectorServer> {
  const { view, live } = options;
  const token = randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const streams = new Set<Stream>();
  const pageListeners: ((count: number) => void)[] = [];
  let port = 0;
  let cookieName = '';

  const sameToken = (given: string | undefined) => {
    const bytes = Buffer.from(given ?? '');
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };

  /** Refuses anything that is not this page, on this address, with this launch's token. */
  const admit = (request: IncomingMessage, url: URL): void => {
    const host = request.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) throw new HttpError(403, `refused: Host "${host}" is not this inspector's address`);
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) throw new HttpError(403, `refused: Origin "${origin}" is not this inspector's`);
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new HttpError(403, `refused: a ${site} request`);
    const cookie = cookies(request.headers.cookie ?? '')[cookieName];
    if (!sameToken(cookie) && !sameToken(url.searchParams.get('token') ?? undefined)) {
      throw new HttpError(401, 'refused: no valid token; open the URL codex-dbg printed (it carries the token)');
    }
    if (request.method === 'POST') {
      if (origin === undefined) throw new HttpError(403, 'refused: a POST without Origin');
      if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) throw new HttpError(415, 'refused: a POST body must be application/json');
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new HttpError(405, `${request.method} is not served here`);
    }
  };

  const json = (response: ServerResponse, value: unknown, status = 200) => {
    const body = JSON.stringify(value);
    response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    response.end(body);
  };

  const keepSecrets = view.info.keepSecrets;
  const safe = (value: unknown) => (keepSecrets ? value : redactValue(value));
  const queryOf = (url: URL) => {
    const input: QueryInput = {};
    for (const key of ['dir', 'kind', 'method', 'thread', 'errors', 'q'] as const) input[key] = url.searchParams.get(key);
    return parseQuery(input);
  };
  const intParam = (url: URL, name: string, fallback: number) => {
    const value = Number(url.searchParams.get(name) ?? fallback);
    return Number.isFinite(value) ? Math.max(0, Math.floor(value)) : fallback;
  };

  const state = () => {
    const timeline = view.timeline;
    return {
      count: timeline.count,
      known: timeline.known,
      base: timeline.base,
      feeding: view.feeding,
      endedWith: view.endedWith,
      tree: view.conversation.version,
      pending: live ? (safe(live.pending()) as unknown[]) : [],
      now: live?.elapsed(),
    };
  };
  const lists = () => {
    const columns = view.timeline.columns;
    return { methods: [...columns.methods.values].sort(), threads: [...columns.threads.values] };
  };

  const routes: Record<string, (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> | void> = {
    'GET /': (_request, response, url) => {
      if (url.searchParams.has('token')) {
        // Trade the token in the URL for a cookie, and take it out of the address bar and history.
        response.writeHead(303, { ...SECURITY_HEADERS, Location: '/', 'Set-Cookie': `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/` });
        response.end();
        return;
      }
      const body = pageHtml(view.info.title);
      response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      response.end(body);
    },
    'GET /assets/app.js': (_request, response) => {
      response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/javascript; charset=utf-8' });
      response.end(options.assets.js);
    },
    'GET /assets/app.css': (_request, response) => {
      response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/css; charset=utf-8' });
      response.end(options.assets.css);
    },
    'GET /api/info': (_request, response) =>
      json(response, { ...view.info, ...state(), ...lists(), live: Boolean(live), sends: Boolean(live?.sends), clientMethods: options.clientMethods, version: options.version }),
    'GET /api/rows': async (_request, response, url) => {
      const timeline = view.timeline;
      const found = await timeline.find(queryOf(url));
      const total = found ? found.length : timeline.known - timeline.base;
      const n = Math.min(intParam(url, 'n', 100), MAX_PAGE_ROWS);
      const from = url.searchParams.get('tail') === '1' ? Math.max(0, total - n) : Math.min(intParam(url, 'from', 0), total);
      const rows = [];
      for (let position = from; position < Math.min(total, from + n); position++) {
        rows.push(timeline.view(found ? found[position] : timeline.base + position, keepSecrets));
      }
      json(response, { total, from, rows, count: timeline.count, known: timeline.known });
    },
    'GET /api/position': async (_request, response, url) => {
      // Where a row sits in a filtered list (for jumping from the tree): the first match at or after it.
      const timeline = view.timeline;
      const row = intParam(url, 'row', 0);
      const found = await timeline.find(queryOf(url));
      const position = found ? lowerBound(found, row) : Math.max(0, row - timeline.base);
      json(response, { position });
    },
    'GET /api/row': (_request, response, url) => {
      const row = intParam(url, 'n', 0);
      if (row < view.timeline.base || row >= view.timeline.known) throw new HttpError(404, `no row ${row}`);
      json(response, { row: view.timeline.view(row, keepSecrets), record: view.timeline.record(row, keepSecrets) });
    },
    'GET /api/tree': (_request, response) => json(response, safe(view.conversation.snapshot())),
    'GET /api/events': (request, response) => {
      response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
      response.write('retry: 1000\n\n');
      const stream: Stream = { response, sent: '', listsSent: '' };
      streams.add(stream);
      send(stream);
      for (const listener of pageListeners) listener(streams.size);
      request.on('close', () => {
        streams.delete(stream);
        for (const listener of pageListeners) listener(streams.size);
      });
    },
    'GET /api/export': async (_request, response, url) => {
      const timeline = view.timeline;
      const found = await timeline.find(queryOf(url));
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'application/x-ndjson; charset=utf-8',
        'Content-Disposition': 'attachment; filename="codex-dbg-export.jsonl"',
      });
      // A recording header first: the export opens in `codex-dbg view` and `replay` like any recording.
      const header = { type: 'header', format: RECORDING_FORMAT, version: RECORDING_VERSION, startedAt: new Date().toISOString(), codexDbg: options.version, redacted: !keepSecrets };
      let chunk = `${JSON.stringify(header)}\n`;
      const rows = found ?? range(timeline.base, timeline.known);
      for (const row of rows) {
        if (row < timeline.base) continue;
        chunk += `${JSON.stringify(timeline.record(row, keepSecrets))}\n`;
        if (chunk.length > 65536) {
          if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
          chunk = '';
        }
      }
      response.end(chunk);
    },
    'POST /api/answer': async (request, response) => {
      const { id, result } = (await readJson(request)) as { id?: unknown; result?: unknown };
      if (!live) throw new HttpError(409, 'a recording cannot be answered');
      if ((typeof id !== 'number' && typeof id !== 'string') || typeof result !== 'object' || result === null) {
        throw new HttpError(400, 'expected {"id": <request id>, "result": {...}}');
      }
      if (!live.answer(id, result)) throw new HttpError(409, `request ${id} is no longer waiting (answered, or its deadline passed)`);
      json(response, { ok: true });
    },
    'POST /api/turn': async (request, response) => {
      const { text } = (await readJson(request)) as { text?: unknown };
      const controls = live?.controls;
      if (!controls || !view.feeding) throw new HttpError(409, 'no live session to start a turn in');
      if (typeof text !== 'string' || text.trim() === '') throw new HttpError(400, 'expected {"text": "…"}');
      json(response, await controls.startTurn(text));
    },
    'POST /api/call': async (request, response) => {
      const { method, params } = (await readJson(request)) as { method?: unknown; params?: unknown };
      const controls = live?.controls;
      if (!controls || !view.feeding) throw new HttpError(409, 'no live session to send to');
      if (typeof method !== 'string' || method === '') throw new HttpError(400, 'expected {"method": "…", "params": …}');
      try {
        json(response, { result: safe(await controls.call(method, params)) });
      } catch (error) {
        const dbgError = error instanceof DbgError ? error : undefined;
        json(response, { error: { code: dbgError?.code ?? 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) } });
      }
    },
  };

  const send = (stream: Stream) => {
    const now = state();
    const key = JSON.stringify({ ...now, now: undefined });
    if (key === stream.sent) return;
    stream.sent = key;
    const currentLists = lists();
    const listsKey = `${currentLists.methods.length}/${currentLists.threads.length}`;
    const withLists = listsKey === stream.listsSent ? now : { ...now, ...currentLists };
    stream.listsSent = listsKey;
    stream.response.write(`data: ${JSON.stringify(withLists)}\n\n`);
  };

  // One batched message per tick to each page, only when something changed.
  let dirty = false;
  const unsubscribe = view.onChange(() => {
    dirty = true;
  });
  const ticker = setInterval(() => {
    if (!dirty || streams.size === 0) return;
    dirty = false;
    for (const stream of streams) send(stream);
  }, TICK_MS);
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.response.write(': still here\n\n');
  }, 15_000);
  ticker.unref();
  heartbeat.unref();

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    Promise.resolve()
      .then(() => {
        admit(request, url);
        const route = routes[`${request.method === 'HEAD' ? 'GET' : request.method} ${url.pathname}`];
        if (!route) throw new HttpError(404, `nothing at ${url.pathname}`);
        return route(request, response, url);
      })
      .catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        const message = error instanceof Error ? error.message : String(error);
        if (response.headersSent) return void response.destroy();
        response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
        response.end(`${message}\n`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new DbgError('E_USAGE', `the inspector could not listen on 127.0.0.1: ${error.code ?? error.message}`)));
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  // Cookies ignore the port: one name per inspector, so two running at once do not overwrite each other's token.
  cookieName = `codex-dbg-ui-${port}`;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    pages: () => streams.size,
    onPages: (listener) => void pageListeners.push(listener),
    async close() {
      clearInterval(ticker);
      clearInterval(heartbeat);
      unsubscribe();
      // Tell open pages the session is over before the stream ends.
      for (const stream of streams) {
        send(stream);
        stream.response.end();
      }
      streams.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A moment for the last stream data to leave, then drop every socket: a browser keeps connections it
      // opened ahead of time and never used, which would hold the server open until its header timeout.
      await Promise.race([closed, sleep(CLOSE_GRACE_MS)]);
      server.closeAllConnections();
      await closed;
    },
  };
}

function cookies(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the request body is not JSON');
  }
}

function lowerBound(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function* range(from: number, to: number): Iterable<number> {
  for (let n = from; n < to; n++) yield n;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function pageHtml(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>codex-dbg inspector: ${escapeHtml(title)}</title>
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body><div id="app"></div></body>
</html>
`;
}
