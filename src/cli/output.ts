// Where text goes: formatted output to stdout (batched per read from the server and flushed in a
// microtask, with backpressure reported), and codex-dbg's own lines to stderr. A reader that goes away
// (`| head -1`) ends output quietly, never a trace. Output is text, or bytes where a formatter must write
// exactly what arrived (raw output of a line that is not valid UTF-8). At a terminal with a live prompt,
// every write is wrapped so the prompt is taken off the screen first and drawn again after (see terminal.ts).
import { Buffer } from 'node:buffer';
import type { Writable } from 'node:stream';

type Chunk = string | Uint8Array;

export type Stream = 'stdout' | 'stderr';

/** Something live at the bottom of the terminal (the REPL's prompt) that our writes must not mix with. */
export interface LiveArea {
  /** Text is about to go to `stream`: take the live area off the screen. */
  clear(stream: Stream): void;
  /** Text went to `stream` (its last piece): draw the live area again below it. */
  wrote(stream: Stream, text: string): void;
}

/** Text this long is written on its own rather than joined into a batch (a copy of a 64 MB line is 64 MB). */
const LARGE = 1024 * 1024;

export class Output {
  private batch: Chunk[] = [];
  private batchLength = 0;
  private scheduled = false;
  private stdoutOpen = true;
  private readonly stdoutClosedListeners: (() => void)[] = [];
  /** One wait for 'drain' shared by every caller while stdout is backed up; released early if stdout goes away. */
  private drained: Promise<void> | undefined;
  private releaseDrain: () => void = () => {};
  private live: LiveArea | undefined;

  constructor(
    private readonly out: Writable,
    private readonly err: Writable,
  ) {
    out.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') this.closeStdout();
    });
    err.on('error', () => {});
  }

  /** From now on, writes step around this live area (undefined: no longer). */
  setLiveArea(live: LiveArea | undefined): void {
    this.live = live;
  }

  /** Queues text (or bytes) for stdout; false means the reader is slow and the producer should wait for drain(). */
  stdout(text: Chunk): boolean {
    if (!this.stdoutOpen || text.length === 0) return this.stdoutOpen;
    this.batch.push(text);
    this.batchLength += text.length;
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
    return !this.out.writableNeedDrain;
  }

  flush(): void {
    this.scheduled = false;
    if (this.batch.length === 0 || !this.stdoutOpen) return;
    const batch = this.batch;
    this.batch = [];
    this.live?.clear('stdout');
    this.writeBatch(batch);
    const last = batch[batch.length - 1];
    this.live?.wrote('stdout', typeof last === 'string' ? last : Buffer.from(last).toString());
  }

  private writeBatch(batch: Chunk[]): void {
    if (this.batchLength < LARGE) {
      this.batchLength = 0;
      this.out.write(batch.length === 1 ? batch[0] : join(batch));
      return;
    }
    // Something large is in it: join only the small pieces around it, never copy the large one again.
    this.batchLength = 0;
    let small: Chunk[] = [];
    for (const text of batch) {
      if (text.length < LARGE) {
        small.push(text);
        continue;
      }
      if (small.length) this.out.write(join(small));
      small = [];
      this.out.write(text);
    }
    if (small.length) this.out.write(join(small));
  }

  /** Resolves when stdout has room again (at once when it has). */
  drain(): Promise<void> {
    if (!this.out.writableNeedDrain || !this.stdoutOpen) return Promise.resolve();
    this.drained ??= new Promise<void>((resolve) => {
      const release = () => {
        this.out.off('drain', release);
        this.drained = undefined;
        resolve();
      };
      this.releaseDrain = release;
      this.out.once('drain', release);
    });
    return this.drained;
  }

  /** Flushes and waits until stdout has taken everything. */
  async end(): Promise<void> {
    this.flush();
    if (!this.stdoutOpen) return;
    await new Promise<void>((resolve) => {
      if (this.out.writableLength === 0) resolve();
      else this.out.write('', () => resolve());
    });
  }

  /** One line of codex-dbg's own on stderr. */
  stderrLine(text: string): void {
    this.stderr(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Text on stderr as it is. */
  stderr(text: string): void {
    this.live?.clear('stderr');
    this.err.write(text);
    this.live?.wrote('stderr', text);
  }

  onStdoutClosed(listener: () => void): void {
    this.stdoutClosedListeners.push(listener);
  }

  private closeStdout(): void {
    if (!this.stdoutOpen) return;
    this.stdoutOpen = false;
    this.batch = [];
    this.releaseDrain();
    for (const listener of this.stdoutClosedListeners) listener();
  }
}

/** One write for many chunks: a string when all are text, else the bytes of all of them. */
function join(chunks: Chunk[]): Chunk {
  if (chunks.every((chunk) => typeof chunk === 'string')) return chunks.join('');
  return Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)));
}
