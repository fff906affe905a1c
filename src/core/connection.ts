// JSON-RPC over a transport: our ids and the pending map, per-request timeouts, typed error replies,
// retry of "overloaded" (-32001) with backoff and jitter, and one reply to every server request.
// When the transport closes, everything still pending is rejected with how it ended.
import { DbgError, RpcError, type ErrorCode } from './errors.ts';
import { decodeLine, preview, type ErrorObject, type Message, type MessageKind, type NotificationMessage, type RequestId, type RequestMessage } from './messages.ts';
import type { CloseInfo, Transport } from './transport.ts';

export const OVERLOADED = -32001;
export const METHOD_NOT_FOUND = -32601;
export const INTERNAL_ERROR = -32603;

export interface TrafficEntry {
  direction: 'in' | 'out';
  kind: MessageKind;
  message: Message;
  /** The message's text exactly as it crossed the transport (for a line transport, without its newline). */
  line: string;
  /** The bytes as received, when the transport has them (incoming only). */
  bytes?: Uint8Array;
  /** Milliseconds since the connection was made. */
  at: number;
}

export type Reply = { result: unknown } | { error: ErrorObject };

export interface ConnectionOptions {
  requestTimeoutMs: number;
  overloadRetries?: number;
  overloadBaseDelayMs?: number;
  /** Must settle; whatever it resolves to is sent as the reply. A rejection becomes a -32603 reply. */
  onServerRequest: (request: RequestMessage) => Promise<Reply>;
  onNotification?: (notification: NotificationMessage) => void;
  onTraffic?: (entry: TrafficEntry) => void;
  /** Something odd that is reported, not thrown: a bad line, a reply nobody waits for. */
  onProblem?: (text: string) => void;
}

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export interface RequestOptions {
  timeoutMs?: number;
}

/** Ids of requests that timed out, kept to name a late reply; the oldest are forgotten beyond this. */
const MAX_TIMED_OUT = 1000;

export class Connection {
  /** Resolves once the transport has closed, with how it ended. */
  readonly closed: Promise<CloseInfo>;
  private nextId = 1;
  private readonly pending = new Map<RequestId, Pending>();
  private readonly timedOut = new Map<RequestId, string>();
  private readonly startedAt = performance.now();
  private closedWith: CloseInfo | undefined;
  private arrivedAt: number | undefined;
  private markClosed: (info: CloseInfo) => void = () => {};

  constructor(
    readonly transport: Transport,
    private readonly options: ConnectionOptions,
  ) {
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve;
    });
  }

  /** Starts the transport; messages flow from here on. */
  start(): Promise<void> {
    return this.transport.start({
      message: (text, bytes) => this.receive(text, bytes),
      problem: (text) => this.options.onProblem?.(text),
      close: (info) => this.close(info),
    });
  }

  elapsed(): number {
    return performance.now() - this.startedAt;
  }

  /** One clock reading per read from the pipe: every line in it arrived at the same moment. */
  private arrivalTime(): number {
    if (this.arrivedAt === undefined) {
      this.arrivedAt = this.elapsed();
      queueMicrotask(() => {
        this.arrivedAt = undefined;
      });
    }
    return this.arrivedAt;
  }

  /** Sends a request and resolves with its result; retries while the server says it is overloaded. */
  async request(method: string, params?: unknown, options: RequestOptions = {}): Promise<unknown> {
    const retries = this.options.overloadRetries ?? 4;
    const baseDelay = this.options.overloadBaseDelayMs ?? 100;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.requestOnce(method, params, options);
      } catch (error) {
        if (!(error instanceof RpcError) || error.rpcCode !== OVERLOADED || attempt >= retries) throw error;
        const delay = baseDelay * 2 ** attempt * (0.5 + Math.random());
        this.options.onProblem?.(`${method}: server overloaded, retry ${attempt + 1} of ${retries} in ${Math.round(delay)} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  notify(method: string, params?: unknown): Promise<void> {
    const message: NotificationMessage = params === undefined ? { method } : { method, params };
    return this.send('notification', message);
  }

  private requestOnce(method: string, params: unknown, options: RequestOptions): Promise<unknown> {
    if (this.closedWith) return Promise.reject(closeError(this.closedWith, `while waiting for a reply to ${method}`));
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.timedOut.set(id, method);
        if (this.timedOut.size > MAX_TIMED_OUT) this.timedOut.delete(this.timedOut.keys().next().value as RequestId);
        reject(
          new DbgError(
            'E_TIMEOUT',
            `no reply to ${method} (id ${id}) within ${timeoutMs} ms; the server sends nothing back for a method it does not know`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      const message: RequestMessage = params === undefined ? { id, method } : { id, method, params };
      this.send('request', message).catch((error) => {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(error);
      });
    });
  }

  private async send(kind: MessageKind, message: Message): Promise<void> {
    const line = JSON.stringify(message);
    this.options.onTraffic?.({ direction: 'out', kind, message, line, at: this.elapsed() });
    await this.transport.send(line);
  }

  private receive(line: string, bytes?: Uint8Array): void {
    if (line.trim() === '') return;
    const decoded = decodeLine(line);
    if (!decoded.ok) {
      this.options.onProblem?.(`skipped a server line: ${decoded.reason}: ${preview(line)}`);
      return;
    }
    const { kind, message } = decoded.value;
    this.options.onTraffic?.({ direction: 'in', kind, message, line, bytes, at: this.arrivalTime() });
    switch (kind) {
      case 'response':
        return this.settle(message.id, (p) => p.resolve(message.result));
      case 'error':
        if (message.id === null) {
          this.options.onProblem?.(`server error without an id: ${message.error.message} (code ${message.error.code})`);
          return;
        }
        return this.settle(message.id, (p) => p.reject(new RpcError(p.method, message.error)));
      case 'notification':
        this.options.onNotification?.(message);
        return;
      case 'request':
        this.answer(message);
        return;
    }
  }

  private settle(id: RequestId, action: (pending: Pending) => void): void {
    const pending = this.pending.get(id);
    if (!pending) {
      const late = this.timedOut.get(id);
      this.timedOut.delete(id);
      this.options.onProblem?.(
        late ? `late reply to ${late} (id ${id}) after it timed out` : `reply to unknown request id ${JSON.stringify(id)}`,
      );
      return;
    }
    clearTimeout(pending.timer);
    this.pending.delete(id);
    action(pending);
  }

  private answer(request: RequestMessage): void {
    this.options
      .onServerRequest(request)
      .catch((error: unknown): Reply => ({
        error: { code: INTERNAL_ERROR, message: error instanceof Error ? error.message : String(error) },
      }))
      .then((reply) => {
        if (this.closedWith) return;
        const message = 'error' in reply ? { id: request.id, error: reply.error } : { id: request.id, result: reply.result };
        return this.send('error' in reply ? 'error' : 'response', message);
      })
      .catch((error: unknown) => this.options.onProblem?.(`could not answer ${request.method}: ${String(error)}`));
  }

  private close(info: CloseInfo): void {
    if (this.closedWith) return;
    this.closedWith = info;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(closeError(info, `while waiting for a reply to ${pending.method}`));
      this.pending.delete(id);
    }
    this.markClosed(info);
  }
}

/** "codex app-server exited with code 1 <when>", with the transport's diagnosis (the server's last stderr lines) as details. */
export function closeError(info: CloseInfo, when = '', exitCode?: number): DbgError {
  const code: ErrorCode = info.reason === 'exited' ? 'E_SERVER_EXITED' : 'E_CLOSED';
  return new DbgError(code, `${info.message}${when ? ` ${when}` : ''}`, { exitCode, details: info.details });
}
