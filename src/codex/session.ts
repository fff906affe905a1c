// The app-server conversation on top of a connection: the handshake, the active thread, threads started,
// resumed and listed, and turns (started, awaited until turn/completed, steered, interrupted). Each reply is checked
// for the fields read from it (loosely: everything else passes), so a server that answers in another shape
// gets an error that names the method and the field, not "Cannot read properties of undefined".
// Notifications it does not know are left alone: they pass on to the plugins and never stop a session.
import * as v from 'valibot';
import type { Connection } from '../core/connection.ts';
import { DbgError, usageError } from '../core/errors.ts';
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
  /** Date.now() when turn/start was answered. */
  startedAt: number;
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

/** What thread/resume says about a thread one attached to. */
export interface AttachedThread {
  id: string;
  /** `idle`, `active` (with its flags, such as waitingOnApproval), … */
  status: string;
}

/** How many of a thread's newest turns are searched for the one that was running when the connection dropped. */
const RECENT_TURNS = 10;

/** turn/completed for turns whose turn/start reply is not read yet; older ones are forgotten beyond this. */
const MAX_EARLY_TURNS = 100;

/** The fields read from each reply. */
const ThreadReply = v.looseObject({ thread: v.looseObject({ id: v.string() }) });
const TurnReply = v.looseObject({ turn: v.looseObject({ id: v.string() }) });
const ThreadListReply = v.looseObject({
  data: v.array(v.looseObject({ id: v.string() })),
  nextCursor: v.optional(v.nullable(v.string())),
});

function fieldPath(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).map((item, index) => (typeof item.key === 'number' ? `[${item.key}]` : `${index ? '.' : ''}${String(item.key)}`)).join('');
}

/** The reply's result checked against `schema`; an error naming the method and the field otherwise. */
function checked<S extends v.GenericSchema>(method: string, schema: S, result: unknown): v.InferOutput<S> {
  const parsed = v.safeParse(schema, result);
  if (parsed.success) return parsed.output;
  const issue = parsed.issues[0];
  const field = fieldPath(issue) || 'result';
  const problem = issue.received === 'undefined' ? `has no ${field}` : `has ${field} of the wrong type (expected ${issue.expected}, got ${issue.received})`;
  throw new DbgError('E_PROTOCOL', `the server's reply to ${method} ${problem}; is this codex speaking another version of the protocol?`);
}

export class Session {
  threadId: string | undefined;
  readonly knownThreads: string[] = [];
  running: RunningTurn | undefined;
  /** Where `:threads more` goes on from; null when the last page was reached. */
  listCursor: string | null | undefined;
  private readonly waiters = new Map<string, (turn: Turn) => void>();
  private readonly finished = new Map<string, Turn>();

  constructor(
    private connection: Connection,
    private readonly threadParams: ThreadParams = {},
  ) {}

  /** Goes on over a new connection to the same server (after a reconnect); initialize it before use. */
  rebind(connection: Connection): void {
    this.connection = connection;
  }

  async initialize(clientInfo: ClientInfo, capabilities: Capabilities): Promise<unknown> {
    const result = await this.connection.request('initialize', { clientInfo, capabilities });
    await this.connection.notify('initialized');
    return result;
  }

  /** Feed every server notification here. */
  handleNotification(notification: NotificationMessage): void {
    if (notification.method !== 'turn/completed') return;
    const turn = (notification.params as { turn?: Turn } | null | undefined)?.turn;
    if (typeof turn?.id !== 'string') return;
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
    const result = checked('thread/start', ThreadReply, await this.connection.request('thread/start', { ...this.threadParams, ...extra }));
    return this.use(result.thread.id);
  }

  async resumeThread(threadId: string, extra: ThreadParams = {}): Promise<string> {
    const result = checked('thread/resume', ThreadReply, await this.connection.request('thread/resume', { ...this.threadParams, ...extra, threadId }));
    return this.use(result.thread.id);
  }

  /**
   * Subscribes to a thread another client may be running, without replaying its turns and without
   * changing its settings (no approval policy, sandbox or model sent). Its events come from here on;
   * a server request still pending on it is sent again.
   */
  async attachThread(threadId: string): Promise<AttachedThread> {
    const result = (await this.connection.request('thread/resume', { threadId, excludeTurns: true })) as {
      thread: { id: string; status?: { type?: string; activeFlags?: string[] } };
    };
    this.use(result.thread.id);
    const status = result.thread.status;
    const flags = status?.activeFlags?.length ? ` (${status.activeFlags.join(', ')})` : '';
    return { id: result.thread.id, status: `${status?.type ?? 'unknown'}${flags}` };
  }

  /** The threads the server has loaded (live ones, of any client). */
  async loadedThreads(): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await this.connection.request('thread/loaded/list', cursor ? { cursor } : {})) as { data: string[]; nextCursor?: string | null };
      ids.push(...page.data);
      cursor = page.nextCursor ?? null;
    } while (cursor);
    for (const id of ids) this.remember(id);
    return ids;
  }

  /**
   * After a reconnect: subscribes to the active thread again and, if a turn was running, learns from the
   * thread's newest turns whether it ended while we were away (its turn/completed is lost then). The
   * caller says what happened, then calls `finish`, which settles a turn that ended.
   */
  async recover(): Promise<{ thread?: AttachedThread; turn?: { id: string; status: string }; finish(): void }> {
    const nothing = () => {};
    if (!this.threadId) return { finish: nothing };
    const thread = await this.attachThread(this.threadId);
    const running = this.running;
    if (!running) return { thread, finish: nothing };
    const page = (await this.connection.request('thread/turns/list', { threadId: running.threadId, limit: RECENT_TURNS, itemsView: 'notLoaded' })) as {
      data: Turn[];
    };
    // A server that restarted may not know the turn at all: it is over for us too.
    const turn = page.data.find((candidate) => candidate.id === running.turnId) ?? {
      id: running.turnId,
      status: 'failed',
      error: { message: 'the server no longer knows this turn (it restarted while the connection was down)' },
    };
    const ended = turn.status !== 'inProgress';
    return {
      thread,
      turn: { id: running.turnId, status: turn.status },
      finish: ended ? () => this.handleNotification({ method: 'turn/completed', params: { threadId: running.threadId, turn } }) : nothing,
    };
  }

  /** One page of threads; pass `next: true` to go on from the previous page. */
  async listThreads(next = false): Promise<{ data: ThreadSummary[]; nextCursor: string | null }> {
    const cursor = next ? this.listCursor : undefined;
    if (next && cursor === null) return { data: [], nextCursor: null };
    const result = checked('thread/list', ThreadListReply, await this.connection.request('thread/list', cursor ? { cursor } : {}));
    this.listCursor = result.nextCursor ?? null;
    for (const thread of result.data) this.remember(thread.id);
    return { data: result.data as ThreadSummary[], nextCursor: this.listCursor };
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
    const reply = await this.connection.request('turn/start', { threadId, input: textInput(text), ...extra });
    const turnId = checked('turn/start', TurnReply, reply).turn.id;
    const done = new Promise<Turn>((resolve) => {
      const early = this.finished.get(turnId);
      if (early) {
        this.finished.delete(turnId);
        resolve(early);
      } else {
        this.waiters.set(turnId, resolve);
      }
    });
    const running: RunningTurn = { threadId, turnId, startedAt: Date.now(), done };
    this.running = running;
    done.then(() => {
      if (this.running === running) this.running = undefined;
    });
    return running;
  }

  /** Adds input to the running turn (turn/steer); the server checks it is still that turn. */
  async steer(text: string): Promise<RunningTurn> {
    const running = this.running;
    if (!running) throw usageError('no turn is running to steer');
    await this.connection.request('turn/steer', { threadId: running.threadId, expectedTurnId: running.turnId, input: textInput(text) });
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

/** A line of text as the protocol's UserInput list. */
function textInput(text: string): unknown[] {
  return [{ type: 'text', text, text_elements: [] }];
}
