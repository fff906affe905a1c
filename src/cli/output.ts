// Where text goes: formatted output to stdout (batched per read from the server and flushed in a
// microtask, with backpressure reported), and the client's own lines to stderr. A reader that goes away
// (`| head -1`) ends output quietly, never a trace.
import type { Writable } from 'node:stream';

/** Text this long is written on its own rather than joined into a batch (a copy of a 64 MB line is 64 MB). */
const LARGE = 1024 * 1024;

export class Output {
  private batch: string[] = [];
  private batchLength = 0;
  private scheduled = false;
  private stdoutOpen = true;
  private readonly stdoutClosedListeners: (() => void)[] = [];

  constructor(
    private readonly stdout: Writable,
    private readonly stderr: Writable,
  ) {
    stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') this.closeStdout();
    });
    stderr.on('error', () => {});
  }

  /** Queues text for stdout; false means the reader is slow and the producer should wait for drain(). */
  write(text: string): boolean {
    if (!this.stdoutOpen || text === '') return this.stdoutOpen;
    this.batch.push(text);
    this.batchLength += text.length;
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
    return !this.stdout.writableNeedDrain;
  }

  flush(): void {
    this.scheduled = false;
    if (this.batch.length === 0 || !this.stdoutOpen) return;
    const batch = this.batch;
    this.batch = [];
    if (this.batchLength < LARGE) {
      this.batchLength = 0;
      this.stdout.write(batch.length === 1 ? batch[0] : batch.join(''));
      return;
    }
    // Something large is in it: join only the small pieces around it, never copy the large one again.
    this.batchLength = 0;
    let small: string[] = [];
    for (const text of batch) {
      if (text.length < LARGE) {
        small.push(text);
        continue;
      }
      if (small.length) this.stdout.write(small.join(''));
      small = [];
      this.stdout.write(text);
    }
    if (small.length) this.stdout.write(small.join(''));
  }

  /** Resolves when stdout has room again (at once when it has). */
  drain(): Promise<void> {
    if (!this.stdout.writableNeedDrain || !this.stdoutOpen) return Promise.resolve();
    return new Promise((resolve) => this.stdout.once('drain', () => resolve()));
  }

  /** Flushes and waits until stdout has taken everything. */
  async end(): Promise<void> {
    this.flush();
    if (!this.stdoutOpen) return;
    await new Promise<void>((resolve) => {
      if (this.stdout.writableLength === 0) resolve();
      else this.stdout.write('', () => resolve());
    });
  }

  /** One line of the client's own on stderr. */
  line(text: string): void {
    this.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Text on stderr without a newline (the prompt). */
  raw(text: string): void {
    this.stderr.write(text);
  }

  onStdoutClosed(listener: () => void): void {
    this.stdoutClosedListeners.push(listener);
  }

  get isStdoutOpen(): boolean {
    return this.stdoutOpen;
  }

  private closeStdout(): void {
    if (!this.stdoutOpen) return;
    this.stdoutOpen = false;
    this.batch = [];
    for (const listener of this.stdoutClosedListeners) listener();
  }
}
