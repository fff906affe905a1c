// A transport whose far side is the test: no process, no socket. The test delivers server messages,
// reads what the client sent (parsed), waits for the next one, and ends the transport as it likes.
import type { CloseInfo, Transport, TransportEvents } from '../../src/core/transport.ts';

// biome-ignore lint: messages are whatever the client sent
type Sent = any;

export class MemoryTransport implements Transport {
  readonly peer = 'an in-memory server';
  /** Every message the client sent, parsed, in order. */
  readonly sent: Sent[] = [];
  paused = false;
  private events: TransportEvents | undefined;
  private ended: CloseInfo | undefined;
  private waiters: { match: (message: Sent) => boolean; resolve: (message: Sent) => void }[] = [];
  /** Sent messages no next() has taken yet. */
  private unclaimed: Sent[] = [];

  start(events: TransportEvents): Promise<void> {
    this.events = events;
    return Promise.resolve();
  }

  send(text: string): Promise<void> {
    if (this.ended) return Promise.reject(new Error('closed'));
    const message = JSON.parse(text);
    this.sent.push(message);
    const waiter = this.waiters.find((w) => w.match(message));
    if (waiter) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    } else {
      this.unclaimed.push(message);
    }
    return Promise.resolve();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  close(): Promise<CloseInfo> {
    this.end({ reason: 'stopped', message: 'the in-memory server was stopped', details: [], facts: {} });
    return Promise.resolve(this.ended as CloseInfo);
  }

  /** The server sends a message (an object, or raw text). */
  deliver(message: unknown): void {
    if (!this.events) throw new Error('the transport was not started');
    this.events.message(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The server goes away. */
  end(info: CloseInfo): void {
    if (this.ended) return;
    this.ended = info;
    this.events?.close(info);
  }

  /** The first message the client sends from now on (or has sent and nobody took) that matches. */
  next(match: (message: Sent) => boolean = () => true): Promise<Sent> {
    const index = this.unclaimed.findIndex(match);
    if (index >= 0) return Promise.resolve(this.unclaimed.splice(index, 1)[0]);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** The next request the client sends with this method. */
  nextRequest(method: string): Promise<Sent> {
    return this.next((message) => message.method === method && 'id' in message);
  }

  /** The client's reply to the server request with this id. */
  replyTo(id: number | string): Promise<Sent> {
    return this.next((message) => message.id === id && !('method' in message));
  }
}
