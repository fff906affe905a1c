// Connects one live session over any transport: the connection on top of it, every message routed (recorder,
// plugins, formatter, stdout) and every server request answered (plugins), then the initialize handshake.
// Data flows one way: transport message → decoded message → plugins → reply or output.
import { Connection, type TrafficEntry } from '../core/connection.ts';
import type { CloseInfo, Transport } from '../core/transport.ts';
import type { Capabilities } from '../codex/protocol.ts';
import { Session, type ClientInfo, type ThreadParams } from '../codex/session.ts';
import type { PluginHost } from '../plugins/host.ts';
import type { RecordSink } from '../recording/recorder.ts';
import type { Output } from './output.ts';

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
}

/** A session with a server: the transport, the connection on it, and the conversation. */
export interface Live {
  transport: Transport;
  connection: Connection;
  session: Session;
}

export async function connect(options: LiveOptions): Promise<Live> {
  const { transport, host, output, recorder } = options;
  let session: Session | undefined;
  const connection = new Connection(transport, {
    requestTimeoutMs: options.requestTimeoutMs,
    onServerRequest: (request) => host.answer(request),
    onNotification: (notification) => session?.handleNotification(notification),
    onTraffic: (entry: TrafficEntry) => {
      recorder?.message(entry.direction, entry.message, entry.line);
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
  connection.closed.then((info: CloseInfo) => recorder?.event('server-exit', { reason: info.reason, ...info.facts }));
  await connection.start();
  options.onStarted?.();
  session = new Session(connection, options.threadParams);
  try {
    await session.initialize(options.clientInfo, host.capabilities(options.capabilities));
  } catch (error) {
    await transport.close(500);
    throw error;
  }
  return { transport, connection, session };
}
