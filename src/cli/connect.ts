// Connects one live session over any transport: the connection on top of it, every message routed (recorder,
// plugins, formatter, stdout) and every server request answered (plugins), then the initialize handshake.
// Data flows one way: transport message → decoded message → plugins → reply or output. A server request
// the server withdraws before the plugins answer (serverRequest/resolved, or its turn ended) gets no reply.
import { Connection, type Reply, type TrafficEntry } from '../core/connection.ts';
import { DbgError, ExitCode, RpcError } from '../core/errors.ts';
import type { RequestId, RequestMessage } from '../core/messages.ts';
import type { CloseInfo, Transport } from '../core/transport.ts';
import { ActivityTracker } from '../codex/activity.ts';
import type { Capabilities } from '../codex/protocol.ts';
import { ServerRequests } from '../codex/waiting-requests.ts';
import { Session, type ClientInfo, type ThreadParams } from '../codex/session.ts';
import type { PluginHost } from '../plugins/host.ts';
import type { Recorder } from '../recording/recorder.ts';
import type { Output } from './output.ts';

export interface LiveOptions {
  transport: Transport;
  host: PluginHost;
  output: Output;
  recorder?: Recorder;
  requestTimeoutMs: number;
  clientInfo: ClientInfo;
  /** Capabilities before the plugins add theirs. */
  capabilities: Capabilities;
  threadParams: ThreadParams;
  /** Called once the transport has started, before the handshake. */
  onStarted?: () => void;
  /** Also see every message, both ways, before the plugins (the --validate checks). */
  observers?: ((entry: TrafficEntry) => void)[];
}

/** A session with a server: the transport, the connection on it, and the conversation. */
export interface Live {
  transport: Transport;
  connection: Connection;
  session: Session;
  /** The server's requests still waiting for an answer. */
  requests: ServerRequests;
  /** What is open: running turns, unanswered server requests, client requests without a reply. */
  activity: ActivityTracker;
}

export async function connect(options: LiveOptions): Promise<Live> {
  const { transport, host, output, recorder } = options;
  let session: Session | undefined;
  const requests = new ServerRequests();
  // The connection sends whatever this settles with; for a withdrawn request it never settles, so nothing is sent.
  const answer = async (request: RequestMessage): Promise<Reply> => {
    requests.received(request);
    const reply = await host.answer(request);
    if (requests.isWaiting(request.id)) return reply;
    recorder?.event('withheld', { id: request.id, method: request.method, reason: 'the server withdrew the request before it was answered' });
    return new Promise<Reply>(() => {});
  };
  const activity = new ActivityTracker({ requestTimeoutMs: options.requestTimeoutMs });
  const observers = options.observers ?? [];
  const connection = new Connection(transport, {
    requestTimeoutMs: options.requestTimeoutMs,
    onServerRequest: answer,
    onNotification: (notification) => {
      requests.handleNotification(notification);
      session?.handleNotification(notification);
    },
    onTraffic: (entry: TrafficEntry) => {
      if (entry.direction === 'out' && (entry.kind === 'response' || entry.kind === 'error')) requests.answered((entry.message as { id: RequestId }).id);
      recorder?.message(entry);
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
      output.stderrLine(`codex-dbg: ${text}`);
    },
  });
  connection.closed.then((info: CloseInfo) => {
    activity.clear();
    recorder?.event('server-exit', { reason: info.reason, ...info.facts });
  });
  await connection.start();
  options.onStarted?.();
  session = new Session(connection, options.threadParams);
  try {
    await session.initialize(options.clientInfo, host.capabilities(options.capabilities));
  } catch (error) {
    await transport.close(500);
    // A server that refuses initialize failed to start (exit 3), like one that dies during it.
    throw error instanceof RpcError ? new DbgError('E_RPC', `the server failed to start: ${error.message}`, { exitCode: ExitCode.serverFailed, cause: error }) : error;
  }
  return { transport, connection, session, requests, activity };
}
