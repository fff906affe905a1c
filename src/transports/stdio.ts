// A server spawned as a child process, one JSON message per line on its stdin and stdout. No shell: argv
// goes as an array. On POSIX the child leads a process group of its own, so stopping it reaches whatever it
// started (a wrapper script that runs codex without exec, a helper holding its pipes), and Ctrl-C at the
// terminal reaches codex-dbg alone. Its end is noticed when it exits, not when every holder of its pipes has
// let go. stderr is always drained, line by line, into a bounded tail, so a crash can be diagnosed. Writes
// wait for 'drain' when the pipe is full, so a slow server never makes us buffer without bound.
// node:child_process rather than tinyexec: tinyexec has no writer for a long-lived child's stdin.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { DbgError } from '../core/errors.ts';
import { LineDecoder } from '../core/framing.ts';
import { preview } from '../core/messages.ts';
import { startTimer } from '../core/timers.ts';
import type { CloseInfo, Transport, TransportEvents } from '../core/transport.ts';
import { TailBuffer, stripAnsi } from './tail-buffer.ts';

/** How long a server that closed its stdout may linger before we stop it: it can never answer again. */
const STDOUT_CLOSED_GRACE_MS = 500;
/** After the server exits, how long its pipes get to close by themselves before the rest of its group is stopped. */
const PIPES_SETTLE_MS = 200;
/** How long each step of stopping (stdin closed, SIGTERM, SIGKILL) waits, unless close() is given another. */
const DEFAULT_GRACE_MS = 2000;
/** How many of the server's last stderr lines a failure shows. */
const TAIL_LINES_SHOWN = 20;

const GROUPS = process.platform !== 'win32';

export interface ChildProcessOptions {
  bin: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  maxLineBytes: number;
  /** Names the server in messages (default "codex app-server"). */
  name?: string;
  /** Each line the server writes to stderr, whole (up to MAX_STDERR_LINE_CHARS, then marked as cut). */
  onStderrLine?: (line: string) => void;
}

export class ChildProcessTransport implements Transport {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly stderr = new TailBuffer(50);
  /** Resolves once the server has exited and its pipes are closed (or given up on), with how it ended. */
  private finished: Promise<CloseInfo> | undefined;
  private ended: CloseInfo | undefined;
  /** Resolves when the server process itself has exited. */
  private exited: Promise<void> | undefined;
  private pipesClosed: Promise<void> | undefined;
  private stdinOpen = false;
  /** close() was called: another call hurries. */
  private closing = false;
  /** We began stopping the server before it exited by itself. */
  private stopRequested = false;
  private hasExited = false;
  private closedStdout = false;
  private paused = false;
  private grace = DEFAULT_GRACE_MS;
  /** Waits in progress, woken early when close() is called again with a shorter grace. */
  private readonly waits = new Set<() => void>();

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
      detached: GROUPS,
    });
    this.child = child;
    this.stdinOpen = true;

    const decoder = new LineDecoder(options.maxLineBytes, {
      line: (text, bytes) => events.message(text, bytes),
      oversize: (bytes) => events.problem(`skipped a server line of ${bytes} bytes: above --max-line-bytes ${options.maxLineBytes}`),
    });
    child.stdout.on('data', (chunk: Buffer) => decoder.push(chunk));
    child.stdout.on('end', () => {
      startTimer(STDOUT_CLOSED_GRACE_MS, () => {
        if (this.hasExited || this.stopRequested) return;
        this.closedStdout = true;
        this.stopRequested = true;
        void this.escalate('SIGTERM');
      }, { unref: true });
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
    let exitStatus: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
    this.pipesClosed = new Promise((resolve) => child.once('close', () => resolve()));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        exitStatus = { code, signal };
        this.hasExited = true;
        resolve();
      });
    });
    this.finished = new Promise<CloseInfo>((resolve) => {
      const finish = () => {
        if (this.ended) return;
        const cut = decoder.end();
        if (cut !== undefined) events.problem(`the server's last line was cut off at exit (${cut.length} chars, no newline): ${preview(cut)}`);
        const rest = this.stderr.end();
        if (rest !== undefined) options.onStderrLine?.(rest);
        this.stdinOpen = false;
        this.ended = this.closeInfo(exitStatus.code, exitStatus.signal, spawnError);
        events.close(this.ended);
        resolve(this.ended);
      };
      // A spawn error gives 'close' without 'exit'; otherwise the exit decides, and the pipes get to drain.
      this.pipesClosed?.then(finish);
      this.exited?.then(() => this.afterExit().then(finish));
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
    this.paused = true;
    this.child?.stdout.pause();
  }

  resume(): void {
    this.paused = false;
    this.child?.stdout.resume();
  }

  /**
   * Close stdin (the server exits 0 at EOF), then SIGTERM its process group after graceMs, then SIGKILL.
   * Called again while stopping (a second Ctrl-C), a shorter grace hurries what is left.
   */
  async close(graceMs = DEFAULT_GRACE_MS): Promise<CloseInfo> {
    const { child, finished } = this;
    if (!child || !finished) return this.closeInfo(null, null);
    if (this.closing) {
      this.hurry(graceMs);
      return finished;
    }
    this.closing = true;
    this.grace = graceMs;
    this.stdinOpen = false;
    child.stdin.end();
    if (this.hasExited) return finished;
    if (!this.stopRequested) {
      this.stopRequested = true;
      if (await this.within(this.exited, this.grace)) return finished;
      await this.escalate('SIGTERM');
    }
    return finished;
  }

  /** Signals the process group, SIGTERM then SIGKILL, until the server has exited. */
  private async escalate(first: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    if (first === 'SIGTERM') {
      this.signalGroup('SIGTERM');
      if (await this.within(this.exited, this.grace)) return;
    }
    this.signalGroup('SIGKILL');
  }

  /**
   * Once the server has exited: its pipes normally close at once. When they do not, something it started
   * still holds them: that is stopped too (SIGTERM, then SIGKILL), and in the end the pipes are let go.
   */
  private async afterExit(): Promise<void> {
    if (await this.within(this.pipesClosed, PIPES_SETTLE_MS, { whileReading: true })) return;
    this.signalGroup('SIGTERM');
    if (await this.within(this.pipesClosed, this.grace, { whileReading: true })) return;
    this.signalGroup('SIGKILL');
    if (await this.within(this.pipesClosed, this.grace, { whileReading: true })) return;
    // Held by a process outside the group: stop waiting for it.
    this.child?.stdout.destroy();
    this.child?.stderr.destroy();
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const child = this.child;
    if (!child?.pid) return;
    try {
      if (GROUPS) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // Nobody is left in the group.
    }
  }

  private hurry(graceMs: number): void {
    if (graceMs >= this.grace) return;
    this.grace = graceMs;
    for (const wake of [...this.waits]) wake();
  }

  /**
   * Whether `promise` settles within `ms`. A hurry ends the wait early (false). With `whileReading`, time
   * spent paused (our own output backed up) does not count, so a slow reader never loses the last lines.
   */
  private within(promise: Promise<void> | undefined, ms: number, { whileReading = false } = {}): Promise<boolean> {
    if (!promise) return Promise.resolve(true);
    return new Promise((resolve) => {
      let cancel = () => {};
      const done = (settled: boolean) => {
        cancel();
        this.waits.delete(wake);
        resolve(settled);
      };
      const wake = () => done(false);
      const arm = () => {
        cancel = startTimer(ms, () => (whileReading && this.paused ? arm() : done(false)));
      };
      this.waits.add(wake);
      arm();
      promise.then(() => done(true));
    });
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
      reason: spawnError ? 'error' : this.stopRequested && !this.closedStdout ? 'stopped' : 'exited',
      message: `${this.name} ${how}`,
      details,
      facts: { code, signal, ...(this.closedStdout ? { closedStdout: true } : {}) },
    };
  }
}
