// A transparent stdio relay between a front end and the server it thinks it started: bytes from the front
// end go to the server's stdin and the server's stdout and stderr come back, unchanged and in order, each
// chunk forwarded before anything looks at it. Observers get whole lines afterwards, and whatever they do
// (throw, fall behind) never touches the bytes: that is the tap's fail-open rule. With an interceptor, a
// server request it answers is kept from the front end and its reply goes to the server between the front
// end's own lines.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Buffer } from 'node:buffer';
import type { Readable, Writable } from 'node:stream';
import { DbgError } from '../core/errors.ts';
import { LineDecoder } from '../core/framing.ts';

/** As in a recording: 'out' is the front end to the server, 'in' the server to the front end. */
export type TapDirection = 'in' | 'out';

export interface TapObserver {
  /** One whole line (without its newline) that has already been forwarded. */
  line(direction: TapDirection, text: string): void;
  /** A line above the observation limit was forwarded but not observed. */
  oversize(direction: TapDirection, bytes: number): void;
  /** One line of the server's stderr (already forwarded). */
  stderr(line: string): void;
  /** Whether anyone looks at server lines now; when not, they are forwarded without being split. */
  watchingServer(): boolean;
}

/**
 * Decides about each whole server line before the front end sees it: undefined forwards it, 'drop' keeps
 * it back, a promise holds this line and every later one until it settles, then sends the reply line it
 * gives to the server (and drops the request) or, given undefined, forwards the request after all.
 */
export type Interceptor = (text: string) => undefined | 'drop' | Promise<string | undefined>;

export interface TapRelayOptions {
  bin: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  client: { input: Readable; output: Writable; errors: Writable };
  observer: TapObserver;
  /** Lines longer than this are forwarded but not observed (nor intercepted). */
  observeLimit: number;
  interceptor?: Interceptor;
  /** An observer failed; said on the side channel, never in the protocol stream. */
  onObserverError(error: unknown): void;
}

export interface TapExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** In intercept mode a server line is held until whole, up to this size; a longer one streams through. */
const HOLD_LIMIT = 1024 * 1024;
const LF = 0x0a;

export class TapRelay {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly toServer = new LineAlignedWriter();

  constructor(private readonly options: TapRelayOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the server and relays; `exited` resolves with how the server ended once its output is all forwarded. */
  start(): { spawned: Promise<void>; exited: Promise<TapExit> } {
    const { options } = this;
    const { input, output, errors } = options.client;
    const child = spawn(options.bin, options.args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.child = child;
    const observe = (what: () => void) => {
      try {
        what();
      } catch (error) {
        options.onObserverError(error);
      }
    };

    // Front end → server: forward first, then observe.
    this.toServer.attach(child.stdin);
    const clientLines = new LineDecoder(options.observeLimit, {
      line: (text) => observe(() => options.observer.line('out', text)),
      oversize: (bytes) => observe(() => options.observer.oversize('out', bytes)),
    });
    input.on('data', (chunk: Buffer) => {
      if (!this.toServer.write(chunk)) {
        input.pause();
        this.toServer.onDrain(() => input.resume());
      }
      observe(() => clientLines.push(chunk));
    });
    input.on('end', () => this.toServer.end());
    input.on('error', () => this.toServer.end());
    child.stdin.on('error', () => {});

    // Server → front end.
    const serverLines = new LineDecoder(options.observeLimit, {
      line: (text) => observe(() => options.observer.line('in', text)),
      oversize: (bytes) => observe(() => options.observer.oversize('in', bytes)),
    });
    let observingServer = false;
    const forward = (chunk: Buffer) => {
      if (!output.write(chunk)) {
        child.stdout.pause();
        output.once('drain', () => child.stdout.resume());
      }
    };
    const lookAt = (chunk: Buffer) => {
      // Start splitting only at a line boundary, so the decoder never sees half a line.
      if (!observingServer) observingServer = options.observer.watchingServer();
      if (observingServer) observe(() => serverLines.push(chunk));
    };
    const serverOut = options.interceptor
      ? new InterceptingForwarder(options.interceptor, forward, (reply) => {
          this.toServer.inject(reply);
          // Observers see our reply as the front end's side of the conversation.
          observe(() => options.observer.line('out', reply));
        }, lookAt)
      : undefined;
    let atBoundary = true;
    child.stdout.on('data', (chunk: Buffer) => {
      if (serverOut) return serverOut.push(chunk);
      forward(chunk);
      if (!observingServer && !atBoundary) {
        atBoundary = chunk[chunk.length - 1] === LF;
        return;
      }
      lookAt(chunk);
      atBoundary = chunk[chunk.length - 1] === LF;
    });
    // The front end stopped reading: the server sees the closed pipe, as it would without the tap.
    output.on('error', () => child.stdout.destroy());

    const stderrLines = new LineDecoder(64 * 1024, { line: (text) => observe(() => options.observer.stderr(text)), oversize: () => {} });
    child.stderr.on('data', (chunk: Buffer) => {
      errors.write(chunk);
      observe(() => stderrLines.push(chunk));
    });
    errors.on('error', () => {});

    const exited = new Promise<TapExit>((resolve) => {
      child.once('close', async (code, signal) => {
        // Lines held behind an unanswered request still go out, then whatever was left without a newline.
        await serverOut?.end();
        // Resolve once the front end's stdout has taken every byte.
        output.write('', () => resolve({ code, signal }));
      });
    });
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (error: NodeJS.ErrnoException) => {
        reject(new DbgError('E_SPAWN', `could not start ${options.bin}: ${error.code ?? error.message}`, { cause: error }));
      });
    });
    return { spawned, exited };
  }

  /** Passes a signal on to the server. */
  kill(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }
}

/**
 * Writes the front end's bytes to the server as they come, and slips in lines of our own (intercepted
 * replies) only where the front end's stream is at a line boundary, so no line is ever split by another.
 */
class LineAlignedWriter {
  private stdin: Writable | undefined;
  private atBoundary = true;
  private injected: string[] = [];
  private ending = false;

  attach(stdin: Writable): void {
    this.stdin = stdin;
  }

  write(chunk: Buffer): boolean {
    const stdin = this.stdin as Writable;
    if (this.injected.length === 0 || this.atBoundary) {
      this.flushInjected();
      this.atBoundary = chunk[chunk.length - 1] === LF;
      return stdin.write(chunk);
    }
    // Finish the front end's open line, then our lines, then the rest.
    const nl = chunk.indexOf(LF);
    if (nl === -1) return stdin.write(chunk);
    stdin.write(chunk.subarray(0, nl + 1));
    this.atBoundary = true;
    this.flushInjected();
    return this.write(chunk.subarray(nl + 1));
  }

  inject(line: string): void {
    this.injected.push(`${line}\n`);
    if (this.atBoundary) this.flushInjected();
  }

  onDrain(listener: () => void): void {
    this.stdin?.once('drain', listener);
  }

  end(): void {
    if (this.ending) return;
    this.ending = true;
    this.flushInjected();
    this.stdin?.end();
  }

  private flushInjected(): void {
    if (this.injected.length === 0 || !this.stdin || this.stdin.writableEnded) return;
    const lines = this.injected;
    this.injected = [];
    this.stdin.write(lines.join(''));
  }
}

/**
 * Server output in intercept mode: each line is held until whole (up to HOLD_LIMIT, beyond which it
 * streams through unexamined) and shown to the interceptor; while an answer is awaited, later lines wait
 * behind it, so the front end still sees the server's lines in order.
 */
class InterceptingForwarder {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private streaming = false;
  /** Whole lines (with their newline) waiting behind an unanswered request. */
  private queue: Buffer[] = [];
  private waiting = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly interceptor: Interceptor,
    private readonly forward: (chunk: Buffer) => void,
    private readonly reply: (line: string) => void,
    private readonly observe: (chunk: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl + 1);
      if (this.streaming) {
        this.streaming = false;
        this.emit(piece);
      } else if (this.heldBytes === 0) {
        this.line(piece);
      } else {
        this.held.push(piece);
        const whole = Buffer.concat(this.held, this.heldBytes + piece.length);
        this.held = [];
        this.heldBytes = 0;
        this.line(whole);
      }
      start = nl + 1;
    }
    if (start >= chunk.length) return;
    const rest = chunk.subarray(start);
    if (this.streaming) return this.emit(rest);
    this.held.push(rest);
    this.heldBytes += rest.length;
    if (this.heldBytes > HOLD_LIMIT) {
      // Too long to be a request worth holding: let it stream.
      const held = Buffer.concat(this.held, this.heldBytes);
      this.held = [];
      this.heldBytes = 0;
      this.streaming = true;
      this.emit(held);
    }
  }

  /** The server closed its stdout: once no answer is awaited, whatever is held goes out as it is. */
  async end(): Promise<void> {
    while (this.waiting) await new Promise<void>((resolve) => this.idle.push(resolve));
    if (this.heldBytes > 0) this.emit(Buffer.concat(this.held, this.heldBytes));
    this.held = [];
    this.heldBytes = 0;
  }

  private line(bytes: Buffer): void {
    if (this.waiting) {
      this.queue.push(bytes);
      return;
    }
    const end = bytes.length > 1 && bytes[bytes.length - 2] === 0x0d ? bytes.length - 2 : bytes.length - 1;
    let decision: ReturnType<Interceptor>;
    try {
      decision = this.interceptor(bytes.toString('utf8', 0, end));
    } catch {
      decision = undefined;
    }
    if (decision === undefined) return this.emit(bytes);
    this.observe(bytes);
    if (decision === 'drop') return;
    this.waiting = true;
    decision
      .catch(() => undefined)
      .then((reply) => {
        if (reply === undefined) this.forward(bytes);
        else this.reply(reply);
        this.waiting = false;
        const queued = this.queue;
        this.queue = [];
        for (const next of queued) this.line(next);
        if (!this.waiting) for (const resolve of this.idle.splice(0)) resolve();
      });
  }

  private emit(bytes: Buffer): void {
    this.forward(bytes);
    this.observe(bytes);
  }
}
