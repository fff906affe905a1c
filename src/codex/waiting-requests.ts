// The server's requests that still wait for our answer. A request stops waiting when we answer it, or when
// the server withdraws it: `serverRequest/resolved` for a request we have not answered (another client
// answered, or the server gave up on it), or `turn/completed` for the turn it belongs to (an interrupt).
// Whoever is about to answer (a question at the terminal, the reply itself) asks here first.
import type { NotificationMessage, RequestId, RequestMessage } from '../core/messages.ts';

export interface WaitingRequest {
  id: RequestId;
  method: string;
  /** Date.now() when it arrived. */
  receivedAt: number;
  threadId?: string;
  turnId?: string;
}

export type WithdrawnBecause = 'resolved elsewhere' | 'turn ended';

export type WithdrawnListener = (request: WaitingRequest, because: WithdrawnBecause) => void;

export class ServerRequests {
  private readonly waiting = new Map<RequestId, WaitingRequest>();
  private readonly listeners = new Set<WithdrawnListener>();

  received(request: RequestMessage): void {
    const params = (request.params ?? {}) as { threadId?: unknown; turnId?: unknown };
    this.waiting.set(request.id, {
      id: request.id,
      method: request.method,
      receivedAt: Date.now(),
      threadId: typeof params.threadId === 'string' ? params.threadId : undefined,
      turnId: typeof params.turnId === 'string' ? params.turnId : undefined,
    });
  }

  /** Our answer went out. */
  answered(id: RequestId): void {
    this.waiting.delete(id);
  }

  /** Feed every server notification here. */
  handleNotification(notification: NotificationMessage): void {
    const params = notification.params as { requestId?: RequestId; turn?: { id?: string } } | undefined;
    if (notification.method === 'serverRequest/resolved' && params?.requestId !== undefined) {
      this.withdraw(params.requestId, 'resolved elsewhere');
    } else if (notification.method === 'turn/completed' && params?.turn?.id) {
      for (const request of [...this.waiting.values()]) if (request.turnId === params.turn.id) this.withdraw(request.id, 'turn ended');
    }
  }

  isWaiting(id: RequestId): boolean {
    return this.waiting.has(id);
  }

  /** Oldest first. */
  list(): WaitingRequest[] {
    return [...this.waiting.values()];
  }

  /** Told of each request the server withdrew before we answered; returns the unsubscribe. */
  onWithdrawn(listener: WithdrawnListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private withdraw(id: RequestId, because: WithdrawnBecause): void {
    const request = this.waiting.get(id);
    if (!request) return;
    this.waiting.delete(id);
    for (const listener of this.listeners) listener(request, because);
  }
}
