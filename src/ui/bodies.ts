// Where the timeline finds a row's whole record: a live session keeps each row's text in memory (the
// message line as it crossed the wire, the stderr line, the event as JSON); a recording keeps only where
// each line starts and how long it is, and reads it back from the file when the page asks.
import { closeSync, openSync, readSync } from 'node:fs';
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
  offset: number;
  length: number;
}

/** How much of the file plain-word search reads at a time. */
const SCAN_BYTES = 4 * 1024 * 1024;

/** A recording: where each row's line is in the file (12 bytes a row), read back on demand. */
export class FileBodies implements Bodies<FilePlace> {
  private readonly offsets: Float64Array[] = [];
  private readonly lengths: Uint32Array[] = [];
  private rows = 0;
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
  }

  /** Notes the next line's place, found before the timeline reads it. */
  append(place: FilePlace): void {
    this.put(this.rows, place);
  }

  known(): number {
    return this.rows;
  }

  put(row: number, place: FilePlace): void {
    const index = row >>> CHUNK_BITS;
    if (!this.offsets[index]) {
      this.offsets[index] = new Float64Array(CHUNK_ROWS);
      this.lengths[index] = new Uint32Array(CHUNK_ROWS);
    }
    this.offsets[index][row & MASK] = place.offset;
    this.lengths[index][row & MASK] = place.length;
    if (row >= this.rows) this.rows = row + 1;
  }

  place(row: number): FilePlace {
    const index = row >>> CHUNK_BITS;
    return { offset: this.offsets[index][row & MASK], length: this.lengths[index][row & MASK] };
  }

  text(row: number): string {
    const { offset, length } = this.place(row);
    const buffer = Buffer.allocUnsafe(length);
    readSync(this.fd as number, buffer, 0, length, offset);
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
      // Read a block of consecutive lines at once, then cut it into rows.
      const start = this.place(row).offset;
      let last = row;
      while (last + 1 < to && this.place(last + 1).offset + this.place(last + 1).length - start <= SCAN_BYTES) last++;
      const end = this.place(last).offset + this.place(last).length;
      const buffer = Buffer.allocUnsafe(end - start);
      readSync(this.fd as number, buffer, 0, end - start, start);
      for (; row <= last; row++) {
        const { offset, length } = this.place(row);
        yield [row, buffer.toString('utf8', offset - start, offset - start + length)];
      }
    }
  }

  drop(): void {}

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
