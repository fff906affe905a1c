// The stall detector: given what is open (activity.ts), says when a turn has heard nothing from the server,
// a server request has gone unanswered, or a client request has had no reply, for the threshold or longer;
// says it again at each further multiple of the threshold while it lasts, and once more when it is over.
// So the classic "the turn never completes" hang explains itself: waiting on us, on a reply, or on the model.
import { seconds, type ActivitySnapshot } from './activity.ts';

export class StallDetector {
  /** What was warned about, by key, with the multiple of the threshold last reached. */
  private readonly warned = new Map<string, { level: number; what: string }>();

  constructor(private readonly thresholdMs: number) {}

  /** Lines to show for this moment (often none). Call it every second or so. */
  tick(snapshot: ActivitySnapshot): string[] {
    const lines: string[] = [];
    const current = new Set<string>();
    const { now } = snapshot;
    const check = (key: string, waitedMs: number, what: string, text: () => string) => {
      if (waitedMs < this.thresholdMs) return;
      current.add(key);
      const level = Math.floor(waitedMs / this.thresholdMs);
      if ((this.warned.get(key)?.level ?? 0) >= level) return;
      this.warned.set(key, { level, what });
      lines.push(`stall: ${text()}`);
    };
    for (const turn of snapshot.turns) {
      check(`turn ${turn.turnId}`, now - turn.heardAt, `turn ${turn.turnId}`, () => `turn ${turn.turnId} has heard nothing from the server for ${seconds(now - turn.heardAt)}; ${turnReason(snapshot)}`);
    }
    for (const request of snapshot.serverRequests) {
      const what = `server request ${request.method} (id ${JSON.stringify(request.id)})`;
      check(`server ${String(request.id)}`, now - request.sentAt, what, () => `${what} unanswered for ${seconds(now - request.sentAt)}; codex waits for the answer (a plugin is still deciding; --handler-timeout sets its deadline)`);
    }
    for (const request of snapshot.clientRequests) {
      const what = `client request ${request.method} (id ${JSON.stringify(request.id)})`;
      check(`client ${String(request.id)}`, now - request.sentAt, what, () => `${what} has had no reply for ${seconds(now - request.sentAt)}`);
    }
    for (const [key, { what }] of this.warned) {
      if (current.has(key)) continue;
      this.warned.delete(key);
      lines.push(`stall over: ${what}`);
    }
    return lines;
  }
}

function turnReason(snapshot: ActivitySnapshot): string {
  if (snapshot.serverRequests.length > 0) {
    return `codex is waiting for our answer to ${snapshot.serverRequests.map((r) => `${r.method} (id ${JSON.stringify(r.id)})`).join(', ')}`;
  }
  if (snapshot.clientRequests.length > 0) {
    return `we are waiting for replies to ${snapshot.clientRequests.map((r) => `${r.method} (id ${JSON.stringify(r.id)})`).join(', ')}`;
  }
  return 'no request is open either way, so codex is waiting on the model or a tool (the turn ends with turn/completed; :interrupt or Ctrl-C stops it)';
}
