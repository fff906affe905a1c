// JSON-RPC over a transport: our ids and the pending map, per-request timeouts, typed error replies,
// retry of "overloaded" (-32001) with backoff and jitter, and one reply to every server request, with its
// id exactly as the server wrote it, whatever the handler returns. When the transport closes, everything
// still pending is rejected with how it ended. An observer that throws is reported, never fatal.
import { DbgError, RpcError, type ErrorCode } from './errors.ts';
import { toJson, toJsonText } from './json.ts';
import { decodeLine, preview, rawMember, type Decoded, type ErrorObject, type Message, type MessageKind, type NotificationMessage, type RequestId, type RequestMessage } from './messages.ts';
import { sleep, startTimer } from './timers.ts';
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
  /** Must settle; whatever it resolves to is sent as the reply. A rejection, or a reply that is not JSON, becomes a -32603 reply. */
  onServerRequest: (request: RequestMessage) => Promise<Reply>;
  /** Server requests are seen (onTraffic) but never answered: another client on the same server answers them. */
  observeOnly?: boolean;
  onNotification?: (notification: NotificationMessage) => void;
  onTraffic?: (entry: TrafficEntry) => void;
  /** Something odd that is reported, not thrown: a bad line, a reply nobody waits for. */
  onProblem?: (text: string) => void;
}

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
  cancelTimer(): void;
}

export interface RequestOptions {
  timeoutMs?: number;
}

/** Ids of requests that timed out, kept to name a late reply; the oldest are forgotten beyond this. */
const MAX_TIMED_OUT = 1000;
/** Distinct observer failures reported; past this they are only counted. */
const MAX_OBSERVER_REPORTS = 10;

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
  /** Server requests whose reply could not be sent (the transport was closing): one line at close says so. */
  private unanswered = { count: 0, first: '' };
  private readonly observerFailures = new Set<string>();

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
        await sleep(delay);
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
      const cancelTimer = startTimer(timeoutMs, () => {
        this.pending.delete(id);
        this.timedOut.set(id, method);
        if (this.timedOut.size > MAX_TIMED_OUT) this.timedOut.delete(this.timedOut.keys().next().value as RequestId);
        reject(
          new DbgError(
            'E_TIMEOUT',
            `no reply to ${method} (id ${id}) within ${timeoutMs} ms; the server sends nothing back for a method it does not know`,
          ),
        );
      });
      this.pending.set(id, { method, resolve, reject, cancelTimer });
      const message: RequestMessage = params === undefined ? { id, method } : { id, method, params };
      this.send('request', message).catch((error) => {
        cancelTimer();
        this.pending.delete(id);
        reject(error);
      });
    });
  }

  private send(kind: MessageKind, message: Message, line = toJsonText(message)): Promise<void> {
    this.observe({ direction: 'out', kind, message, line, at: this.elapsed() });
    return this.transport.send(line);
  }

  /** Hands traffic to the observer; one that throws (a recorder that cannot write) is reported, and the message still goes on. */
  private observe(entry: TrafficEntry): void {
    try {
      this.options.onTraffic?.(entry);
    } catch (error) {
      this.observerFailed(`a ${entry.direction === 'in' ? 'received' : 'sent'} ${entry.kind}`, error);
    }
  }

  private observerFailed(what: string, error: unknown): void {
    const text = error instanceof Error ? error.message : String(error);
    if (this.observerFailures.has(text) || this.observerFailures.size >= MAX_OBSERVER_REPORTS) return;
    this.observerFailures.add(text);
    this.options.onProblem?.(`could not handle ${what}: ${text}`);
  }

  private receive(line: string, bytes?: Uint8Array): void {
    if (line.trim() === '') return;
    const decoded = decodeLine(line);
    if (!decoded.ok) {
      this.options.onProblem?.(`skipped a server line: ${decoded.reason}: ${preview(line)}`);
      this.failMalformedReply(decoded);
      return;
    }
    const { kind, message } = decoded.value;
    this.observe({ direction: 'in', kind, message, line, bytes, at: this.arrivalTime() });
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
        try {
          this.options.onNotification?.(message);
        } catch (error) {
          this.observerFailed(`the notification ${message.method}`, error);
        }
        return;
      case 'request':
        if (!this.options.observeOnly) this.answer(message, line);
        return;
    }
  }

  /** A reply to one of our requests that is malformed (an error code that is not an integer) fails that request now, not at its timeout. */
  private failMalformedReply(decoded: Extract<Decoded, { ok: false }>): void {
    const value = decoded.value as { id?: unknown } | undefined;
    if (typeof value !== 'object' || value === null || !('result' in value || 'error' in value)) return;
    const id = value.id as RequestId;
    const pending = this.pending.get(id);
    if (!pending) return;
    pending.cancelTimer();
    this.pending.delete(id);
    pending.reject(new DbgError('E_RPC', `${pending.method} (id ${id}): the server's reply is malformed (${decoded.reason})`));
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
    pending.cancelTimer();
    this.pending.delete(id);
    action(pending);
  }

  /** Exactly one reply, whatever the handler does: a throw, a value that is not a reply, or one JSON cannot hold becomes -32603. */
  private answer(request: RequestMessage, line: string): void {
    // An id JSON.parse could not keep exactly (2^60, 1e400) goes back as the server wrote it.
    const idText = typeof request.id === 'number' && !Number.isSafeInteger(request.id) ? rawMember(line, 'id') : undefined;
    Promise.resolve()
      .then(() => this.options.onServerRequest(request))
      .catch((error: unknown): Reply => ({ error: { code: INTERNAL_ERROR, message: error instanceof Error ? error.message : String(error) } }))
      .then((reply) => {
        if (this.closedWith) return this.noteUnanswered(request, 'the server had gone');
        const { kind, message, text } = this.replyMessage(request, reply, idText);
        return this.send(kind, message, text);
      })
      .catch((error: unknown) => this.noteUnanswered(request, error instanceof Error ? error.message : String(error)));
  }

  private replyMessage(request: RequestMessage, reply: Reply, idText: string | undefined): { kind: MessageKind; message: Message; text: string } {
    const { id, method } = request;
    const idJson = idText ?? (toJson(id) as string);
    try {
      if (!isReply(reply)) throw new TypeError('the handler gave neither a result nor an error with an integer code and a message');
      const key = 'error' in reply ? 'error' : 'result';
      const value = 'error' in reply ? reply.error : reply.result;
      const body = toJsonText(value);
      const message: Message = 'error' in reply ? { id, error: reply.error } : { id, result: reply.result };
      return { kind: key === 'error' ? 'error' : 'response', message, text: `{"id":${idJson},"${key}":${body}}` };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      this.options.onProblem?.(`the reply to ${method} (id ${String(id)}) could not be sent as JSON (${why}); sent error -32603 instead`);
      const fallback: ErrorObject = { code: INTERNAL_ERROR, message: `codex-dbg could not send its reply as JSON: ${why}` };
      return { kind: 'error', message: { id, error: fallback }, text: `{"id":${idJson},"error":${JSON.stringify(fallback)}}` };
    }
  }

  private noteUnanswered(request: RequestMessage, why: string): void {
    if (this.unanswered.count++ === 0) this.unanswered.first = `${request.method} (id ${String(request.id)}): ${why}`;
  }

  private close(info: CloseInfo): void {
    if (this.closedWith) return;
    this.closedWith = info;
    for (const [id, pending] of this.pending) {
      pending.cancelTimer();
      pending.reject(closeError(info, `while waiting for a reply to ${pending.method}`));
      this.pending.delete(id);
    }
    const { count, first } = this.unanswered;
    if (count > 0) this.options.onProblem?.(`could not answer ${count} server request${count === 1 ? '' : 's'} while the connection was closing (the first: ${first})`);
    this.markClosed(info);
  }
}

function isReply(reply: unknown): reply is Reply {
  if (typeof reply !== 'object' || reply === null) return false;
  if (Object.hasOwn(reply, 'error')) {
    const error = (reply as { error: Partial<ErrorObject> | null }).error;
    return typeof error === 'object' && error !== null && Number.isInteger(error.code) && typeof error.message === 'string';
  }
  return Object.hasOwn(reply, 'result');
}

/** "codex app-server exited with code 1 <when>", with the transport's diagnosis (the server's last stderr lines) as details. */
export function closeError(info: CloseInfo, when = '', exitCode?: number): DbgError {
  const code: ErrorCode = info.reason === 'exited' ? 'E_SERVER_EXITED' : 'E_CLOSED';
  return new DbgError(code, `${info.message}${when ? ` ${when}` : ''}`, { exitCode, details: info.details });
}
