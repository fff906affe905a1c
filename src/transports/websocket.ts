// A running app-server reached over WebSocket: `--listen ws://IP:PORT`, or the Unix control socket
// (`--listen unix://PATH`), which speaks the same WebSocket over the socket. One JSON-RPC message per text
// frame, no newline. The `ws` library does the protocol on Node, Deno, Bun and in the standalone binary
// alike; it sends no Origin header (codex refuses any request with one) and we offer no subprotocol (codex
// selects none, and `ws` would then fail the handshake). The server never pings, so we do: a peer that
// stops answering (a dead network, `codex app-server proxy` whose server went away) is noticed.
import WebSocket from 'ws';
import { DbgError } from '../core/errors.ts';
import type { CloseInfo, Transport, TransportEvents } from '../core/transport.ts';
import type { BearerSource } from './bearer.ts';
import { httpBase, socketTarget, type Endpoint } from './endpoint.ts';
import { httpGet, reach, socketErrorText } from './probe.ts';

export interface WebSocketOptions {
  endpoint: Endpoint;
  bearer?: BearerSource;
  /** Largest message accepted; a larger one closes the connection (1009), as the protocol has no way to skip a frame. */
  maxMessageBytes: number;
  handshakeTimeoutMs?: number;
  /** How often to ping; a peer that has not answered the previous ping by then is taken as dead. 0: never. */
  pingIntervalMs?: number;
  /** Lines that help explain a close, for example the stderr tail of a server we spawned. */
  diagnose?: () => string[];
}

/** The server answered the handshake with an HTTP status (401, 403, …) instead of switching to WebSocket. */
export class HandshakeRefused extends DbgError {
  constructor(
    message: string,
    readonly status: number,
    /** The server's plain-text reason, such as "invalid websocket bearer token". */
    readonly body: string,
  ) {
    super(status === 401 || status === 403 ? 'E_AUTH' : 'E_CONNECT', message);
  }
}

const DEFAULT_PING_MS = 15_000;
const DEFAULT_HANDSHAKE_MS = 10_000;
const NORMAL_CLOSURE = 1000;

export class WebSocketTransport implements Transport {
  private socket: WebSocket | undefined;
  private ended: CloseInfo | undefined;
  private closed: Promise<CloseInfo> | undefined;
  private stopping = false;
  private failure: string | undefined;
  private paused = false;

  constructor(private readonly options: WebSocketOptions) {}

  get peer(): string {
    return this.options.endpoint.display;
  }

  start(events: TransportEvents): Promise<void> {
    const { endpoint, bearer } = this.options;
    const address = endpoint.kind === 'unix' ? `ws+unix://${socketTarget(endpoint.path)}:/` : endpoint.url;
    const socket = new WebSocket(address, {
      headers: bearer ? { Authorization: bearer.header() } : {},
      maxPayload: this.options.maxMessageBytes,
      handshakeTimeout: this.options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_MS,
      perMessageDeflate: false,
      followRedirects: false,
    });
    this.socket = socket;

    // Settled once: after a refusal, terminate() makes `ws` report one more error that must not count.
    let settled = false;
    const opened = new Promise<void>((resolve, reject) => {
      const fail = (error: DbgError) => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      socket.once('open', () => {
        settled = true;
        resolve();
      });
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (body.length < 1024) body += chunk;
        });
        response.on('end', () => {
          fail(this.refused(response.statusCode ?? 0, body.trim()));
          socket.terminate();
        });
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        if (settled) return;
        this.unreachable(error).then(fail);
      });
    });

    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        events.problem(`ignored a binary frame of ${data.length} bytes from ${this.peer} (the protocol is text frames)`);
        return;
      }
      events.message(data.toString('utf8'), data);
    });
    socket.on('error', (error: Error) => {
      this.failure ??= error.message;
    });
    this.closed = new Promise((resolve) => {
      socket.once('close', (code: number, reason: Buffer) => {
        this.ended = this.closeInfo(code, reason.toString('utf8'));
        events.close(this.ended);
        resolve(this.ended);
      });
    });
    return opened.then(() => this.keepAlive(socket));
  }

  send(text: string): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new DbgError('E_CLOSED', `the connection to ${this.peer} is closed`));
    }
    return new Promise((resolve, reject) => {
      socket.send(text, (error) => (error ? reject(new DbgError('E_CLOSED', `could not send to ${this.peer}: ${error.message}`)) : resolve()));
    });
  }

  /** Stops reading frames; TCP flow control then slows the server down. */
  pause(): void {
    this.paused = true;
    this.socket?.pause();
  }

  resume(): void {
    this.paused = false;
    this.socket?.resume();
  }

  /** A close frame, then the socket is dropped after graceMs if the server has not closed it by then. */
  async close(graceMs = 2000): Promise<CloseInfo> {
    const { socket, closed } = this;
    if (this.ended) return this.ended;
    if (!socket || !closed) return { reason: 'stopped', message: `the connection to ${this.peer} was never opened`, details: [], facts: {} };
    this.stopping = true;
    if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    else socket.close(NORMAL_CLOSURE, 'codex-dbg is done');
    const timer = setTimeout(() => socket.terminate(), graceMs);
    const info = await closed;
    clearTimeout(timer);
    return info;
  }

  /** Pings on an interval; a ping still unanswered at the next one means the peer is gone. */
  private keepAlive(socket: WebSocket): void {
    const interval = this.options.pingIntervalMs ?? DEFAULT_PING_MS;
    if (interval <= 0) return;
    let answered = true;
    socket.on('pong', () => {
      answered = true;
    });
    // A frame of any kind proves the peer is there (a pong can queue behind a stream of frames).
    socket.on('message', () => {
      answered = true;
    });
    const timer = setInterval(() => {
      // While we hold reading back, its pong cannot reach us: that is not the peer's fault.
      if (this.paused) return;
      if (!answered) {
        this.failure = `no answer to a ping within ${interval / 1000} s: the connection is dead (codex-dbg dropped it)`;
        socket.terminate();
        return;
      }
      answered = false;
      socket.ping();
    }, interval);
    timer.unref?.();
    socket.once('close', () => clearInterval(timer));
  }

  private closeInfo(code: number, reason: string): CloseInfo {
    const details = this.options.diagnose?.() ?? [];
    const facts = { code, ...(reason ? { closeReason: reason } : {}) };
    if (this.stopping) return { reason: 'stopped', message: `the connection to ${this.peer} was closed by codex-dbg`, details, facts };
    const why = reason ? `: ${reason}` : code === 1006 ? ' (no close frame: the server went away or the connection broke)' : '';
    if (this.failure && code === 1006) {
      return { reason: 'error', message: `the connection to ${this.peer} failed: ${this.failure}`, details, facts: { ...facts, error: this.failure } };
    }
    return { reason: 'closed', message: `the connection to ${this.peer} closed with code ${code}${why}`, details, facts };
  }

  /** A handshake the server answered with an HTTP status instead of switching to WebSocket. */
  private refused(status: number, body: string): HandshakeRefused {
    const { bearer } = this.options;
    const quoted = body ? `"${body}"` : '(no reason given)';
    if (status === 401) {
      const fix = bearer
        ? `${bearer.describe} was refused; check ${bearer.flag}`
        : `the server requires a bearer token: give a capability token with --token-file <file> or $CODEX_DBG_TOKEN, or a signing secret with --jwt-secret-file <file>`;
      return new HandshakeRefused(`${this.peer} refused the connection (401 ${quoted}): ${fix}`, status, body);
    }
    if (status === 403) {
      return new HandshakeRefused(
        `${this.peer} refused the connection (403): codex app-server refuses every request that carries an Origin header (so that browsers cannot connect); codex-dbg sends none, so a proxy in between must be adding one`,
        status,
        body,
      );
    }
    return new HandshakeRefused(`${this.peer} answered HTTP ${status} ${quoted} instead of a WebSocket upgrade: is it a codex app-server?`, status, body);
  }

  /** A handshake that never got an HTTP answer: says whether anything listens there at all. */
  private async unreachable(error: NodeJS.ErrnoException): Promise<DbgError> {
    const { endpoint } = this.options;
    const code = error.code ?? '';
    if (endpoint.kind === 'unix') {
      const start = `codex app-server --listen unix://${endpoint.path}`;
      if (code === 'ENOENT') return new DbgError('E_CONNECT', `no control socket at ${endpoint.path}: no server listens there; start one with \`${start}\``, { cause: error });
      if (code === 'ECONNREFUSED') {
        return new DbgError(
          'E_CONNECT',
          `stale control socket at ${endpoint.path}: the file is there but no server is behind it (a server that was killed leaves it); start one with \`${start}\`, which replaces it`,
          { cause: error },
        );
      }
      return new DbgError('E_CONNECT', `could not connect to ${this.peer}: ${socketErrorText(code || error.message)}`, { cause: error });
    }
    if (code === 'ECONNREFUSED') {
      return new DbgError(
        'E_CONNECT',
        `could not connect to ${this.peer}: nothing listens on ${endpoint.host}:${endpoint.port} (connection refused); start a server with \`codex app-server --listen ws://${endpoint.host}:${endpoint.port}\``,
        { cause: error },
      );
    }
    const tcp = await reach({ host: endpoint.host, port: endpoint.port });
    if (!tcp.ok) return new DbgError('E_CONNECT', `could not connect to ${this.peer}: ${socketErrorText(tcp.code)}`, { cause: error });
    const ready = await httpGet(`${httpBase(endpoint)}/readyz`);
    const readyz =
      'status' in ready
        ? ready.status === 200
          ? '/readyz answers 200, so a codex app-server is there'
          : `/readyz answers ${ready.status}, so it is probably not a codex app-server`
        : `/readyz fails too (${socketErrorText(ready.error)})`;
    return new DbgError('E_CONNECT', `something listens at ${endpoint.host}:${endpoint.port} but the WebSocket handshake failed (${error.message}); ${readyz}`, {
      cause: error,
    });
  }
}
