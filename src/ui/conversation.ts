// The conversation as a tree, built from the messages as they come: threads, their turns (status,
// duration, error) and each turn's items (agent text as it streams, reasoning, commands with their output
// and exit code, file changes with their diffs, tool calls). Each node keeps the row it started at, so the
// page can jump from the tree to the timeline.

type Loose = Record<string, any>; // biome-ignore lint: params are whatever the server sent

export interface TreeItem {
  id: string;
  row: number;
  type: string;
  status?: string;
  /** Agent, reasoning or plan text, streamed deltas joined; a command's output. */
  text: string;
  /** The item as item/completed (or item/started) gave it, streamed text left out. */
  item: Loose;
}

export interface TreeTurn {
  id: string;
  row: number;
  status: string;
  durationMs?: number;
  error?: string;
  items: TreeItem[];
}

export interface TreeThread {
  id: string;
  row: number;
  turns: TreeTurn[];
}

/** Streamed text kept per item; the rest is counted, not kept. */
const MAX_TEXT = 256 * 1024;

const TEXT_DELTAS: Record<string, true> = {
  'item/agentMessage/delta': true,
  'item/reasoning/summaryTextDelta': true,
  'item/reasoning/textDelta': true,
  'item/plan/delta': true,
  'item/commandExecution/outputDelta': true,
  'item/fileChange/outputDelta': true,
};

export class Conversation {
  readonly threads: TreeThread[] = [];
  /** Bumped on every change: the page fetches the tree again when it moves. */
  version = 0;
  private readonly threadsById = new Map<string, TreeThread>();
  private readonly turns = new Map<string, TreeTurn>();
  private readonly items = new Map<string, TreeItem>();
  private readonly dropped = new Map<TreeItem, number>();

  /** Feed every message, in order; `method` is the request's for a reply. */
  add(row: number, dir: 'in' | 'out', message: Loose, method: string | undefined): void {
    if (dir === 'in' && 'result' in message) {
      const id = message.result?.thread?.id;
      if (typeof id === 'string' && (method === 'thread/start' || method === 'thread/resume' || method === 'thread/fork')) this.thread(id, row);
      return;
    }
    if (dir !== 'in' || typeof message.method !== 'string' || 'id' in message) return;
    const params = (message.params ?? {}) as Loose;
    const name = message.method as string;
    if (TEXT_DELTAS[name]) return this.append(params.itemId, String(params.delta ?? ''));
    switch (name) {
      case 'thread/started':
        if (typeof params.thread?.id === 'string') this.thread(params.thread.id, row);
        return;
      case 'turn/started':
      case 'turn/completed':
        return this.updateTurn(params.threadId, params.turn ?? {}, row);
      case 'item/started':
      case 'item/completed':
        return this.updateItem(params.threadId, params.turnId, params.item ?? {}, row);
    }
  }

  private thread(id: string, row: number): TreeThread {
    let thread = this.threadsById.get(id);
    if (!thread) {
      thread = { id, row, turns: [] };
      this.threadsById.set(id, thread);
      this.threads.push(thread);
      this.version++;
    }
    return thread;
  }

  private turn(threadId: unknown, turnId: string, row: number): TreeTurn {
    let turn = this.turns.get(turnId);
    if (!turn) {
      turn = { id: turnId, row, status: 'inProgress', items: [] };
      this.turns.set(turnId, turn);
      this.thread(typeof threadId === 'string' ? threadId : '(unknown thread)', row).turns.push(turn);
    }
    return turn;
  }

  private updateTurn(threadId: unknown, given: Loose, row: number): void {
    if (typeof given.id !== 'string') return;
    const turn = this.turn(threadId, given.id, row);
    if (typeof given.status === 'string') turn.status = given.status;
    if (typeof given.durationMs === 'number') turn.durationMs = given.durationMs;
    if (given.error?.message) turn.error = String(given.error.message);
    this.version++;
  }

  private updateItem(threadId: unknown, turnId: unknown, given: Loose, row: number): void {
    if (typeof given.id !== 'string') return;
    let item = this.items.get(given.id);
    if (!item) {
      item = { id: given.id, row, type: String(given.type ?? 'unknown'), text: '', item: {} };
      this.items.set(given.id, item);
      this.turn(threadId, typeof turnId === 'string' ? turnId : '(unknown turn)', row).items.push(item);
    }
    const { text, aggregatedOutput, ...rest } = given;
    item.item = rest;
    if (typeof given.status === 'string') item.status = given.status;
    // The completed item has the whole text: it replaces what the deltas built.
    const whole = typeof text === 'string' ? text : typeof aggregatedOutput === 'string' ? aggregatedOutput : undefined;
    if (whole !== undefined && whole.length >= item.text.length) {
      this.dropped.delete(item);
      item.text = whole.length > MAX_TEXT ? whole.slice(0, MAX_TEXT) : whole;
      if (whole.length > MAX_TEXT) this.dropped.set(item, whole.length - MAX_TEXT);
    }
    this.version++;
  }

  private append(itemId: unknown, delta: string): void {
    const item = typeof itemId === 'string' ? this.items.get(itemId) : undefined;
    if (!item) return;
    const room = MAX_TEXT - item.text.length;
    if (room >= delta.length) item.text += delta;
    else {
      if (room > 0) item.text += delta.slice(0, room);
      this.dropped.set(item, (this.dropped.get(item) ?? 0) + delta.length - Math.max(room, 0));
    }
    this.version++;
  }

  /** The tree for the page; texts cut at MAX_TEXT say how much was left out. */
  snapshot(): { threads: TreeThread[]; version: number } {
    if (this.dropped.size === 0) return { threads: this.threads, version: this.version };
    const cut = (item: TreeItem): TreeItem => {
      const more = this.dropped.get(item);
      return more ? { ...item, text: `${item.text}\n… (${more} more characters not shown)` } : item;
    };
    const threads = this.threads.map((thread) => ({ ...thread, turns: thread.turns.map((turn) => ({ ...turn, items: turn.items.map(cut) })) }));
    return { threads, version: this.version };
  }
}
