// Several clients on one server: a server request goes to every client subscribed to its thread, with
// the same id, and the first answer wins (later ones are silently ignored). This watches the traffic and
// says, in words, when a request we saw was answered by another client (`serverRequest/resolved` before
// any answer of ours), and, once its item ends, what that answer did. With --observe every request is
// left to the other clients, and each one is said so as it arrives.
import type { TrafficEntry } from '../core/connection.ts';
import type { RequestId } from '../core/messages.ts';

interface Seen {
  method: string;
  itemId?: string;
  answeredByUs: boolean;
}

/** Requests remembered at most; the oldest are forgotten beyond this. */
const MAX_TRACKED = 1000;

export class OtherClients {
  private readonly requests = new Map<RequestId, Seen>();
  /** Items whose approval another client gave: their end shows what the answer was. */
  private readonly decidedElsewhere = new Map<string, RequestId>();

  constructor(
    private readonly options: {
      /** --observe: we answer nothing. */
      observe: boolean;
      say(text: string): void;
      /** A request resolved by another client, for the recording. */
      onResolvedElsewhere?(id: RequestId, method: string): void;
    },
  ) {}

  watch(entry: TrafficEntry): void {
    const message = entry.message as { id?: RequestId; method?: string; params?: Record<string, unknown> };
    if (entry.direction === 'out') {
      if (message.method === undefined && message.id !== undefined) {
        const seen = this.requests.get(message.id);
        if (seen) seen.answeredByUs = true;
      }
      return;
    }
    if (entry.kind === 'request' && message.id !== undefined && message.method) {
      const itemId = typeof message.params?.itemId === 'string' ? message.params.itemId : undefined;
      this.requests.set(message.id, { method: message.method, itemId, answeredByUs: false });
      if (this.requests.size > MAX_TRACKED) this.requests.delete(this.requests.keys().next().value as RequestId);
      if (this.options.observe) this.options.say(`server request ${message.id} ${message.method}: observing (--observe), another client answers it`);
      return;
    }
    if (message.method === 'serverRequest/resolved') return this.resolved(message.params?.requestId as RequestId);
    if (message.method === 'item/completed') this.itemEnded(message.params?.item as { id?: string; type?: string; status?: string } | undefined);
  }

  private resolved(id: RequestId | undefined): void {
    const seen = id === undefined ? undefined : this.requests.get(id);
    if (id === undefined || !seen) return;
    this.requests.delete(id);
    if (seen.answeredByUs) return;
    this.options.onResolvedElsewhere?.(id, seen.method);
    this.options.say(
      this.options.observe
        ? `server request ${id} (${seen.method}) was answered by another client`
        : `server request ${id} (${seen.method}) was answered by another client first; ours is not sent`,
    );
    if (seen.itemId) this.decidedElsewhere.set(seen.itemId, id);
    if (this.decidedElsewhere.size > MAX_TRACKED) this.decidedElsewhere.delete(this.decidedElsewhere.keys().next().value as string);
  }

  private itemEnded(item: { id?: string; type?: string; status?: string } | undefined): void {
    const id = item?.id === undefined ? undefined : this.decidedElsewhere.get(item.id);
    if (id === undefined || !item?.id) return;
    this.decidedElsewhere.delete(item.id);
    const verdict = item.status === 'declined' ? 'declined it' : `accepted it (the ${item.type} ended ${item.status})`;
    this.options.say(`the answer that won server request ${id}: the other client ${verdict}`);
  }
}
