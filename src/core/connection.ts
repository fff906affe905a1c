// JSON-RPC over a line channel: our ids and the pending map, per-request timeouts, typed error replies,
// retry of "overloaded" (-32001) with backoff and jitter, and one reply to every server request.
// When the channel closes, everything still pending is rejected with the exit and the server's stderr tail.
import { DbgError, RpcError } from './errors.ts';
import { decodeLine, type ErrorObject, type Message, type MessageKind, type NotificationMessage, type RequestId, type RequestMessage } from './messages.ts';
import type { ExitInfo, LineChannel } from '../transports/stdio.ts';

export const OVERLOADED = -32001;
export const METHOD_NOT_FOUND = -32601;
export const INTERNAL_ERROR = -32603;

export interface TrafficEntry {
  direction: 'in' | 'out';
  kind: MessageKind;
  message: Message;
  /** The line exactly as it crossed the pipe, without its newline. */
  line: string;
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

export class Connection {
  private nextId = 1;
  private readonly pending = new Map<RequestId, Pending>();
  private readonly timedOut = new Map<RequestId, string>();
  private readonly startedAt = performance.now();
  private closedWith: ExitInfo | undefined;
  private arrivedAt: number | undefined;
  private readonly closeListeners: ((info: ExitInfo) => void)[] = [];

  constructor(
    private readonly channel: LineChannel,
    private readonly options: ConnectionOptions,
  ) {
    channel.onLine((line) => this.receive(line));
    channel.onClose((info) => this.closed(info));
  }

  get isClosed(): boolean {
    return this.closedWith !== undefined;
  }

  onClose(listener: (info: ExitInfo) => void): void {
    if (this.closedWith) listener(this.closedWith);
    else this.closeListeners.push(listener);
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
    if (this.closedWith) return Promise.reject(this.closedError(method, this.closedWith));
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.timedOut.set(id, method);
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
    await this.channel.write(`${line}\n`);
  }

  private receive(line: string): void {
    if (line.trim() === '') return;
    const decoded = decodeLine(line);
    if (!decoded.ok) {
      this.options.onProblem?.(`skipped a server line: ${decoded.reason}: ${preview(line)}`);
      return;
    }
    const { kind, message } = decoded.value;
    this.options.onTraffic?.({ direction: 'in', kind, message, line, at: this.arrivalTime() });
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

  private closed(info: ExitInfo): void {
    this.closedWith = info;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(this.closedError(pending.method, info));
      this.pending.delete(id);
    }
    for (const listener of this.closeListeners) listener(info);
  }

  private closedError(method: string, info: ExitInfo): DbgError {
    return serverExitError(info, `while waiting for a reply to ${method}`);
  }
}

/** "codex app-server was killed by SIGKILL <when>", with the last lines of its stderr as details. */
export function serverExitError(info: ExitInfo, when = '', exitCode?: number): DbgError {
  const how = info.closedStdout
    ? `closed its stdout while still running (codex-dbg stopped it)`
    : info.signal
      ? `was killed by ${info.signal}`
      : `exited with code ${info.code}`;
  return new DbgError('E_SERVER_EXITED', `codex app-server ${how}${when ? ` ${when}` : ''}`, {
    exitCode,
    details: info.stderrTail.slice(-20),
  });
}

function preview(line: string): string {
  return line.length > 200 ? `${line.slice(0, 200)}… (${line.length} chars)` : line;
}
