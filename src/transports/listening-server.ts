// `codex app-server --listen …` spawned as a server that clients connect to (`--spawn-listen`, the tests).
// A ws server names its port only in a stderr banner (`  listening on: ws://127.0.0.1:PORT`); a unix
// server prints nothing, so its socket is polled until it accepts a connection. Such a server ignores
// EOF on stdin: it is stopped by pid, SIGTERM (which waits for running turns), a second SIGTERM (which
// forces it), then SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { DbgError } from '../core/errors.ts';
import { sleep } from '../core/timers.ts';
import { defaultControlSocket, socketTarget } from './endpoint.ts';
import { reach } from './probe.ts';
import { TailBuffer, stripAnsi } from './tail-buffer.ts';

const BANNER = /^\s*listening on: (ws:\/\/\S+)\s*$/;
const TAIL_LINES_SHOWN = 20;

export interface ListenOptions {
  bin: string;
  /** Everything before `app-server` (the `--config` overrides). */
  globalArgs?: string[];
  /** `ws://IP:PORT` (port 0 picks a free one) or `unix://PATH`. */
  listen: string;
  /** After `--listen`: `--ws-auth capability-token --ws-token-file F`, … */
  serverArgs?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  onStderrLine?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ListeningServer {
  private readonly stderr = new TailBuffer(50);
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;

  /** Who reads each stderr line: the caller's listener, and the banner search until it succeeds. */
  private readonly lineListeners = new Set<(line: string) => void>();

  private constructor(
    private readonly child: ChildProcess,
    onStderrLine?: (line: string) => void,
  ) {
    if (onStderrLine) this.lineListeners.add(onStderrLine);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      for (const line of this.stderr.write(text)) for (const listener of this.lineListeners) listener(line);
    });
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  /** The address clients connect to: `ws://127.0.0.1:PORT` or `unix://PATH`. */
  url = '';

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Spawns the server and resolves once it accepts connections. */
  static async start(options: ListenOptions): Promise<ListeningServer> {
    const args = [...(options.globalArgs ?? []), 'app-server', '--listen', options.listen, ...(options.serverArgs ?? [])];
    const child = spawn(options.bin, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
    const server = new ListeningServer(child, options.onStderrLine);
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error: NodeJS.ErrnoException) => reject(new DbgError('E_SPAWN', `could not start ${options.bin}: ${error.code ?? error.message}`, { cause: error })));
    });
    await spawned;
    const timeoutMs = options.readyTimeoutMs ?? 30_000;
    try {
      server.url = options.listen.startsWith('unix://') ? await server.socketReady(options, timeoutMs) : await server.banner(timeoutMs);
    } catch (error) {
      await server.stop(500);
      throw error;
    }
    return server;
  }

  /** The server's last stderr lines, headed, for a message about its end. */
  diagnosis(): string[] {
    const tail = this.stderr.snapshot().map(stripAnsi).slice(-TAIL_LINES_SHOWN);
    const exit = this.exit ? [`codex app-server (pid ${this.pid}) ${this.exit.signal ? `was killed by ${this.exit.signal}` : `exited with code ${this.exit.code}`}`] : [];
    return [...exit, ...(tail.length ? ["last lines of the server's stderr:", ...tail.map((line) => `  ${line}`)] : [])];
  }

  /** SIGTERM (running turns drain), again after graceMs (forced), then SIGKILL. Resolves with how it ended. */
  async stop(graceMs = 2000): Promise<Exit> {
    if (this.exit) return this.exit;
    for (const signal of ['SIGTERM', 'SIGTERM', 'SIGKILL'] as const) {
      this.child.kill(signal);
      const exited = await Promise.race([this.exited.then(() => true), sleep(graceMs, { unref: true }).then(() => false)]);
      if (exited) break;
    }
    return this.exited;
  }

  private banner(timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const onLine = (line: string) => {
        const match = BANNER.exec(stripAnsi(line));
        if (match) done(() => resolve(match[1]));
      };
      const done = (then: () => void) => {
        clearTimeout(timer);
        this.lineListeners.delete(onLine);
        then();
      };
      const fail = (what: string) => done(() => reject(new DbgError('E_SPAWN', `codex app-server ${what}`, { details: this.diagnosis() })));
      const timer = setTimeout(() => fail(`printed no "listening on:" banner within ${timeoutMs / 1000} s`), timeoutMs);
      this.lineListeners.add(onLine);
      this.exited.then(() => fail('exited before it listened'));
    });
  }

  private async socketReady(options: ListenOptions, timeoutMs: number): Promise<string> {
    const given = options.listen.slice('unix://'.length);
    // codex resolves a relative PATH against its own working directory.
    const path = given === '' ? defaultControlSocket(options.env ?? process.env) : resolve(options.cwd ?? process.cwd(), given);
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (this.exit) throw new DbgError('E_SPAWN', 'codex app-server exited before it listened', { details: this.diagnosis() });
      if ((await reach({ path: socketTarget(path) }, 1000)).ok) return `unix://${path}`;
      if (Date.now() > until) throw new DbgError('E_SPAWN', `codex app-server did not open ${path} within ${timeoutMs / 1000} s`, { details: this.diagnosis() });
      await sleep(50);
    }
  }
}
