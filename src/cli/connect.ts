// Connects one live session over any transport: the connection on top of it, every message routed (recorder,
// plugins, formatter, stdout) and every server request answered (plugins; none with --observe), then the
// initialize handshake. A server request the server withdraws before the plugins answer (serverRequest/resolved,
// or its turn ended) gets no reply. With --reconnect a dropped connection is opened again (bounded, with
// backoff), initialized again, and the active thread resumed; the session goes on over the new connection.
// Data flows one way: transport message → decoded message → plugins → reply or output.
import { Connection, type Reply, type TrafficEntry } from '../core/connection.ts';
import { DbgError, ExitCode, RpcError, toDbgError } from '../core/errors.ts';
import type { RequestId, RequestMessage } from '../core/messages.ts';
import type { CloseInfo, Transport } from '../core/transport.ts';
import { ActivityTracker } from '../codex/activity.ts';
import type { Capabilities } from '../codex/protocol.ts';
import { ServerRequests } from '../codex/waiting-requests.ts';
import { Session, type ClientInfo, type ThreadParams } from '../codex/session.ts';
import type { PluginHost } from '../plugins/host.ts';
import type { RecordSink } from '../recording/recorder.ts';
import { OtherClients } from './other-clients.ts';
import type { Output } from './output.ts';
import { sleep } from '../core/timers.ts';

export interface ReconnectPolicy {
  /** A new transport to the same server. */
  open(): Transport;
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export interface LiveOptions {
  transport: Transport;
  host: PluginHost;
  output: Output;
  /** Where the session's record goes: the --record file, the inspector (--ui), or both. */
  recorder?: RecordSink;
  requestTimeoutMs: number;
  clientInfo: ClientInfo;
  /** Capabilities before the plugins add theirs. */
  capabilities: Capabilities;
  threadParams: ThreadParams;
  /** Called once the transport has started, before the handshake. */
  onStarted?: () => void;
  /** Also see every message, both ways, before the plugins (the --validate checks). */
  observers?: ((entry: TrafficEntry) => void)[];
  /** Answer no server request: another client on the same server does (--observe). */
  observe?: boolean;
  /** Open the connection again when it drops (--reconnect). */
  reconnect?: ReconnectPolicy;
}

/** A session with a server: the transport, the connection on it, and the conversation. */
export interface Live {
  /** The current transport and connection (new ones after a reconnect). */
  transport: Transport;
  connection: Connection;
  session: Session;
  /** The server's requests still waiting for an answer. */
  requests: ServerRequests;
  /** What is open: running turns, unanswered server requests, client requests without a reply. */
  activity: ActivityTracker;
  /** Resolves once the session is over for good: the connection closed and no reconnect brought it back. */
  closed: Promise<CloseInfo>;
  /** True while a dropped connection may still come back: an error from the old one is not the end. */
  readonly reconnecting: boolean;
  /** Ends the session: no more reconnects, the current transport closed (forced after graceMs). */
  close(graceMs?: number): Promise<CloseInfo>;
}

export async function connect(options: LiveOptions): Promise<Live> {
  const { host, output, recorder } = options;
  const say = (text: string) => output.stderrLine(`codex-dbg: ${text}`);
  const others = new OtherClients({
    observe: Boolean(options.observe),
    say,
    onResolvedElsewhere: (id, method) => recorder?.event('resolved-elsewhere', { id, method }),
  });
  const requests = new ServerRequests();
  const activity = new ActivityTracker({ requestTimeoutMs: options.requestTimeoutMs });
  const observers = options.observers ?? [];
  let session: Session | undefined;

  // The connection sends whatever this settles with; for a withdrawn request it never settles, so nothing is sent.
  const answer = async (request: RequestMessage): Promise<Reply> => {
    requests.received(request);
    const reply = await host.answer(request);
    if (requests.isWaiting(request.id)) return reply;
    recorder?.event('withheld', { id: request.id, method: request.method, reason: 'the server withdrew the request before it was answered' });
    return new Promise<Reply>(() => {});
  };

  const open = (transport: Transport): Connection => {
    const connection = new Connection(transport, {
      requestTimeoutMs: options.requestTimeoutMs,
      observeOnly: options.observe,
      onServerRequest: answer,
      onNotification: (notification) => {
        requests.handleNotification(notification);
        session?.handleNotification(notification);
      },
      onTraffic: (entry: TrafficEntry) => {
        if (entry.direction === 'out' && (entry.kind === 'response' || entry.kind === 'error')) requests.answered((entry.message as { id: RequestId }).id);
        recorder?.message(entry);
        others.watch(entry);
        activity.observe(entry);
        for (const observe of observers) observe(entry);
        const text = host.observe(entry);
        // stdout is backed up: stop reading until it drains, so the server waits instead of us buffering.
        if (text !== undefined && !output.stdout(text)) {
          transport.pause();
          output.drain().then(() => transport.resume());
        }
      },
      onProblem: (text) => {
        recorder?.event('problem', { text });
        say(text);
      },
    });
    connection.closed.then((info: CloseInfo) => {
      activity.clear();
      recorder?.event('server-exit', { reason: info.reason, ...info.facts });
    });
    return connection;
  };
  const handshake = () => (session as Session).initialize(options.clientInfo, host.capabilities(options.capabilities));

  const first = open(options.transport);
  await first.start();
  options.onStarted?.();
  session = new Session(first, options.threadParams);
  try {
    await handshake();
  } catch (error) {
    await options.transport.close(500);
    // A server that refuses initialize failed to start (exit 3), like one that dies during it.
    throw error instanceof RpcError ? new DbgError('E_RPC', `the server failed to start: ${error.message}`, { exitCode: ExitCode.serverFailed, cause: error }) : error;
  }

  let stopped = false;
  let gaveUp = !options.reconnect;
  let finish: (info: CloseInfo) => void = () => {};
  const live: Live = {
    transport: options.transport,
    connection: first,
    session,
    requests,
    activity,
    closed: new Promise((resolve) => {
      finish = resolve;
    }),
    get reconnecting() {
      return !gaveUp && !stopped;
    },
    close(graceMs) {
      stopped = true;
      return live.transport.close(graceMs);
    },
  };

  /** Opens the connection again until it works or the attempts run out; undefined when it gave up. */
  const reconnect = async (policy: ReconnectPolicy, lost: CloseInfo): Promise<Connection | undefined> => {
    let last = '';
    for (let attempt = 1; attempt <= policy.attempts && !stopped; attempt++) {
      const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
      say(`${attempt === 1 ? `${lost.message}; ` : ''}reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${attempt} of ${policy.attempts})${last ? ` after: ${last}` : ''}`);
      await sleep(delay);
      if (stopped) return undefined;
      const transport = policy.open();
      const connection = open(transport);
      try {
        await connection.start();
        session?.rebind(connection);
        await handshake();
      } catch (error) {
        last = toDbgError(error).message;
        await transport.close(200);
        continue;
      }
      live.transport = transport;
      live.connection = connection;
      recorder?.event('reconnected', { attempt, peer: transport.peer });
      say(`reconnected to ${transport.peer} (attempt ${attempt})`);
      await resumeAfterReconnect(live.session, say);
      return connection;
    }
    return undefined;
  };

  const watch = (connection: Connection) => {
    connection.closed.then(async (info) => {
      const policy = options.reconnect;
      if (stopped || !policy || info.reason === 'stopped') return finish(info);
      const next = await reconnect(policy, info);
      if (next) return watch(next);
      gaveUp = true;
      finish({ ...info, message: stopped ? info.message : `${info.message}; gave up reconnecting after ${policy.attempts} attempts` });
    });
  };
  watch(first);
  return live;
}

/** Subscribes to the active thread again and says what became of a turn that was running (then settles it). */
async function resumeAfterReconnect(session: Session, say: (text: string) => void): Promise<void> {
  if (!session.threadId) return say('no thread was active');
  const threadId = session.threadId;
  try {
    const { thread, turn, finish } = await session.recover();
    const resumed = `resumed thread ${threadId} (${thread?.status})`;
    if (!turn) say(resumed);
    else if (turn.status === 'inProgress') say(`${resumed}; turn ${turn.id} is still running, its events follow`);
    else say(`${resumed}; turn ${turn.id} ended while the connection was down (${turn.status})`);
    finish();
  } catch (error) {
    say(`could not resume thread ${threadId}: ${toDbgError(error).message}`);
  }
}
