// `stats`: what happened in a recorded session, in one streaming pass. Memory holds counters per method,
// per error and per answerer, the requests still waiting for their reply, fixed-size histograms for the
// percentiles, and at most LIST_LIMIT listed turns and server requests, whatever the recording's length.
import { readEntryBatches, readHeader, type OnReadProblem } from './reader.ts';

/** Turns and server requests listed one by one (in --json) up to this many; counts and percentiles cover all. */
const LIST_LIMIT = 10_000;

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface MethodCount {
  dir: 'in' | 'out';
  /** A method, or "reply to <method>" for responses and errors. */
  method: string;
  count: number;
  bytes: number;
}

export interface ServerRequestRecord {
  id: string | number;
  method: string;
  /** The plugin that answered, "default" (the safe reply), "client" (answered with no `answered` event: another client, through a tap), or "unanswered". */
  by: string;
  /** From the request to its answer; undefined when unanswered. */
  ms?: number;
  t: number;
}

export interface SessionStats {
  file: string;
  startedAt: string;
  codexDbg: string;
  redacted: boolean;
  parts: number;
  /** From the start of the recording to its last entry. */
  durationMs: number;
  entries: number;
  bytes: number;
  messages: { in: number; out: number };
  methods: MethodCount[];
  turns: {
    count: number;
    byStatus: Record<string, number>;
    durationMs: Percentiles;
    list: { turnId: string; status: string; ms?: number; t: number }[];
  };
  serverRequests: {
    count: number;
    byAnswer: { method: string; by: string; count: number; ms: Percentiles }[];
    list: ServerRequestRecord[];
  };
  clientRequests: { count: number; byMethod: { method: string; count: number; ms: Percentiles }[]; unanswered: number };
  errors: { dir: 'in' | 'out'; code: number | string; method: string; count: number }[];
  stderrLines: number;
  events: Record<string, number>;
  largest: { entry: number; dir: 'in' | 'out'; method: string; bytes: number; t: number }[];
  problems: string[];
}

/** Percentiles within about 2%, in constant memory: counts per logarithmic bucket. */
class Distribution {
  private readonly buckets = new Map<number, number>();
  count = 0;
  max = 0;

  add(ms: number): void {
    const value = Math.max(0, ms);
    const bucket = value < 0.01 ? -1 : Math.ceil(Math.log(value) / Math.log(1.02));
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
    this.count++;
    this.max = Math.max(this.max, value);
  }

  summary(): Percentiles {
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    const at = (q: number) => {
      if (this.count === 0) return 0;
      let seen = 0;
      const rank = Math.ceil(q * this.count);
      for (const key of keys) {
        seen += this.buckets.get(key) as number;
        if (seen >= rank) return key < 0 ? 0 : Math.min(this.max, round(1.02 ** key));
      }
      return this.max;
    };
    return { count: this.count, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(this.max) };
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

interface Message {
  id?: string | number | null;
  method?: unknown;
  params?: { turn?: { id?: unknown; status?: unknown }; threadId?: unknown };
  error?: { code?: unknown };
  result?: unknown;
}

export async function collectStats(file: string, options: { top?: number; onProblem?: OnReadProblem } = {}): Promise<SessionStats> {
  const top = options.top ?? 10;
  const header = await readHeader(file);
  const problems: string[] = [];
  const onProblem = (text: string) => {
    problems.push(text);
    options.onProblem?.(text);
  };
  const methods = { in: new Map<string, MethodCount>(), out: new Map<string, MethodCount>() };
  const turnStarts = new Map<string, number>();
  const turnStatus: Record<string, number> = {};
  const turnDurations = new Distribution();
  const turnList: SessionStats['turns']['list'] = [];
  // Server requests waiting for their answer, and who answered (from the `answered` event).
  const serverPending = new Map<string, { id: string | number; method: string; t: number; by?: string }>();
  const byAnswer = new Map<string, { method: string; by: string; count: number; ms: Distribution }>();
  const requestList: ServerRequestRecord[] = [];
  let serverRequests = 0;
  const clientPending = new Map<string, { method: string; t: number }>();
  const clientByMethod = new Map<string, { method: string; count: number; ms: Distribution }>();
  let clientRequests = 0;
  const errors = new Map<string, SessionStats['errors'][number]>();
  const events: Record<string, number> = {};
  let largest: SessionStats['largest'] = [];
  const messages = { in: 0, out: 0 };
  let entries = 0;
  let bytes = 0;
  let lastT = 0;
  let parts = 1;
  let stderrLines = 0;

  const countMethod = (dir: 'in' | 'out', method: string, size: number) => {
    const byMethod = methods[dir];
    const counted = byMethod.get(method);
    if (counted) {
      counted.count++;
      counted.bytes += size;
    } else byMethod.set(method, { dir, method, count: 1, bytes: size });
  };
  const answer = (key: string, by: string, t: number) => {
    const pending = serverPending.get(key);
    if (!pending) return;
    serverPending.delete(key);
    const ms = round(t - pending.t);
    const answerer = pending.by ?? by;
    const group = `${pending.method}\u0000${answerer}`;
    let counted = byAnswer.get(group);
    if (!counted) byAnswer.set(group, (counted = { method: pending.method, by: answerer, count: 0, ms: new Distribution() }));
    counted.count++;
    counted.ms.add(ms);
    if (requestList.length < LIST_LIMIT) requestList.push({ id: pending.id, method: pending.method, by: answerer, ms, t: pending.t });
  };

  for await (const batch of readEntryBatches(file, { onProblem })) {
    for (const { record, bytes: size, entry, part } of batch) {
      entries++;
      bytes += size;
      lastT = Math.max(lastT, record.t);
      parts = Math.max(parts, part);
      if (record.type === 'stderr') {
        stderrLines++;
        continue;
      }
      if (record.type === 'event') {
        events[record.event] = (events[record.event] ?? 0) + 1;
        if (record.event === 'answered' && record.id !== undefined) {
          const pending = serverPending.get(String(record.id));
          if (pending) pending.by = String(record.by);
        }
        continue;
      }
      const dir = record.dir;
      messages[dir]++;
      const message = record.message as Message;
      const hasId = message.id !== undefined && message.id !== null;
      const idKey = hasId ? String(message.id) : '';
      let method: string;
      if (typeof message.method === 'string') {
        method = message.method;
        if (hasId && dir === 'in') {
          serverRequests++;
          serverPending.set(idKey, { id: message.id as string | number, method, t: record.t });
        } else if (hasId) {
          clientRequests++;
          clientPending.set(idKey, { method, t: record.t });
        } else if (dir === 'in' && method === 'turn/started') {
          const turnId = message.params?.turn?.id;
          if (typeof turnId === 'string') turnStarts.set(turnId, record.t);
        } else if (dir === 'in' && method === 'turn/completed') {
          const turnId = String(message.params?.turn?.id);
          const status = String(message.params?.turn?.status ?? 'unknown');
          turnStatus[status] = (turnStatus[status] ?? 0) + 1;
          const started = turnStarts.get(turnId);
          turnStarts.delete(turnId);
          const ms = started === undefined ? undefined : round(record.t - started);
          if (ms !== undefined) turnDurations.add(ms);
          if (turnList.length < LIST_LIMIT) turnList.push({ turnId, status, ...(ms === undefined ? {} : { ms }), t: record.t });
        }
      } else {
        // A reply: to a client request when it comes in, to a server request when it goes out.
        const request = dir === 'in' ? clientPending.get(idKey) : serverPending.get(idKey);
        method = `reply to ${request?.method ?? 'an unknown request'}`;
        if (dir === 'in' && request) {
          clientPending.delete(idKey);
          let counted = clientByMethod.get(request.method);
          if (!counted) clientByMethod.set(request.method, (counted = { method: request.method, count: 0, ms: new Distribution() }));
          counted.count++;
          counted.ms.add(record.t - request.t);
        }
        if (message.error !== undefined) {
          const code = typeof message.error?.code === 'number' ? message.error.code : String(message.error?.code);
          const errorMethod = request?.method ?? 'an unknown request';
          const key = `${dir}\u0000${code}\u0000${errorMethod}`;
          const counted = errors.get(key);
          if (counted) counted.count++;
          else errors.set(key, { dir, code, method: errorMethod, count: 1 });
        }
        if (dir === 'out' && request) answer(idKey, 'client', record.t);
      }
      countMethod(dir, method, size);
      if (largest.length < 5 || size > largest[largest.length - 1].bytes) {
        largest.push({ entry, dir, method, bytes: size, t: record.t });
        largest = largest.sort((a, b) => b.bytes - a.bytes).slice(0, 5);
      }
    }
  }

  for (const [turnId, t] of turnStarts) {
    turnStatus.unfinished = (turnStatus.unfinished ?? 0) + 1;
    if (turnList.length < LIST_LIMIT) turnList.push({ turnId, status: 'unfinished', t });
  }
  for (const pending of serverPending.values()) {
    const group = `${pending.method}\u0000unanswered`;
    let counted = byAnswer.get(group);
    if (!counted) byAnswer.set(group, (counted = { method: pending.method, by: 'unanswered', count: 0, ms: new Distribution() }));
    counted.count++;
    if (requestList.length < LIST_LIMIT) requestList.push({ id: pending.id, method: pending.method, by: 'unanswered', t: pending.t });
  }
  const byCount = <T extends { count: number }>(a: T, b: T) => b.count - a.count;
  return {
    file,
    startedAt: header.startedAt,
    codexDbg: header.codexDbg,
    redacted: header.redacted,
    parts,
    durationMs: lastT,
    entries,
    bytes,
    messages,
    methods: [...methods.in.values(), ...methods.out.values()].sort(byCount).slice(0, top),
    turns: { count: Object.values(turnStatus).reduce((sum, n) => sum + n, 0), byStatus: turnStatus, durationMs: turnDurations.summary(), list: turnList },
    serverRequests: {
      count: serverRequests,
      byAnswer: [...byAnswer.values()].sort(byCount).map(({ ms, ...rest }) => ({ ...rest, ms: ms.summary() })),
      list: requestList,
    },
    clientRequests: {
      count: clientRequests,
      byMethod: [...clientByMethod.values()].sort(byCount).map(({ ms, ...rest }) => ({ ...rest, ms: ms.summary() })),
      unanswered: clientPending.size,
    },
    errors: [...errors.values()].sort(byCount),
    stderrLines,
    events,
    largest,
    problems,
  };
}
