// Writing one file of a recording: whole lines in, bytes on disk, created private (0600).
//   plain  lines are batched and written in a microtask, once per read from the server, with one
//          synchronous write: nothing already handled is lost to a crash, and a million lines cost a few
//          thousand system calls instead of a million.
//   gzip   lines are batched up to BLOCK_BYTES or one second, whichever comes first; each batch is
//          compressed off the main thread into its own gzip member (a file of concatenated members is
//          one valid gzip file) and written in order. So a kill loses at most the last second, everything
//          before it stays readable, and each member start is a place where reading can begin.
// Each block reports where it landed (`onBlock`), which the index turns into checkpoints.
import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { gzip, gzipSync } from 'node:zlib';
import { PRIVATE_FILE_MODE } from './format.ts';

const BLOCK_BYTES = 1024 * 1024;
const GZIP_FLUSH_MS = 1000;
/** Above this much text waiting for compression, compress on the spot: memory stays bounded when the disk or zlib is slower than the server. */
const MAX_IN_FLIGHT_BYTES = 32 * 1024 * 1024;
/** Level 3: on a real session 6.0× smaller in half the time of the default level 6 (6.7×); on a flood of deltas, as small. */
const GZIP_OPTIONS = { level: 3 };

export interface PartWriter {
  /** Appends whole lines; `firstEntry` is the number of the first entry in them. */
  write(lines: string, firstEntry: number): void;
  /** Writes everything held, synchronously (at exit, on rotation, at close). */
  flushSync(): void;
  close(): void;
}

/** Where a block of entries starting with entry `firstEntry` begins in the file. */
export type OnBlock = (firstEntry: number, offset: number) => void;

function openPrivate(path: string): number {
  const fd = openSync(path, 'w', PRIVATE_FILE_MODE);
  // The mode above applies only to a new file; an old one keeps its own unless told.
  if (process.platform !== 'win32') fchmodSync(fd, PRIVATE_FILE_MODE);
  return fd;
}

export function openPart(path: string, gzipped: boolean, header: string, onBlock: OnBlock): PartWriter {
  return gzipped ? new GzipPart(path, header, onBlock) : new PlainPart(path, header, onBlock);
}

class PlainPart implements PartWriter {
  private bytes = 0;
  private fd: number | undefined;
  private pending: string[] = [];
  private firstEntry = 0;
  private scheduled = false;

  constructor(
    path: string,
    header: string,
    private readonly onBlock: OnBlock,
  ) {
    this.fd = openPrivate(path);
    this.bytes = writeSync(this.fd, header);
  }

  write(lines: string, firstEntry: number): void {
    if (this.pending.length === 0) this.firstEntry = firstEntry;
    this.pending.push(lines);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flushSync());
    }
  }

  flushSync(): void {
    this.scheduled = false;
    if (this.fd === undefined || this.pending.length === 0) return;
    const text = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    const offset = this.bytes;
    this.bytes += writeSync(this.fd, text);
    this.onBlock(this.firstEntry, offset);
  }

  close(): void {
    this.flushSync();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

interface Member {
  input: Buffer;
  firstEntry: number;
  output?: Buffer;
}

class GzipPart implements PartWriter {
  /** Bytes on disk (compressed). */
  private bytes = 0;
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingLength = 0;
  private firstEntry = 0;
  /** Compressing or compressed, in file order; written as soon as the first one is ready. */
  private members: Member[] = [];
  private inFlightBytes = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    path: string,
    header: string,
    private readonly onBlock: OnBlock,
  ) {
    this.fd = openPrivate(path);
    this.bytes = writeSync(this.fd, gzipSync(header, GZIP_OPTIONS));
    this.timer = setInterval(() => this.seal(), GZIP_FLUSH_MS);
    this.timer.unref?.();
  }

  write(lines: string, firstEntry: number): void {
    if (this.pending.length === 0) this.firstEntry = firstEntry;
    this.pending.push(lines);
    this.pendingLength += lines.length;
    if (this.pendingLength >= BLOCK_BYTES) this.seal();
  }

  /** Ends the current batch: it becomes one gzip member, compressed in the background. */
  private seal(): void {
    if (this.fd === undefined || this.pending.length === 0) return;
    const member: Member = { input: Buffer.from(this.pending.join('')), firstEntry: this.firstEntry };
    this.pending = [];
    this.pendingLength = 0;
    this.members.push(member);
    if (this.inFlightBytes + member.input.length > MAX_IN_FLIGHT_BYTES) {
      member.output = gzipSync(member.input, GZIP_OPTIONS);
      this.writeReady();
      return;
    }
    this.inFlightBytes += member.input.length;
    gzip(member.input, GZIP_OPTIONS, (error, output) => {
      this.inFlightBytes -= member.input.length;
      if (member.output || this.fd === undefined) return; // already written by flushSync
      member.output = error ? gzipSync(member.input, GZIP_OPTIONS) : output;
      this.writeReady();
    });
  }

  private writeReady(): void {
    while (this.fd !== undefined && this.members[0]?.output) {
      const member = this.members.shift() as Member;
      const offset = this.bytes;
      this.bytes += writeSync(this.fd, member.output as Buffer);
      this.onBlock(member.firstEntry, offset);
    }
  }

  flushSync(): void {
    this.seal();
    for (const member of this.members) member.output ??= gzipSync(member.input, GZIP_OPTIONS);
    this.writeReady();
  }

  close(): void {
    clearInterval(this.timer);
    this.flushSync();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
