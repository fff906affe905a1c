// A recording played back as a server: the recorded server side is sent to whatever client is connected,
// in recorded order. Each recorded client request is a point where playback waits for the client to send a
// request of that method; the recorded reply then goes back with the client's id. Recorded server requests
// are sent as they were, and the client's answers are compared with the recorded ones (results whole,
// errors by code). Whatever differs is a divergence: a request not in the recording, a different answer, a
// request the recording has and the client never sent. Only the messages are used; timing only with `speed`.
import type { RequestId } from '../core/messages.ts';
import { classify } from '../core/messages.ts';
import { sleep } from '../core/timers.ts';

/** One recorded message, in order. */
export interface ServedEntry {
  dir: 'in' | 'out';
  /** ms since the recording started. */
  t: number;
  message: Record<string, unknown>;
  /** Where it is, for divergences: "line 12". */
  where: string;
}

export interface Divergence {
  kind: 'unexpected request' | 'different answer' | 'missing request' | 'missing answer';
  text: string;
}

export interface ServeIo {
  /** Sends one message to the client. */
  send(text: string): void;
  /** Resolves with the client's next message (parsed), or undefined at the client's end of input. */
  next(): Promise<Record<string, unknown> | undefined>;
}

export interface ServeOptions {
  /** Replay the recorded timing at this speed (1 = as recorded); undefined: as fast as the client goes. */
  speed?: number;
  /** Compares two answers (a redacted recording is compared redacted). */
  comparable(answer: Record<string, unknown>): string;
}

/** The client's messages, taken as playback asks for them: requests in order, answers by server-request id. */
class ClientSide {
  private readonly requests: Record<string, unknown>[] = [];
  private readonly answers = new Map<RequestId, Record<string, unknown>>();
  private ended = false;

  constructor(
    private readonly io: ServeIo,
    private readonly onUnexpected: (request: Record<string, unknown>) => void,
  ) {}

  /** The client's next request (its notifications, such as initialized, are taken and dropped). */
  async request(): Promise<Record<string, unknown> | undefined> {
    while (this.requests.length === 0) if (!(await this.pull())) return undefined;
    return this.requests.shift();
  }

  async answer(id: RequestId): Promise<Record<string, unknown> | undefined> {
    while (!this.answers.has(id)) if (!(await this.pull())) return undefined;
    const answer = this.answers.get(id);
    this.answers.delete(id);
    return answer;
  }

  /** After the recording ends: every further request is not in it. */
  async drain(): Promise<void> {
    for (let request = await this.request(); request; request = await this.request()) this.onUnexpected(request);
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const message = await this.io.next();
    if (!message) {
      this.ended = true;
      return false;
    }
    const decoded = classify(message);
    if (!decoded.ok) return true;
    if (decoded.value.kind === 'request') this.requests.push(message);
    else if (decoded.value.kind === 'response' || decoded.value.kind === 'error') this.answers.set(message.id as RequestId, message);
    return true;
  }
}

export async function serveRecording(entries: AsyncIterable<ServedEntry>, io: ServeIo, options: ServeOptions): Promise<Divergence[]> {
  const divergences: Divergence[] = [];
  /** Recorded client request id → the id the client used for it. */
  const ids = new Map<RequestId, RequestId>();
  const refuse = (request: Record<string, unknown>, why: string) => {
    divergences.push({ kind: 'unexpected request', text: `the client sent ${request.method} (id ${JSON.stringify(request.id)}) ${why}` });
    io.send(JSON.stringify({ id: request.id, error: { code: -32600, message: `codex-dbg serve: ${request.method} is not in the recording here` } }));
  };
  const client = new ClientSide(io, (request) => refuse(request, 'after the recording ended'));
  let clock = { recorded: 0, real: performance.now() };

  for await (const entry of entries) {
    const { message } = entry;
    const decoded = classify(message);
    if (!decoded.ok) continue;
    const { kind } = decoded.value;
    if (entry.dir === 'out') {
      if (kind === 'request') {
        // Wait for the client to send a request of this method; anything else in between diverges.
        for (;;) {
          const request = await client.request();
          if (!request) {
            divergences.push({ kind: 'missing request', text: `the client never sent ${message.method} (recording ${entry.where})` });
            return [...divergences, ...(await missingRest(entries))];
          }
          if (request.method === message.method) {
            ids.set(message.id as RequestId, request.id as RequestId);
            break;
          }
          refuse(request, `where the recording has ${message.method} (${entry.where})`);
        }
        clock = { recorded: entry.t, real: performance.now() };
      } else if (kind === 'response' || kind === 'error') {
        const answer = await client.answer(message.id as RequestId);
        if (!answer) {
          divergences.push({ kind: 'missing answer', text: `the client never answered server request ${JSON.stringify(message.id)} (recording ${entry.where})` });
          return [...divergences, ...(await missingRest(entries))];
        }
        const recorded = options.comparable(message);
        const given = options.comparable(answer);
        if (recorded !== given) {
          divergences.push({ kind: 'different answer', text: `server request ${JSON.stringify(message.id)} (recording ${entry.where}): recorded ${recorded}, the client answered ${given}` });
        }
        clock = { recorded: entry.t, real: performance.now() };
      }
      continue;
    }
    if (options.speed) {
      const due = clock.real + (entry.t - clock.recorded) / options.speed;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
    }
    if (kind === 'response' || kind === 'error') {
      // A reply goes back with the id the client used; one to a request the client never made is left out.
      const id = ids.get(message.id as RequestId);
      if (id === undefined) continue;
      ids.delete(message.id as RequestId);
      io.send(JSON.stringify({ ...message, id }));
    } else {
      io.send(JSON.stringify(message));
    }
  }
  await client.drain();
  return divergences;
}

/** The rest of the recording's client requests, each one the client did not send. */
async function missingRest(entries: AsyncIterable<ServedEntry>): Promise<Divergence[]> {
  const missing: Divergence[] = [];
  for await (const entry of entries) {
    if (entry.dir === 'out' && typeof entry.message.method === 'string' && entry.message.id !== undefined) {
      missing.push({ kind: 'missing request', text: `the client never sent ${entry.message.method} (recording ${entry.where})` });
    }
  }
  return missing;
}
