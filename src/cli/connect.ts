// Wires one live session: spawn the server, connect, route every message (recorder, plugins, formatter,
// stdout) and every server request (plugins), then the initialize handshake. Data flows one way:
// server line → decoded message → plugins → reply or output.
import { Connection, type TrafficEntry } from '../core/connection.ts';
import type { Output } from './output.ts';
import type { PluginHost } from '../plugins/host.ts';
import type { Recorder } from '../recording/recorder.ts';
import { Session, type ClientInfo, type ThreadParams } from '../codex/session.ts';
import { ServerProcess, type ExitInfo } from '../transports/stdio.ts';

export interface ClientOptions {
  codexPath: string;
  /** `-c key=value` pairs, passed on as `--config key=value`. */
  configOverrides: string[];
  env?: NodeJS.ProcessEnv;
  requestTimeoutMs: number;
  maxLineBytes: number;
  /** Echo the server's stderr live. */
  serverLog: boolean;
  host: PluginHost;
  output: Output;
  recorder?: Recorder;
  clientInfo: ClientInfo;
  experimentalApi: boolean;
  optOutNotificationMethods: string[];
  threadParams: ThreadParams;
}

export class Client {
  private constructor(
    readonly server: ServerProcess,
    readonly connection: Connection,
    readonly session: Session,
    readonly initializeResult: unknown,
  ) {}

  static async start(options: ClientOptions): Promise<Client> {
    const { output, recorder, host } = options;
    const args = [...options.configOverrides.flatMap((kv) => ['--config', kv]), 'app-server'];
    recorder?.event('spawn', { bin: options.codexPath, args });
    const server = new ServerProcess({
      bin: options.codexPath,
      args,
      env: options.env,
      maxLineBytes: options.maxLineBytes,
      onStderrLine: (line) => {
        recorder?.stderr(line);
        if (options.serverLog) output.line(line);
      },
      onOversize: (bytes) => {
        const text = `skipped a server line of ${bytes} bytes: above --max-line-bytes ${options.maxLineBytes}`;
        recorder?.event('problem', { text });
        output.line(`codex-dbg: ${text}`);
      },
    });
    await server.started();
    recorder?.event('spawned', { pid: server.pid });
    let session: Session | undefined;
    const connection = new Connection(server, {
      requestTimeoutMs: options.requestTimeoutMs,
      onServerRequest: (request) => host.answer(request),
      onNotification: (notification) => session?.handleNotification(notification),
      onTraffic: (entry: TrafficEntry) => {
        recorder?.message(entry);
        const text = host.observe(entry);
        if (text !== undefined && !output.write(text)) {
          server.pauseOutput();
          output.drain().then(() => server.resumeOutput());
        }
      },
      onProblem: (text) => {
        recorder?.event('problem', { text });
        output.line(`codex-dbg: ${text}`);
      },
    });
    connection.onClose((info) => {
      recorder?.event('server-exit', { code: info.code, signal: info.signal, closedStdout: info.closedStdout });
      if (info.truncatedLine !== undefined) {
        const cut = info.truncatedLine;
        const text = `the server's last line was cut off at exit (${cut.length} chars, no newline): ${cut.length > 200 ? `${cut.slice(0, 200)}…` : cut}`;
        recorder?.event('problem', { text });
        output.line(`codex-dbg: ${text}`);
      }
    });
    session = new Session(connection, options.threadParams);
    const capabilities = host.capabilities({
      experimentalApi: options.experimentalApi,
      ...(options.optOutNotificationMethods.length ? { optOutNotificationMethods: options.optOutNotificationMethods } : {}),
    });
    try {
      const result = await session.initialize(options.clientInfo, capabilities);
      return new Client(server, connection, session, result);
    } catch (error) {
      await server.shutdown(500);
      throw error;
    }
  }

  /** Ends the server: close its stdin, then terminate after the grace period. */
  async close(graceMs = 2000): Promise<ExitInfo> {
    return this.server.shutdown(graceMs);
  }
}
