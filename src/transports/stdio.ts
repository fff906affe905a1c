// A server spawned as a child process, one JSON message per line on its stdin and stdout. No shell: argv
// goes as an array. stderr is always drained into a bounded tail (and handed on line by line), so a crash
// can be diagnosed. Writes wait for 'drain' when the pipe is full, so a slow server never makes us buffer
// without bound. node:child_process rather than tinyexec: tinyexec has no writer for a long-lived child's stdin.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { DbgError } from '../core/errors.ts';
import { LineDecoder } from '../core/framing.ts';
import { preview } from '../core/messages.ts';
import type { CloseInfo, Transport, TransportEvents } from '../core/transport.ts';
import { TailBuffer, stripAnsi } from './tail-buffer.ts';

/** How long a server that closed its stdout may linger before we stop it: it can never answer again. */
const STDOUT_CLOSED_GRACE_MS = 500;
/** How many of the server's last stderr lines a failure shows. */
const TAIL_LINES_SHOWN = 20;

export interface ChildProcessOptions {
  bin: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  maxLineBytes: number;
  /** Names the server in messages (default "codex app-server"). */
  name?: string;
  /** Each line the server writes to stderr, as written. */
  onStderrLine?: (line: string) => void;
}

export class ChildProcessTransport implements Transport {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly stderr = new TailBuffer(50);
  private exited: Promise<CloseInfo> | undefined;
  private ended: CloseInfo | undefined;
  private stdinOpen = false;
  private stopping = false;
  private closedStdout = false;

  constructor(private readonly options: ChildProcessOptions) {}

  get name(): string {
    return this.options.name ?? 'codex app-server';
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get peer(): string {
    return this.pid === undefined ? this.name : `${this.name} (pid ${this.pid})`;
  }

  start(events: TransportEvents): Promise<void> {
    const { options } = this;
    const child = spawn(options.bin, options.args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    this.stdinOpen = true;

    const decoder = new LineDecoder(options.maxLineBytes, {
      line: (text, bytes) => events.message(text, bytes),
      oversize: (bytes) => events.problem(`skipped a server line of ${bytes} bytes: above --max-line-bytes ${options.maxLineBytes}`),
    });
    child.stdout.on('data', (chunk: Buffer) => decoder.push(chunk));
    child.stdout.on('end', () => {
      setTimeout(() => {
        if (this.ended) return;
        this.closedStdout = true;
        child.kill('SIGTERM');
      }, STDOUT_CLOSED_GRACE_MS).unref();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      for (const line of this.stderr.write(text)) options.onStderrLine?.(line);
    });
    // EPIPE on a server that already exited is reported through the exit, not as a crash.
    child.stdin.on('error', () => {
      this.stdinOpen = false;
    });

    let spawnError: NodeJS.ErrnoException | undefined;
    this.exited = new Promise<CloseInfo>((resolve) => {
      // 'close' fires after stdout and stderr are drained, so the tail and the last lines are complete.
      child.once('close', (code, signal) => {
        const cut = decoder.end();
        if (cut !== undefined) events.problem(`the server's last line was cut off at exit (${cut.length} chars, no newline): ${preview(cut)}`);
        this.stdinOpen = false;
        this.ended = this.closeInfo(code, signal, spawnError);
        events.close(this.ended);
        resolve(this.ended);
      });
    });

    return new Promise((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (error: NodeJS.ErrnoException) => {
        spawnError = error;
        reject(new DbgError('E_SPAWN', `could not start ${options.bin}: ${error.code ?? error.message}`, { cause: error }));
      });
    });
  }

  send(text: string): Promise<void> {
    const child = this.child;
    if (!child || !this.stdinOpen) {
      return Promise.reject(new DbgError('E_CLOSED', `${this.name} is no longer accepting input (its stdin is closed)`));
    }
    if (child.stdin.write(`${text}\n`)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        child.stdin.off('drain', done);
        child.off('close', done);
        resolve();
      };
      child.stdin.once('drain', done);
      child.once('close', done);
    });
  }

  /** Stops reading the server's stdout; the full pipe then slows the server down. */
  pause(): void {
    this.child?.stdout.pause();
  }

  resume(): void {
    this.child?.stdout.resume();
  }

  /** Close stdin (the server exits 0 at EOF), then SIGTERM after graceMs, then SIGKILL. */
  async close(graceMs = 2000): Promise<CloseInfo> {
    const { child, exited } = this;
    if (!child || !exited) return this.closeInfo(null, null);
    if (this.ended) return this.ended;
    this.stopping = true;
    this.stdinOpen = false;
    child.stdin.end();
    if (await settlesWithin(exited, graceMs)) return exited;
    child.kill('SIGTERM');
    if (await settlesWithin(exited, graceMs)) return exited;
    child.kill('SIGKILL');
    return exited;
  }

  private closeInfo(code: number | null, signal: NodeJS.Signals | null, spawnError?: NodeJS.ErrnoException): CloseInfo {
    const tail = this.stderr.snapshot().map(stripAnsi).slice(-TAIL_LINES_SHOWN);
    if (spawnError) tail.push(`spawn error: ${spawnError.message}`);
    const details = tail.length ? ["last lines of the server's stderr:", ...tail.map((line) => `  ${line}`)] : [];
    const how = this.closedStdout
      ? 'closed its stdout while still running (codex-dbg stopped it)'
      : signal
        ? `was killed by ${signal}`
        : `exited with code ${code}`;
    return {
      reason: spawnError ? 'error' : this.stopping ? 'stopped' : 'exited',
      message: `${this.name} ${how}`,
      details,
      facts: { code, signal, ...(this.closedStdout ? { closedStdout: true } : {}) },
    };
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
