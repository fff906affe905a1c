// The inspector's side of a live session, whatever the transport: it takes the session's record as it
// happens (the same calls a recording gets: each message, each server stderr line, each codex-dbg event),
// keeps the server requests the `ui` plugin hands to the browser until someone clicks, and lets the page
// start a turn or send any method through controls the command supplies.
import type { RequestId } from '../core/messages.ts';
import type { RecordedTraffic, RecordSink } from '../recording/recorder.ts';
import { MemoryBodies } from './bodies.ts';
import { SessionView } from './session-view.ts';

/** What the page can do to a live session; the command that runs it supplies this. */
export interface LiveControls {
  /** Starts a turn on the active thread (starting a thread first if there is none). */
  startTurn(text: string): Promise<{ threadId: string; turnId: string }>;
  /** Sends any client request; resolves with its result, rejects with its error. */
  call(method: string, params: unknown): Promise<unknown>;
}

/** A server request waiting for the browser. */
export interface PendingRequest {
  id: RequestId;
  method: string;
  params: unknown;
  /** The item it is about (a command, a file change with its diff), when seen. */
  item?: Record<string, unknown>;
  /** What the safe default would answer: the page starts its reply editor from it. */
  suggestion?: unknown;
  /** When it reached the browser's queue, ms since the session started. */
  at: number;
  /** When the deadline passes and the safe default answers, ms since the session started (none: no deadline). */
  deadline?: number;
}

interface Waiter extends PendingRequest {
  resolve(result: unknown): void;
}

/** Rows a live session keeps for the page; older ones are dropped (a --record file keeps everything). */
export const LIVE_MAX_ROWS = 250_000;

export class LiveFeed implements RecordSink {
  readonly view: SessionView<string>;
  controls: LiveControls | undefined;
  /** Bumped when a request joins or leaves the browser's queue. */
  pendingVersion = 0;
  private readonly waiting = new Map<string, Waiter>();
  private readonly startedAt = performance.now();

  /** `sends`: the page may start turns and send methods (once the command supplies controls); false for a tap, which only looks. */
  constructor(title: string, keepSecrets: boolean, maxRows = LIVE_MAX_ROWS, readonly sends = true) {
    this.view = new SessionView({ mode: 'live', title, keepSecrets }, new MemoryBodies(), maxRows);
  }

  private now(): number {
    return Math.round((performance.now() - this.startedAt) * 10) / 10;
  }

  message({ direction, message, line }: RecordedTraffic): void {
    this.view.addMessage(this.now(), direction, message as Record<string, unknown>, Buffer.byteLength(line), line);
  }

  stderr(line: string): void {
    this.view.addStderr(this.now(), line, line);
  }

  event(event: string, detail: Record<string, unknown> = {}): void {
    const text = JSON.stringify({ event, ...detail });
    this.view.addEvent(this.now(), event, detail, text.length, text);
  }

  /** The session is over: the page says so, and nobody can answer any more. */
  end(why?: string): void {
    for (const waiter of this.waiting.values()) waiter.resolve(undefined);
    this.waiting.clear();
    this.pendingVersion++;
    this.view.end(why);
  }

  /** Queues a server request for the browser; resolves with the browser's result, or undefined when it is withdrawn. */
  ask(request: Omit<PendingRequest, 'at' | 'deadline'>, deadlineMs: number, signal: AbortSignal): Promise<unknown> {
    if (!this.view.feeding) return Promise.resolve(undefined);
    const key = String(request.id);
    return new Promise((resolve) => {
      const at = this.now();
      const withdraw = () => {
        if (this.waiting.get(key)?.resolve !== settle) return;
        this.waiting.delete(key);
        this.pendingVersion++;
        this.view.changed();
        resolve(undefined);
      };
      const settle = (result: unknown) => {
        signal.removeEventListener('abort', withdraw);
        resolve(result);
      };
      this.waiting.set(key, { ...request, at, deadline: deadlineMs > 0 ? at + deadlineMs : undefined, resolve: settle });
      signal.addEventListener('abort', withdraw, { once: true });
      this.pendingVersion++;
      this.view.changed();
    });
  }

  /** The browser's answer to a queued request; false when it is no longer waiting (answered, timed out). */
  answer(id: RequestId, result: unknown): boolean {
    const key = String(id);
    const waiter = this.waiting.get(key);
    if (!waiter) return false;
    this.waiting.delete(key);
    this.pendingVersion++;
    waiter.resolve(result);
    this.view.changed();
    return true;
  }

  pending(): PendingRequest[] {
    return [...this.waiting.values()].map(({ resolve: _resolve, ...request }) => request);
  }

  elapsed(): number {
    return this.now();
  }
}
