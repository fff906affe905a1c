// Where text goes: formatted output to stdout (batched per read from the server and flushed in a
// microtask, with backpressure reported), and codex-dbg's own lines to stderr. A reader that goes away
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
  /** One wait for 'drain' shared by every caller while stdout is backed up; released early if stdout goes away. */
  private drained: Promise<void> | undefined;
  private releaseDrain: () => void = () => {};

  constructor(
    private readonly out: Writable,
    private readonly err: Writable,
  ) {
    out.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') this.closeStdout();
    });
    err.on('error', () => {});
  }

  /** Queues text for stdout; false means the reader is slow and the producer should wait for drain(). */
  stdout(text: string): boolean {
    if (!this.stdoutOpen || text === '') return this.stdoutOpen;
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
    if (this.batchLength < LARGE) {
      this.batchLength = 0;
      this.out.write(batch.length === 1 ? batch[0] : batch.join(''));
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
      if (small.length) this.out.write(small.join(''));
      small = [];
      this.out.write(text);
    }
    if (small.length) this.out.write(small.join(''));
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
    this.err.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Text on stderr without a newline (a prompt). */
  stderr(text: string): void {
    this.err.write(text);
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
