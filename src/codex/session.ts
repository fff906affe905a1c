// The app-server conversation on top of a connection: the handshake, the active thread, threads started,
// resumed and listed, and turns (started, awaited until turn/completed, interrupted).
import type { Connection } from '../core/connection.ts';
import { usageError } from '../core/errors.ts';
import type { NotificationMessage } from '../core/messages.ts';
import type { Capabilities } from './protocol.ts';

export interface ClientInfo {
  name: string;
  title: string | null;
  version: string;
}

export interface Turn {
  id: string;
  status: 'completed' | 'interrupted' | 'failed' | 'inProgress';
  error?: { message?: string } | null;
  durationMs?: number | null;
  [extra: string]: unknown;
}

export interface RunningTurn {
  threadId: string;
  turnId: string;
  /** Resolves with the turn as turn/completed reported it. */
  done: Promise<Turn>;
}

export interface ThreadSummary {
  id: string;
  preview?: string;
  updatedAt?: number;
  [extra: string]: unknown;
}

/** Fields from the command line applied to thread/start and thread/resume. */
export type ThreadParams = Record<string, unknown>;

/** turn/completed for turns whose turn/start reply is not read yet; older ones are forgotten beyond this. */
const MAX_EARLY_TURNS = 100;

export class Session {
  threadId: string | undefined;
  readonly knownThreads: string[] = [];
  running: RunningTurn | undefined;
  /** Where `:threads more` goes on from; null when the last page was reached. */
  listCursor: string | null | undefined;
  private readonly waiters = new Map<string, (turn: Turn) => void>();
  private readonly finished = new Map<string, Turn>();

  constructor(
    private readonly connection: Connection,
    private readonly threadParams: ThreadParams = {},
  ) {}

  async initialize(clientInfo: ClientInfo, capabilities: Capabilities): Promise<unknown> {
    const result = await this.connection.request('initialize', { clientInfo, capabilities });
    await this.connection.notify('initialized');
    return result;
  }

  /** Feed every server notification here. */
  handleNotification(notification: NotificationMessage): void {
    if (notification.method !== 'turn/completed') return;
    const turn = (notification.params as { turn?: Turn } | undefined)?.turn;
    if (!turn?.id) return;
    const waiter = this.waiters.get(turn.id);
    if (waiter) {
      this.waiters.delete(turn.id);
      waiter(turn);
    } else {
      // turn/completed can arrive before we have read the turn/start reply's id (or be another client's turn).
      this.finished.set(turn.id, turn);
      if (this.finished.size > MAX_EARLY_TURNS) this.finished.delete(this.finished.keys().next().value as string);
    }
    if (this.running?.turnId === turn.id) this.running = undefined;
  }

  async startThread(extra: ThreadParams = {}): Promise<string> {
    const result = (await this.connection.request('thread/start', { ...this.threadParams, ...extra })) as { thread: { id: string } };
    return this.use(result.thread.id);
  }

  async resumeThread(threadId: string, extra: ThreadParams = {}): Promise<string> {
    const result = (await this.connection.request('thread/resume', { ...this.threadParams, ...extra, threadId })) as {
      thread: { id: string };
    };
    return this.use(result.thread.id);
  }

  /** One page of threads; pass `next: true` to go on from the previous page. */
  async listThreads(next = false): Promise<{ data: ThreadSummary[]; nextCursor: string | null }> {
    const cursor = next ? this.listCursor : undefined;
    if (next && cursor === null) return { data: [], nextCursor: null };
    const result = (await this.connection.request('thread/list', cursor ? { cursor } : {})) as {
      data: ThreadSummary[];
      nextCursor?: string | null;
    };
    this.listCursor = result.nextCursor ?? null;
    for (const thread of result.data) this.remember(thread.id);
    return { data: result.data, nextCursor: this.listCursor };
  }

  /** Makes a thread active without asking the server; returns whether it was seen in this session. */
  useThread(threadId: string): boolean {
    const known = this.knownThreads.includes(threadId);
    this.use(threadId);
    return known;
  }

  async startTurn(text: string, extra: Record<string, unknown> = {}): Promise<RunningTurn> {
    const threadId = this.threadId;
    if (!threadId) throw usageError('no active thread: start one with :new or pick one with :resume <id>');
    const result = (await this.connection.request('turn/start', {
      threadId,
      input: [{ type: 'text', text, text_elements: [] }],
      ...extra,
    })) as { turn: Turn };
    const turnId = result.turn.id;
    const done = new Promise<Turn>((resolve) => {
      const early = this.finished.get(turnId);
      if (early) {
        this.finished.delete(turnId);
        resolve(early);
      } else {
        this.waiters.set(turnId, resolve);
      }
    });
    const running: RunningTurn = { threadId, turnId, done };
    this.running = running;
    done.then(() => {
      if (this.running === running) this.running = undefined;
    });
    return running;
  }

  /** Asks the server to stop the running turn; false when none runs. */
  async interrupt(): Promise<boolean> {
    const running = this.running;
    if (!running) return false;
    await this.connection.request('turn/interrupt', { threadId: running.threadId, turnId: running.turnId });
    return true;
  }

  private use(threadId: string): string {
    this.threadId = threadId;
    this.remember(threadId);
    return threadId;
  }

  private remember(threadId: string): void {
    if (!this.knownThreads.includes(threadId)) this.knownThreads.push(threadId);
  }
}
