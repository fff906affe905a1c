// The timeline's per-row facts, kept as typed arrays in chunks of 65,536 rows: a million rows cost about
// 40 MB and no object each, and the oldest chunk can be dropped whole when a live session outgrows its cap.
// Strings (methods, ids, threads, statuses, who answered) are interned: a row holds their number.

export const CHUNK_BITS = 16;
export const CHUNK_ROWS = 1 << CHUNK_BITS;
const MASK = CHUNK_ROWS - 1;

/** Strings seen in one column, each stored once; a row keeps the string's number (-1: none). */
export class Interned {
  readonly values: string[] = [];
  private readonly numbers = new Map<string, number>();

  number(value: string | undefined): number {
    if (value === undefined) return -1;
    let found = this.numbers.get(value);
    if (found === undefined) {
      found = this.values.length;
      this.values.push(value);
      this.numbers.set(value, found);
    }
    return found;
  }

  value(number: number): string | undefined {
    return number < 0 ? undefined : this.values[number];
  }

  /** The number of an existing string, -1 when it was never seen. */
  find(value: string): number {
    return this.numbers.get(value) ?? -1;
  }
}

export const LANES = ['rpc', 'stderr', 'event'] as const;
export type Lane = (typeof LANES)[number];
export const KINDS = ['request', 'notification', 'response', 'error', 'stderr', 'event'] as const;
export type RowKind = (typeof KINDS)[number];

class Chunk {
  readonly t = new Float64Array(CHUNK_ROWS);
  /** lane (2 bits) | out (1 bit) << 2 | kind (3 bits) << 3 | error (1 bit) << 6 */
  readonly bits = new Uint8Array(CHUNK_ROWS);
  readonly method = new Int32Array(CHUNK_ROWS);
  readonly id = new Int32Array(CHUNK_ROWS);
  readonly thread = new Int32Array(CHUNK_ROWS);
  readonly status = new Int32Array(CHUNK_ROWS);
  readonly by = new Int32Array(CHUNK_ROWS);
  readonly pair = new Float64Array(CHUNK_ROWS);
  readonly dur = new Float32Array(CHUNK_ROWS);
  readonly size = new Uint32Array(CHUNK_ROWS);
}

export interface RowFacts {
  t: number;
  lane: Lane;
  dir?: 'in' | 'out';
  kind: RowKind;
  error: boolean;
  method?: string;
  id?: string;
  thread?: string;
  status?: string;
  size: number;
}

/** Rows numbered from 0 for the whole session; rows below `base` were dropped (a live session's cap). */
export class Columns {
  readonly methods = new Interned();
  readonly ids = new Interned();
  readonly threads = new Interned();
  readonly statuses = new Interned();
  readonly answerers = new Interned();
  private chunks: Chunk[] = [];
  /** Number of the first chunk still kept. */
  private firstChunk = 0;
  count = 0;

  get base(): number {
    return this.firstChunk * CHUNK_ROWS;
  }

  has(row: number): boolean {
    return row >= this.base && row < this.count;
  }

  push(facts: RowFacts): number {
    const row = this.count;
    const offset = row & MASK;
    if (offset === 0) this.chunks.push(new Chunk());
    const chunk = this.chunks[this.chunks.length - 1];
    chunk.t[offset] = facts.t;
    chunk.bits[offset] =
      LANES.indexOf(facts.lane) | (facts.dir === 'out' ? 4 : 0) | (KINDS.indexOf(facts.kind) << 3) | (facts.error ? 64 : 0);
    chunk.method[offset] = this.methods.number(facts.method);
    chunk.id[offset] = this.ids.number(facts.id);
    chunk.thread[offset] = this.threads.number(facts.thread);
    chunk.status[offset] = this.statuses.number(facts.status);
    chunk.by[offset] = -1;
    chunk.pair[offset] = -1;
    chunk.dur[offset] = Number.NaN;
    chunk.size[offset] = facts.size;
    this.count++;
    return row;
  }

  /** Drops the oldest whole chunks until at most `keep` rows (rounded up to a chunk) remain; returns the new base. */
  dropOldest(keep: number): number {
    while ((this.chunks.length - 1) * CHUNK_ROWS >= keep && this.chunks.length > 1) {
      this.chunks.shift();
      this.firstChunk++;
    }
    return this.base;
  }

  private at(row: number): [Chunk, number] {
    return [this.chunks[(row >>> CHUNK_BITS) - this.firstChunk], row & MASK];
  }

  t(row: number): number {
    const [c, o] = this.at(row);
    return c.t[o];
  }
  lane(row: number): Lane {
    const [c, o] = this.at(row);
    return LANES[c.bits[o] & 3];
  }
  dir(row: number): 'in' | 'out' | undefined {
    const [c, o] = this.at(row);
    return (c.bits[o] & 3) !== 0 ? undefined : c.bits[o] & 4 ? 'out' : 'in';
  }
  kind(row: number): RowKind {
    const [c, o] = this.at(row);
    return KINDS[(c.bits[o] >> 3) & 7];
  }
  error(row: number): boolean {
    const [c, o] = this.at(row);
    return (c.bits[o] & 64) !== 0;
  }
  markError(row: number): void {
    const [c, o] = this.at(row);
    c.bits[o] |= 64;
  }
  methodNumber(row: number): number {
    const [c, o] = this.at(row);
    return c.method[o];
  }
  setMethod(row: number, method: string): void {
    const [c, o] = this.at(row);
    c.method[o] = this.methods.number(method);
  }
  idNumber(row: number): number {
    const [c, o] = this.at(row);
    return c.id[o];
  }
  threadNumber(row: number): number {
    const [c, o] = this.at(row);
    return c.thread[o];
  }
  setThread(row: number, thread: number): void {
    const [c, o] = this.at(row);
    c.thread[o] = thread;
  }
  statusNumber(row: number): number {
    const [c, o] = this.at(row);
    return c.status[o];
  }
  setStatus(row: number, status: string): void {
    const [c, o] = this.at(row);
    c.status[o] = this.statuses.number(status);
  }
  byNumber(row: number): number {
    const [c, o] = this.at(row);
    return c.by[o];
  }
  setBy(row: number, by: string): void {
    const [c, o] = this.at(row);
    c.by[o] = this.answerers.number(by);
  }
  pair(row: number): number {
    const [c, o] = this.at(row);
    return c.pair[o];
  }
  setPair(row: number, other: number): void {
    const [c, o] = this.at(row);
    c.pair[o] = other;
  }
  dur(row: number): number {
    const [c, o] = this.at(row);
    return c.dur[o];
  }
  setDur(row: number, ms: number): void {
    const [c, o] = this.at(row);
    c.dur[o] = ms;
  }
  size(row: number): number {
    const [c, o] = this.at(row);
    return c.size[o];
  }
}
