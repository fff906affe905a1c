// Where running taps can be found by `watch`: a per-user directory (mode 0700) holding one Unix socket per
// tap (mode 0600), named tap-<pid>.sock. No network port, nothing another user can open. A tap sends each
// connected watcher JSON Lines: a hello (pid, cwd, client name once known, the inspector's address with
// its token under --ui), then the traffic. A watcher
// that falls behind loses events rather than slowing the tap (the tap's bytes never wait for a watcher).
import { chmodSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DbgError } from '../core/errors.ts';
import { sleep } from '../core/timers.ts';

/** What a tap tells a watcher, one JSON object per line. */
export type TapEvent =
  | { type: 'hello'; pid: number; cwd: string; client?: string; startedAt: string; command: string[]; inspector?: string }
  | { type: 'client'; name: string }
  | { type: 'line'; dir: 'in' | 'out'; text: string }
  | { type: 'skipped'; dir: 'in' | 'out'; bytes: number; why: string }
  | { type: 'problem'; text: string }
  | { type: 'exit'; code: number | null; signal: string | null };

/** A watcher this far behind (bytes queued) misses events until it catches up. */
const WATCHER_BACKLOG = 8 * 1024 * 1024;
/** Lines longer than this are announced as skipped rather than sent to watchers. */
export const WATCH_LINE_LIMIT = 1024 * 1024;

export function rendezvousDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CODEX_DBG_TAP_DIR) return env.CODEX_DBG_TAP_DIR;
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : (env.USERNAME ?? 'user');
  return join(env.XDG_RUNTIME_DIR ?? tmpdir(), `codex-dbg-${user}`);
}

/** Makes the directory (0700), or checks that an existing one is ours, a real directory, and private. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  const unsafe = (why: string) => new DbgError('E_USAGE', `${dir}: ${why}; taps will not announce themselves there (remove it, or set CODEX_DBG_TAP_DIR)`);
  if (!stat.isDirectory()) throw unsafe('not a directory');
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) throw unsafe('owned by another user');
  if ((stat.mode & 0o077) !== 0) throw unsafe(`mode ${(stat.mode & 0o777).toString(8)} lets other users in (expected 700)`);
}

export function socketPath(dir: string, pid: number): string {
  return join(dir, `tap-${pid}.sock`);
}

/** The sockets of taps in the directory (some may be stale: their tap died). */
export function listTapSockets(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => /^tap-\d+\.sock$/.test(name))
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

/** The tap's side: listens on its socket and sends every watcher the hello, then each event. */
export class TapAnnouncer {
  private readonly watchers = new Set<Socket>();
  private hello: Extract<TapEvent, { type: 'hello' }>;
  private closed = false;

  private constructor(
    private readonly server: Server,
    readonly path: string,
    hello: Extract<TapEvent, { type: 'hello' }>,
  ) {
    this.hello = hello;
    server.on('connection', (socket) => {
      socket.on('error', () => this.watchers.delete(socket));
      socket.on('close', () => this.watchers.delete(socket));
      socket.resume();
      socket.write(`${JSON.stringify(this.hello)}\n`);
      this.watchers.add(socket);
    });
  }

  static open(dir: string, hello: Extract<TapEvent, { type: 'hello' }>): Promise<TapAnnouncer> {
    ensurePrivateDir(dir);
    const path = socketPath(dir, hello.pid);
    // Bound under a name watchers ignore, made 0600, then given its real name: never seen with wider rights.
    const binding = join(dir, `.tap-${hello.pid}.binding`);
    rmSync(binding, { force: true });
    const server = createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(binding, () => {
        chmodSync(binding, 0o600);
        renameSync(binding, path);
        server.off('error', reject);
        server.on('error', () => {});
        server.unref();
        resolve(new TapAnnouncer(server, path, hello));
      });
    });
  }

  get watching(): boolean {
    return this.watchers.size > 0;
  }

  /** The front end named itself in initialize: later watchers get it in the hello. */
  setClient(name: string): void {
    this.hello = { ...this.hello, client: name };
    this.send({ type: 'client', name });
  }

  send(event: TapEvent): void {
    if (this.watchers.size === 0) return;
    const text = `${JSON.stringify(event)}\n`;
    for (const socket of this.watchers) {
      if (socket.writableLength < WATCHER_BACKLOG) socket.write(text);
    }
  }

  /** Tells watchers how it ended, then removes the socket. Safe to call again. */
  async close(exit?: Extract<TapEvent, { type: 'exit' }>): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (exit) this.send(exit);
    // A watcher gets a moment to take the last events; a stuck one does not hold the tap's exit.
    await Promise.race([
      Promise.all([...this.watchers].map((socket) => new Promise<void>((resolve) => socket.end(resolve)))),
      sleep(500, { unref: true }),
    ]);
    for (const socket of this.watchers) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.path, { force: true });
  }
}
