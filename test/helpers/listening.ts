// The real codex started the way users start a shared server (`codex app-server --listen ws://127.0.0.1:0`
// or `--listen unix://PATH`, with `--ws-auth …` when asked), offline against a scripted model in a fresh
// CODEX_HOME; and codex-dbg clients that keep running while a test talks to them line by line.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Script } from '../../src/scripted/model.ts';
import { ListeningServer } from '../../src/transports/listening-server.ts';
import { CLI, CODEX, makeWorld, type World } from './world.ts';

export interface SharedServer {
  world: World;
  server: ListeningServer;
  /** ws://127.0.0.1:PORT or unix://PATH. */
  url: string;
  /** Starts codex again on the same address and CODEX_HOME (after the first one was killed). */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export async function sharedServer(script: Script, listen: string, serverArgs: string[] = []): Promise<SharedServer> {
  const world = await makeWorld(script);
  const start = (address: string) =>
    ListeningServer.start({
      bin: CODEX,
      globalArgs: world.args.slice(2).map((arg) => (arg === '-c' ? '--config' : arg)),
      listen: address,
      serverArgs,
      env: world.env,
      cwd: world.workdir,
    });
  let server: ListeningServer;
  try {
    server = await start(listen);
  } catch (error) {
    await world.dispose();
    throw error;
  }
  const shared: SharedServer = {
    world,
    server,
    url: server.url,
    async restart() {
      shared.server = await start(shared.url);
    },
    async dispose() {
      await shared.server.stop(1000);
      await world.dispose();
    },
  };
  return shared;
}

/** A codex-dbg process a test feeds line by line and reads as it goes. */
export class Client {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  /** `command` runs the CLI: by default the bundle under `node` from PATH. */
  constructor(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; command?: string[] } = {}) {
    const [bin, ...pre] = options.command ?? ['node', CLI];
    this.child = spawn(bin, [...pre, ...args], { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      this.stdout += text;
    });
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderr += text;
    });
    this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
  }

  write(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  end(): void {
    this.child.stdin?.end();
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** Resolves with the first match of `pattern` in stdout or stderr; fails after timeoutMs with what was seen. */
  async waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const until = Date.now() + timeoutMs;
    let exited = false;
    this.exited.then(() => {
      exited = true;
    });
    for (;;) {
      const match = pattern.exec(this[stream]);
      if (match) return match;
      if (exited || Date.now() > until) {
        throw new Error(`${exited ? 'exited' : 'timed out'} waiting for ${pattern} on ${stream}\nstdout:\n${this.stdout.slice(-3000)}\nstderr:\n${this.stderr.slice(-3000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
