// Spawns `codex app-server` with piped stdio and turns its stdout into lines. No shell: argv goes as an
// array. stderr is always drained into a bounded tail (and echoed live on request). Writes wait for
// 'drain' when the pipe is full, so a slow server never makes us buffer without bound.
// node:child_process rather than tinyexec: tinyexec has no writer for a long-lived child's stdin.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { DbgError } from '../core/errors.ts';
import { LineDecoder } from '../core/framing.ts';
import { TailBuffer, stripAnsi } from './tail-buffer.ts';

const STDOUT_CLOSED_GRACE_MS = 500;

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** The server's last stderr lines, ANSI stripped. */
  stderrTail: string[];
  /** Bytes the server wrote after its last newline, if any. */
  truncatedLine?: string;
  /** The server closed its stdout while still running, and we stopped it. */
  closedStdout?: boolean;
}

/** What the connection needs from a byte pipe: lines in, lines out, and the end. */
export interface LineChannel {
  onLine(listener: (line: string) => void): void;
  onClose(listener: (info: ExitInfo) => void): void;
  write(line: string): Promise<void>;
}

export interface SpawnServerOptions {
  bin: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  maxLineBytes: number;
  onStderrLine?: (line: string) => void;
  onOversize?: (bytes: number) => void;
}

export class ServerProcess implements LineChannel {
  readonly pid: number | undefined;
  readonly exited: Promise<ExitInfo>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly stderr = new TailBuffer(50);
  private readonly lineListeners: ((line: string) => void)[] = [];
  private readonly closeListeners: ((info: ExitInfo) => void)[] = [];
  private exitInfo: ExitInfo | undefined;
  private stdinOpen = true;

  constructor(private readonly options: SpawnServerOptions) {
    this.child = spawn(options.bin, options.args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.pid = this.child.pid;

    const decoder = new LineDecoder(options.maxLineBytes, {
      line: (text) => {
        for (const listener of this.lineListeners) listener(text);
      },
      oversize: (bytes) => options.onOversize?.(bytes),
    });
    this.child.stdout.on('data', (chunk: Buffer) => decoder.push(chunk));
    // A server that closes stdout can never answer again; if it lingers, stop it so nothing waits forever.
    let closedStdout = false;
    this.child.stdout.on('end', () => {
      setTimeout(() => {
        if (this.exitInfo) return;
        closedStdout = true;
        this.child.kill('SIGTERM');
      }, STDOUT_CLOSED_GRACE_MS).unref();
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => {
      for (const line of this.stderr.write(text)) options.onStderrLine?.(line);
    });
    // EPIPE on a server that already exited is reported through the exit, not as a crash.
    this.child.stdin.on('error', () => {
      this.stdinOpen = false;
    });

    this.exited = new Promise<ExitInfo>((resolve) => {
      let spawnError: Error | undefined;
      this.child.once('error', (error) => {
        spawnError = error;
      });
      // 'close' fires after stdout and stderr are drained, so the tail and the last lines are complete.
      this.child.once('close', (code, signal) => {
        const truncatedLine = decoder.end();
        const stderrTail = this.stderr.snapshot().map(stripAnsi);
        if (spawnError) stderrTail.push(`spawn error: ${spawnError.message}`);
        this.exitInfo = { code, signal, stderrTail, truncatedLine, closedStdout };
        this.stdinOpen = false;
        for (const listener of this.closeListeners) listener(this.exitInfo);
        resolve(this.exitInfo);
      });
    });
  }

  /** Resolves once the process is running; rejects with E_SPAWN when it could not be started. */
  started(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.child.pid !== undefined) return resolve();
      this.child.once('spawn', () => resolve());
      this.child.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          new DbgError('E_SPAWN', `could not start ${this.options.bin}: ${error.code ?? error.message}`, {
            cause: error,
          }),
        );
      });
    });
  }

  onLine(listener: (line: string) => void): void {
    this.lineListeners.push(listener);
  }

  onClose(listener: (info: ExitInfo) => void): void {
    if (this.exitInfo) listener(this.exitInfo);
    else this.closeListeners.push(listener);
  }

  write(line: string): Promise<void> {
    if (!this.stdinOpen) {
      return Promise.reject(new DbgError('E_CLOSED', 'the server is no longer accepting input (its stdin is closed)'));
    }
    if (this.child.stdin.write(line)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.child.stdin.off('drain', done);
        this.child.off('close', done);
        resolve();
      };
      this.child.stdin.once('drain', done);
      this.child.once('close', done);
    });
  }

  /** Stops reading the server's stdout (our own output is backed up); the pipe then slows the server. */
  pauseOutput(): void {
    this.child.stdout.pause();
  }

  resumeOutput(): void {
    this.child.stdout.resume();
  }

  stderrTail(): string[] {
    return this.stderr.snapshot().map(stripAnsi);
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** Close stdin (the server exits 0 at EOF), then SIGTERM after graceMs, then SIGKILL. */
  async shutdown(graceMs = 2000): Promise<ExitInfo> {
    if (this.exitInfo) return this.exitInfo;
    this.stdinOpen = false;
    this.child.stdin.end();
    if (await settlesWithin(this.exited, graceMs)) return this.exited;
    this.child.kill('SIGTERM');
    if (await settlesWithin(this.exited, graceMs)) return this.exited;
    this.child.kill('SIGKILL');
    return this.exited;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.exitInfo === undefined) this.child.kill(signal);
  }
}

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
