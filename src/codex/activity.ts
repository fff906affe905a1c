// What is open on a connection, read from the traffic alone (so it works for any transport, a replay or a
// tap): running turns and how long since each last heard from the server, server requests nobody has
// answered yet, client requests still waiting for their reply. The stall detector warns from this; `:status`
// can show it. It only observes: nothing here sends, stops or times out anything.
import type { MessageKind, RequestId } from '../core/messages.ts';

export interface ObservedMessage {
  direction: 'in' | 'out';
  kind: MessageKind;
  message: object;
}

export interface OpenTurn {
  threadId: string | undefined;
  turnId: string;
  startedAt: number;
  /** When the server last sent something about this turn (or its thread). */
  heardAt: number;
}

export interface OpenRequest {
  id: RequestId;
  method: string;
  sentAt: number;
}

export interface ActivitySnapshot {
  now: number;
  turns: OpenTurn[];
  /** Server → client requests not answered yet. */
  serverRequests: OpenRequest[];
  /** Client → server requests without a reply yet (younger than the request timeout). */
  clientRequests: OpenRequest[];
}

export interface ActivityOptions {
  /** Milliseconds; a client request older than this has timed out in the connection and is forgotten. */
  requestTimeoutMs?: number;
  now?: () => number;
}

/** Beyond this many open entries of a kind the oldest are forgotten (a misbehaving peer must not grow us). */
const MAX_OPEN = 10_000;

type Params = { threadId?: unknown; turnId?: unknown; turn?: { id?: unknown } };

export class ActivityTracker {
  private readonly turns = new Map<string, OpenTurn>();
  private readonly serverRequests = new Map<RequestId, OpenRequest>();
  private readonly clientRequests = new Map<RequestId, OpenRequest>();
  /** turn/start requests by id, with the thread they start a turn on. */
  private readonly turnStarts = new Map<RequestId, string | undefined>();
  private readonly now: () => number;

  constructor(private readonly options: ActivityOptions = {}) {
    this.now = options.now ?? (() => performance.now());
  }

  observe(entry: ObservedMessage): void {
    const now = this.now();
    const message = entry.message as { id?: RequestId; method?: string; params?: Params; result?: { turn?: { id?: unknown } } };
    const incoming = entry.direction === 'in';
    switch (entry.kind) {
      case 'request': {
        const open = incoming ? this.serverRequests : this.clientRequests;
        bounded(open).set(message.id as RequestId, { id: message.id as RequestId, method: String(message.method), sentAt: now });
        if (incoming) this.heard(message.params, now);
        else if (message.method === 'turn/start') bounded(this.turnStarts).set(message.id as RequestId, stringOr(message.params?.threadId));
        return;
      }
      case 'notification':
        if (!incoming) return;
        this.heard(message.params, now);
        if (message.method === 'turn/started') this.startTurn(stringOr(message.params?.turn?.id), stringOr(message.params?.threadId), now);
        if (message.method === 'turn/completed') this.turns.delete(String(message.params?.turn?.id));
        return;
      case 'response':
      case 'error': {
        if (message.id === undefined || message.id === null) return;
        (incoming ? this.clientRequests : this.serverRequests).delete(message.id);
        if (!incoming || !this.turnStarts.has(message.id)) return;
        const threadId = this.turnStarts.get(message.id);
        this.turnStarts.delete(message.id);
        if (entry.kind === 'response') this.startTurn(stringOr(message.result?.turn?.id), threadId, now);
        return;
      }
    }
  }

  snapshot(): ActivitySnapshot {
    const now = this.now();
    const timeout = this.options.requestTimeoutMs;
    if (timeout !== undefined) {
      for (const [id, request] of this.clientRequests) if (now - request.sentAt > timeout) this.clientRequests.delete(id);
    }
    return {
      now,
      turns: [...this.turns.values()].map((turn) => ({ ...turn })),
      serverRequests: [...this.serverRequests.values()].map((request) => ({ ...request })),
      clientRequests: [...this.clientRequests.values()].map((request) => ({ ...request })),
    };
  }

  /** Everything open is forgotten (the connection closed). */
  clear(): void {
    this.turns.clear();
    this.serverRequests.clear();
    this.clientRequests.clear();
    this.turnStarts.clear();
  }

  private startTurn(turnId: string | undefined, threadId: string | undefined, now: number): void {
    if (turnId === undefined || this.turns.has(turnId)) return;
    bounded(this.turns).set(turnId, { threadId, turnId, startedAt: now, heardAt: now });
  }

  /** A message about a turn (by turnId) or a thread (by threadId) shows the server is still at work on it. */
  private heard(params: Params | undefined, now: number): void {
    const turnId = stringOr(params?.turnId) ?? stringOr(params?.turn?.id);
    const threadId = stringOr(params?.threadId);
    for (const turn of this.turns.values()) {
      if (turn.turnId === turnId || (threadId !== undefined && turn.threadId === threadId)) turn.heardAt = now;
    }
  }
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function bounded<K, V>(map: Map<K, V>): Map<K, V> {
  if (map.size >= MAX_OPEN) map.delete(map.keys().next().value as K);
  return map;
}

/** Seconds, rounded, for people. */
export function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/** One line per open thing, oldest wait first; what `:status` shows and what the stall warnings are made of. */
export function describeActivity(snapshot: ActivitySnapshot): string[] {
  const { now } = snapshot;
  const lines: string[] = [];
  for (const turn of snapshot.turns) {
    const waits = snapshot.serverRequests.length
      ? `; waiting on ${snapshot.serverRequests.map((r) => `${r.method} (id ${JSON.stringify(r.id)})`).join(', ')}`
      : '';
    lines.push(`turn ${turn.turnId} running for ${seconds(now - turn.startedAt)}, last message ${seconds(now - turn.heardAt)} ago${waits}`);
  }
  for (const request of snapshot.serverRequests) lines.push(`server request ${request.method} (id ${JSON.stringify(request.id)}) unanswered for ${seconds(now - request.sentAt)}`);
  for (const request of snapshot.clientRequests) lines.push(`client request ${request.method} (id ${JSON.stringify(request.id)}) waiting for a reply for ${seconds(now - request.sentAt)}`);
  return lines;
}
