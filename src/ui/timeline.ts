// The inspector's timeline: every record of a session (messages both ways, server stderr lines, codex-dbg's
// own events) as numbered rows, fed in order by a live session or a recording. A request and its reply are
// paired (latency on both), a server request learns who answered it, and queries are answered from the
// columns (cached, and extended as rows arrive) so a million rows can be filtered without a page holding them.
import { classify } from '../core/messages.ts';
import type { RecordLine } from '../recording/format.ts';
import { redactValue } from '../recording/redaction.ts';
import { Columns, type Lane, type RowKind } from './columns.ts';
import { isEverything, queryKey, type Query } from './query.ts';

/** Where a row's full record lives: in memory (live) or in the recording file. */
export interface Bodies<Locator> {
  put(row: number, locator: Locator): void;
  /** The row's record as it would be written to a recording. */
  record(row: number, columns: Columns): RecordLine;
  /** The text plain-word search looks in, for rows [from, to) in order. */
  texts(from: number, to: number): Iterable<[row: number, text: string]>;
  /** Forgets rows below `base`. */
  drop(base: number): void;
  /** Rows whose place is known before the timeline has read them (a recording's lines); none by default. */
  known?(): number;
}

/** What the page shows for one row. */
export interface RowView {
  n: number;
  t: number;
  lane: Lane;
  kind: RowKind;
  dir?: 'in' | 'out';
  method?: string;
  id?: string;
  thread?: string;
  status?: string;
  /** Latency of a request/reply pair, or a turn's or command's own duration, in ms. */
  dur?: number;
  /** Who answered a server request: a plugin's name, "default", "another client". */
  by?: string;
  /** The row of the request or reply it pairs with. */
  pair?: number;
  size: number;
  error: boolean;
  /** The first characters of the text. */
  preview: string;
}

type Loose = Record<string, any>; // biome-ignore lint: messages are whatever the server sent

const PREVIEW_CHARS = 160;
/** How far back a cached query looks again for rows whose facts may have changed since. */
const RECHECK_ROWS = 50_000;

function threadOf(message: Loose): string | undefined {
  const params = message.params as Loose | undefined;
  const result = message.result as Loose | undefined;
  const value = params?.threadId ?? params?.thread?.id ?? params?.conversationId ?? result?.thread?.id;
  return typeof value === 'string' ? value : undefined;
}

/** A notification's own status: a turn's, an item's, or a thread's. */
function statusOf(message: Loose): string | undefined {
  const params = message.params as Loose | undefined;
  const value = params?.turn?.status ?? params?.item?.status ?? params?.status?.type ?? params?.status;
  return typeof value === 'string' ? value : undefined;
}

function ownDuration(message: Loose): number | undefined {
  const params = message.params as Loose | undefined;
  const value = params?.turn?.durationMs ?? params?.item?.durationMs;
  return typeof value === 'number' ? value : undefined;
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const LOG_LEVEL = /\b(ERROR|WARN|INFO|DEBUG|TRACE)\b/;

/** What a message says about itself, before any pairing. */
function messageFacts(message: Loose) {
  const decoded = classify(message);
  const kind: RowKind = decoded.ok ? decoded.value.kind : 'error';
  const method = typeof message.method === 'string' ? message.method : undefined;
  return {
    kind,
    method,
    id: message.id === undefined || message.id === null ? undefined : String(message.id),
    thread: threadOf(message),
    status: kind === 'request' ? 'pending' : kind === 'response' ? 'ok' : kind === 'error' ? 'error' : statusOf(message),
    error: kind === 'error' || !decoded.ok || method === 'error' || (method === 'turn/completed' && message.params?.turn?.status === 'failed'),
    own: kind === 'notification' ? ownDuration(message) : undefined,
  };
}

function stderrLevel(line: string): string | undefined {
  return LOG_LEVEL.exec(line.replace(ANSI, ''))?.[1];
}

function eventFailed(event: string, detail: Loose): boolean {
  return event === 'problem' || event === 'unreadable' || (event === 'server-exit' && detail.reason !== 'stopped' && detail.code !== 0);
}

export class Timeline<Locator> {
  readonly columns = new Columns();
  /** Requests waiting for their reply, by "<dir>:<id>". */
  private readonly waiting = new Map<string, number>();
  private readonly cache = new Map<string, { rows: number[]; upTo: number; recheckFrom: number }>();

  constructor(
    readonly bodies: Bodies<Locator>,
    /** Keep at most about this many rows (a live session); older ones are dropped. */
    private readonly maxRows = Number.POSITIVE_INFINITY,
  ) {}

  get count(): number {
    return this.columns.count;
  }

  get base(): number {
    return this.columns.base;
  }

  /** Rows there are: those read, and those a recording has found but not read yet (shown, not yet filterable). */
  get known(): number {
    return Math.max(this.count, this.bodies.known?.() ?? 0);
  }

  addMessage(t: number, dir: 'in' | 'out', message: unknown, size: number, locator: Locator): number {
    const m = message as Loose;
    const facts = messageFacts(m);
    const { kind, id } = facts;
    const replyKey = `${dir === 'in' ? 'out' : 'in'}:${id}`;
    const replyTo = kind === 'response' || kind === 'error' ? this.waiting.get(replyKey) : undefined;
    const request = replyTo !== undefined && this.columns.has(replyTo) ? replyTo : undefined;
    const columns = this.columns;
    const method = facts.method ?? (request !== undefined ? columns.methods.value(columns.methodNumber(request)) : undefined);
    const row = columns.push({ t, lane: 'rpc', dir, kind, error: facts.error, method, id, thread: facts.thread, status: facts.status, size });
    this.bodies.put(row, locator);
    if (kind === 'request') this.waiting.set(`${dir}:${id}`, row);
    if (replyTo !== undefined) this.waiting.delete(replyKey);
    if (request !== undefined) this.pairUp(request, row, kind === 'error');
    if (facts.own !== undefined) columns.setDur(row, facts.own);
    if (facts.method === 'serverRequest/resolved') this.resolvedElsewhere(m.params?.requestId);
    this.trim();
    return row;
  }

  addStderr(t: number, line: string, locator: Locator): number {
    const level = stderrLevel(line);
    const row = this.columns.push({ t, lane: 'stderr', kind: 'stderr', error: level === 'ERROR', status: level?.toLowerCase(), size: line.length });
    this.bodies.put(row, locator);
    this.trim();
    return row;
  }

  addEvent(t: number, event: string, detail: Loose, size: number, locator: Locator): number {
    const row = this.columns.push({ t, lane: 'event', kind: 'event', error: eventFailed(event, detail), method: event, size });
    this.bodies.put(row, locator);
    if (event === 'answered' && detail.id !== undefined) {
      const request = this.waiting.get(`in:${detail.id}`);
      if (request !== undefined && this.columns.has(request)) this.columns.setBy(request, String(detail.by));
    }
    this.trim();
    return row;
  }

  private pairUp(request: number, reply: number, failed: boolean): void {
    const columns = this.columns;
    columns.setPair(request, reply);
    columns.setPair(reply, request);
    const latency = columns.t(reply) - columns.t(request);
    columns.setDur(request, latency);
    columns.setDur(reply, latency);
    columns.setStatus(request, failed ? 'error' : 'ok');
    if (failed) columns.markError(request);
    if (columns.threadNumber(reply) < 0) columns.setThread(reply, columns.threadNumber(request));
    const by = columns.byNumber(request);
    if (by >= 0) columns.setBy(reply, columns.answerers.value(by) as string);
  }

  /** The server says a request of its own was resolved before we replied: another client answered it. */
  private resolvedElsewhere(requestId: unknown): void {
    if (requestId === undefined) return;
    const key = `in:${String(requestId)}`;
    const request = this.waiting.get(key);
    if (request === undefined || !this.columns.has(request) || this.columns.byNumber(request) >= 0) return;
    this.waiting.delete(key);
    this.columns.setBy(request, 'another client');
    this.columns.setStatus(request, 'resolved');
  }

  private trim(): void {
    if (this.count - this.base <= this.maxRows) return;
    const base = this.columns.dropOldest(this.maxRows);
    this.bodies.drop(base);
    for (const entry of this.cache.values()) {
      const first = entry.rows.findIndex((row) => row >= base);
      entry.rows.splice(0, first < 0 ? entry.rows.length : first);
    }
  }

  record(row: number, keepSecrets: boolean): RecordLine {
    const record = this.bodies.record(row, this.columns);
    return keepSecrets ? record : (redactValue(record) as RecordLine);
  }

  view(row: number, keepSecrets: boolean): RowView {
    if (row >= this.count) return this.unreadView(row, keepSecrets);
    const c = this.columns;
    const record = this.record(row, keepSecrets);
    const dur = c.dur(row);
    const pair = c.pair(row);
    return {
      n: row,
      t: c.t(row),
      lane: c.lane(row),
      kind: c.kind(row),
      dir: c.dir(row),
      method: c.methods.value(c.methodNumber(row)),
      id: c.ids.value(c.idNumber(row)),
      thread: c.threads.value(c.threadNumber(row)),
      status: c.statuses.value(c.statusNumber(row)),
      dur: Number.isNaN(dur) ? undefined : Math.round(dur * 10) / 10,
      by: c.answerers.value(c.byNumber(row)),
      pair: pair >= 0 ? pair : undefined,
      size: c.size(row),
      error: c.error(row),
      preview: previewOf(record),
    };
  }

  /** A row of a recording not read into the columns yet: what its own line says (no pairing yet). */
  private unreadView(row: number, keepSecrets: boolean): RowView {
    const record = this.record(row, keepSecrets);
    const view = { n: row, t: record.t, preview: previewOf(record) };
    if (record.type === 'stderr') {
      const level = stderrLevel(record.line);
      return { ...view, lane: 'stderr', kind: 'stderr', status: level?.toLowerCase(), size: record.line.length, error: level === 'ERROR' };
    }
    if (record.type === 'event') {
      const { t: _t, type: _type, event, ...detail } = record;
      return { ...view, lane: 'event', kind: 'event', method: event, size: JSON.stringify(record).length, error: eventFailed(event, detail) };
    }
    const facts = messageFacts(record.message as Loose);
    const { own, ...shown } = facts;
    return { ...view, ...shown, lane: 'rpc', dir: record.dir, dur: own, size: JSON.stringify(record.message).length };
  }

  /** Rows matching a query, in order (absolute row numbers); cached and extended as rows arrive. */
  async find(query: Query): Promise<number[] | undefined> {
    if (isEverything(query)) return undefined;
    const key = queryKey(query);
    let entry = this.cache.get(key);
    if (!entry) {
      entry = { rows: [], upTo: this.base, recheckFrom: this.base };
      this.cache.set(key, entry);
      // A handful of queries is what one person's page asks for; forget the oldest.
      if (this.cache.size > 8) this.cache.delete(this.cache.keys().next().value as string);
    }
    // Rows that were still waiting for a reply at the last look may have changed since (status, latency,
    // who answered): look at them again.
    const from = Math.max(this.base, Math.min(entry.upTo, Math.max(entry.recheckFrom, entry.upTo - RECHECK_ROWS)));
    if (from < entry.upTo) {
      let keep = entry.rows.length;
      while (keep > 0 && entry.rows[keep - 1] >= from) keep--;
      entry.rows.length = keep;
    }
    const to = this.count;
    entry.upTo = to;
    entry.recheckFrom = this.oldestWaiting();
    const match = this.matcher(query);
    if (query.words.length === 0) {
      for (let row = from; row < to; row++) if (match(row)) entry.rows.push(row);
      return entry.rows;
    }
    let checked = 0;
    for (const [row, text] of this.bodies.texts(from, to)) {
      if (match(row)) {
        const lower = text.toLowerCase();
        if (query.words.every((word) => lower.includes(word))) entry.rows.push(row);
      }
      // Let other requests through during a long scan of a recording.
      if (++checked % 65536 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return entry.rows;
  }

  private oldestWaiting(): number {
    let oldest = this.count;
    for (const row of this.waiting.values()) if (row < oldest) oldest = row;
    return oldest;
  }

  /** The column checks of a query, as one function of a row number. */
  private matcher(query: Query): (row: number) => boolean {
    const c = this.columns;
    const numbers = (interned: { values: string[] }, test: (value: string) => boolean) => {
      const set = new Set<number>();
      interned.values.forEach((value, number) => test(value) && set.add(number));
      return set;
    };
    const methodSet =
      query.method !== undefined || query.methodParts.length > 0
        ? numbers(c.methods, (m) => (query.method === undefined || m === query.method) && query.methodParts.every((part) => m.includes(part)))
        : undefined;
    const idSet = query.ids.length ? numbers(c.ids, (id) => query.ids.includes(id)) : undefined;
    const threadSet = query.threads.length ? numbers(c.threads, (thread) => query.threads.some((prefix) => thread.startsWith(prefix))) : undefined;
    const statusSet = query.statuses.length ? numbers(c.statuses, (status) => query.statuses.includes(status.toLowerCase())) : undefined;
    const bySet = query.by.length ? numbers(c.answerers, (by) => query.by.includes(by)) : undefined;
    return (row) => {
      if (query.dir && c.dir(row) !== query.dir) return false;
      if (query.kinds && !query.kinds.includes(c.kind(row))) return false;
      if (query.errorsOnly && !c.error(row)) return false;
      if (methodSet && !methodSet.has(c.methodNumber(row))) return false;
      if (idSet && !idSet.has(c.idNumber(row))) return false;
      if (threadSet && !threadSet.has(c.threadNumber(row))) return false;
      if (statusSet && !statusSet.has(c.statusNumber(row))) return false;
      if (bySet && !bySet.has(c.byNumber(row))) return false;
      if (query.durAbove !== undefined && !(c.dur(row) > query.durAbove)) return false;
      if (query.durBelow !== undefined && !(c.dur(row) < query.durBelow)) return false;
      return true;
    };
  }
}

function eventText(record: RecordLine & { type: 'event' }): string {
  const { t: _t, type: _type, event, ...detail } = record;
  const rest = JSON.stringify(detail);
  return rest === '{}' ? event : `${event} ${rest}`;
}

/** The first characters of a row's text: a message's params (or result, or error), a stderr line, an event. */
function previewOf(record: RecordLine): string {
  const message = record.type === 'message' ? (record.message as Loose) : undefined;
  const text = message ? JSON.stringify(message.params ?? message.result ?? message.error ?? '') : record.type === 'stderr' ? record.line.replace(ANSI, '') : eventText(record as RecordLine & { type: 'event' });
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}
