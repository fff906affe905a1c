// The seam between the connection and whatever carries messages to and from a server: a child process's
// stdio, a WebSocket, a Unix socket, a tap, a recording played back. A transport moves whole messages as
// text (framing is its own business) and reports its end in neutral terms. The connection sees nothing else.

/** Why a transport ended. */
export type CloseReason =
  /** The server process ended (its exit code or signal are in `facts`). */
  | 'exited'
  /** The other end closed the connection. */
  | 'closed'
  /** The transport failed (a spawn error, a socket error). */
  | 'error'
  /** We closed it. */
  | 'stopped';

export interface CloseInfo {
  reason: CloseReason;
  /** One line a user can read: "codex app-server exited with code 1". */
  message: string;
  /** Lines that help diagnose it, for example the server's last stderr lines. */
  details: string[];
  /** Facts for a recording (exit code, signal, close code), JSON-serialisable. */
  facts: Record<string, unknown>;
}

export interface TransportEvents {
  /** One whole message, as text. `bytes`, when the transport has them, are exactly what arrived. */
  message(text: string, bytes?: Uint8Array): void;
  /** Something odd that is reported, not fatal: a message over the size limit, a cut-off last line. */
  problem(text: string): void;
  /** Called once, when the transport can carry nothing more. */
  close(info: CloseInfo): void;
}

export interface Transport {
  /** What is on the other end, for messages: "codex app-server (pid 4242)", "ws://127.0.0.1:4500". */
  readonly peer: string;
  /** Opens the transport and starts delivering events; rejects with a DbgError when it cannot. */
  start(events: TransportEvents): Promise<void>;
  /** Sends one message; resolves once the transport has taken it (so a slow peer slows us), rejects once closed. */
  send(text: string): Promise<void>;
  /** Stops delivering messages while the consumer is backed up; resume() goes on. */
  pause(): void;
  resume(): void;
  /** Ends the transport gracefully, forcing it after graceMs; resolves with how it ended. Safe to call again. */
  close(graceMs?: number): Promise<CloseInfo>;
}
