// Where the timeline finds a row's whole record: a live session keeps each row's text in memory (the
// message line as it crossed the wire, the stderr line, the event as JSON); a recording keeps only where
// each line starts, in which file, and how long it is, and reads it back from that file when the page asks.
import { closeSync, openSync, readSync } from 'node:fs';
import { DbgError } from '../core/errors.ts';
import type { RecordLine } from '../recording/format.ts';
import { CHUNK_BITS, CHUNK_ROWS, type Columns } from './columns.ts';
import type { Bodies } from './timeline.ts';

const MASK = CHUNK_ROWS - 1;

/** Live: each row's text, in chunks the cap drops whole. */
export class MemoryBodies implements Bodies<string> {
  private chunks: string[][] = [];
  private firstChunk = 0;

  put(row: number, text: string): void {
    const index = (row >>> CHUNK_BITS) - this.firstChunk;
    (this.chunks[index] ??= [])[row & MASK] = text;
  }

  text(row: number): string {
    return this.chunks[(row >>> CHUNK_BITS) - this.firstChunk]?.[row & MASK] ?? '';
  }

  record(row: number, columns: Columns): RecordLine {
    const text = this.text(row);
    const t = columns.t(row);
    switch (columns.lane(row)) {
      case 'stderr':
        return { t, type: 'stderr', line: text };
      case 'event': {
        const { event, ...detail } = JSON.parse(text) as { event: string };
        return { t, type: 'event', event, ...detail };
      }
      default:
        return { t, type: 'message', dir: columns.dir(row) ?? 'in', message: JSON.parse(text) };
    }
  }

  *texts(from: number, to: number): Iterable<[number, string]> {
    for (let row = from; row < to; row++) yield [row, this.text(row)];
  }

  drop(base: number): void {
    while (this.firstChunk * CHUNK_ROWS < base && this.chunks.length > 0) {
      this.chunks.shift();
      this.firstChunk++;
    }
  }
}

export interface FilePlace {
  /** Which of the recording's files: a plain part, or the spill file its gzip parts were decompressed into. */
  file: number;
  offset: number;
  length: number;
}

/** How much of the file plain-word search reads at a time. */
const SCAN_BYTES = 4 * 1024 * 1024;
/** Files kept open from the start; past them (a recording cut into thousands of parts) a few are opened as read. */
const HELD_FILES = 64;
const ROTATING_FILES = 16;
/** A row's file number is a Uint16. */
export const MAX_FILES = 0xffff;

function openPart(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    throw new DbgError('E_RECORDING', `${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)} (a part of the recording shown)`);
  }
}

interface Source {
  path: string | undefined;
  fd: number | undefined;
}

/** A recording: where each row's line is, in which file (14 bytes a row), read back on demand. */
export class FileBodies implements Bodies<FilePlace> {
  private readonly offsets: Float64Array[] = [];
  private readonly lengths: Uint32Array[] = [];
  private readonly files: Uint16Array[] = [];
  private rows = 0;
  private readonly sources: Source[] = [];
  /** Files opened past HELD_FILES, oldest first. */
  private rotating: number[] = [];
  private closed = false;

  /** A file read back by its path; its number for `append`. */
  addPath(path: string): number {
    return this.add({ path, fd: this.sources.length < HELD_FILES ? openPart(path) : undefined });
  }

  /** A file already open (the spill file, which has no name left); closed with the rest. */
  addFd(fd: number): number {
    return this.add({ path: undefined, fd });
  }

  private add(source: Source): number {
    if (this.closed || this.sources.length >= MAX_FILES) {
      if (source.fd !== undefined) closeSync(source.fd);
      throw new DbgError('E_INTERNAL', this.closed ? 'a file was added to a closed recording' : `more than ${MAX_FILES} files for one recording`);
    }
    this.sources.push(source);
    return this.sources.length - 1;
  }

  get fileCount(): number {
    return this.sources.length;
  }

  /** Notes the next line's place, found before the timeline reads it. */
  append(file: number, offset: number, length: number): void {
    this.set(this.rows, file, offset, length);
  }

  known(): number {
    return this.rows;
  }

  put(row: number, place: FilePlace): void {
    this.set(row, place.file, place.offset, place.length);
  }

  private set(row: number, file: number, offset: number, length: number): void {
    const index = row >>> CHUNK_BITS;
    if (!this.offsets[index]) {
      this.offsets[index] = new Float64Array(CHUNK_ROWS);
      this.lengths[index] = new Uint32Array(CHUNK_ROWS);
      this.files[index] = new Uint16Array(CHUNK_ROWS);
    }
    this.offsets[index][row & MASK] = offset;
    this.lengths[index][row & MASK] = length;
    this.files[index][row & MASK] = file;
    if (row >= this.rows) this.rows = row + 1;
  }

  place(row: number): FilePlace {
    const index = row >>> CHUNK_BITS;
    return { file: this.files[index][row & MASK], offset: this.offsets[index][row & MASK], length: this.lengths[index][row & MASK] };
  }

  private fd(file: number): number {
    const source = this.sources[file];
    if (source.fd !== undefined) return source.fd;
    if (this.closed) throw new DbgError('E_INTERNAL', 'the recording was read after it was closed');
    if (this.rotating.length >= ROTATING_FILES) {
      const oldest = this.sources[this.rotating.shift() as number];
      closeSync(oldest.fd as number);
      oldest.fd = undefined;
    }
    source.fd = openPart(source.path as string);
    this.rotating.push(file);
    return source.fd;
  }

  text(row: number): string {
    const { file, offset, length } = this.place(row);
    const buffer = Buffer.allocUnsafe(length);
    readSync(this.fd(file), buffer, 0, length, offset);
    return buffer.toString('utf8');
  }

  record(row: number): RecordLine {
    const text = this.text(row);
    try {
      return JSON.parse(text) as RecordLine;
    } catch {
      return { t: 0, type: 'event', event: 'unreadable', line: text.slice(0, 500) };
    }
  }

  *texts(from: number, to: number): Iterable<[number, string]> {
    let row = from;
    while (row < to) {
      // Read a block of consecutive lines of one file at once, then cut it into rows.
      const { file, offset: start } = this.place(row);
      let last = row;
      while (last + 1 < to) {
        const next = this.place(last + 1);
        if (next.file !== file || next.offset + next.length - start > SCAN_BYTES) break;
        last++;
      }
      const end = this.place(last).offset + this.place(last).length;
      const buffer = Buffer.allocUnsafe(end - start);
      readSync(this.fd(file), buffer, 0, end - start, start);
      for (; row <= last; row++) {
        const { offset, length } = this.place(row);
        yield [row, buffer.toString('utf8', offset - start, offset - start + length)];
      }
    }
  }

  drop(): void {}

  close(): void {
    this.closed = true;
    for (const source of this.sources) {
      if (source.fd !== undefined) closeSync(source.fd);
      source.fd = undefined;
    }
    this.rotating = [];
  }
}
