// Newline-delimited framing. Splits on the byte 0x0A (never part of a multi-byte UTF-8 sequence), so a
// character split between reads is only decoded once its line is whole. Lines above maxLineBytes are
// discarded up to their newline and reported, so memory stays bounded whatever the peer sends.
import { Buffer } from 'node:buffer';

const LF = 0x0a;
const CR = 0x0d;

export interface LineDecoderEvents {
  /**
   * One line without its newline (and without a CR before it). `bytes` are the line's bytes as received,
   * given only when the text cannot stand for them (invalid UTF-8 was decoded as U+FFFD): otherwise holding
   * them would keep a second copy of every large line alive.
   */
  line(text: string, bytes?: Uint8Array): void;
  /** A line longer than the limit was dropped; `bytes` is its full length. */
  oversize(bytes: number): void;
}

export class LineDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly events: LineDecoderEvents,
  ) {}

  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(LF, start);
      if (nl === -1) break;
      const length = this.pendingBytes + (nl - start);
      if (this.discarding || length > this.maxLineBytes) {
        this.discarding = false;
        this.resetPending();
        this.events.oversize(length);
      } else if (this.pendingBytes === 0) {
        const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
        this.emit(buf, start, end);
      } else {
        this.pending.push(buf.subarray(start, nl));
        const whole = Buffer.concat(this.pending, length);
        this.resetPending();
        const end = length > 0 && whole[length - 1] === CR ? length - 1 : length;
        this.emit(whole, 0, end);
      }
      start = nl + 1;
    }
    if (start < buf.length) this.keep(buf.subarray(start));
  }

  private emit(buf: Buffer, start: number, end: number): void {
    const text = buf.toString('utf8', start, end);
    this.events.line(text, text.includes('\uFFFD') ? buf.subarray(start, end) : undefined);
  }

  /** Called at end of stream: returns what was left without a newline (a truncated last line), if anything. */
  end(): string | undefined {
    if (this.discarding) {
      const bytes = this.pendingBytes;
      this.discarding = false;
      this.resetPending();
      this.events.oversize(bytes);
      return undefined;
    }
    if (this.pendingBytes === 0) return undefined;
    const rest = Buffer.concat(this.pending, this.pendingBytes).toString('utf8');
    this.resetPending();
    return rest;
  }

  private keep(part: Buffer): void {
    this.pendingBytes += part.length;
    if (this.discarding) return;
    if (this.pendingBytes > this.maxLineBytes) {
      // Count the bytes but stop holding them.
      this.discarding = true;
      this.pending = [];
      return;
    }
    this.pending.push(part);
  }

  private resetPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }
}
