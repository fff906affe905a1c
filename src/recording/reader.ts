// Reads a recording as a stream: entry after entry, part after part, plain or gzip (known by its first
// bytes, whatever the file is called), holding one read (16 KiB) and the entries parsed from it at a
// time, so memory does not grow with the recording. The header is checked (format and version); a line that is not an entry is
// reported and skipped; a last line cut short (codex-dbg was killed mid-write) or gzip data that ends
// early is reported and reading ends there, with everything before it delivered.
import { closeSync, createReadStream, existsSync, openSync, readSync } from 'node:fs';
import { constants as zlibConstants, createGunzip, gunzipSync, inflateRawSync } from 'node:zlib';
import { DbgError } from '../core/errors.ts';
import { firstPartPath, partPath, RECORDING_FORMAT, RECORDING_VERSION, type RecordingHeader, type RecordLine } from './format.ts';

/** Longer lines are skipped (and reported): a JavaScript string cannot hold much more. */
const MAX_LINE_BYTES = 256 * 1024 * 1024;
/**
 * Bytes read at a time. Small on purpose: the entries parsed from one read are alive together, and when
 * many survive a young-generation collection V8 doubles that generation (to 2 × 16 MiB). With reads of
 * 16 KiB a million-entry recording is read in about 75 MB; with 256 KiB, about 95 MB, and no faster.
 */
const READ_CHUNK = 16 * 1024;

export interface RecordedEntry {
  /** Number of the entry in the whole recording, from 0 (headers are not entries). */
  entry: number;
  /** Which part (file) it is in, from 1, and that file. */
  part: number;
  file: string;
  /** Line number in that file, from 1; undefined when reading started in the middle of a file. */
  line: number | undefined;
  /** Size of the recorded line in bytes. */
  bytes: number;
  /** Where the line starts in its file: plain files only (a gzip file is entered at its members, see the index). */
  offset: number | undefined;
  /** The line as recorded. */
  text: string;
  record: RecordLine;
}

/** One line of a file as read: its text, where it starts (plain files only) and whether its newline was there. */
interface RawLine {
  text: string;
  offset: number | undefined;
  bytes: number;
  complete: boolean;
}

export type OnReadProblem = (text: string) => void;

export interface ReadOptions {
  /** Where reading starts: a part, a byte offset in it (0, or a checkpoint from the index), and the number of the first entry there. */
  from?: { part: number; offset: number; entry: number };
  onProblem?: OnReadProblem;
}

function openError(file: string, error: unknown): DbgError {
  return new DbgError('E_USAGE', `${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
}

/** Cuts bytes into lines, keeping where each starts; a line above MAX_LINE_BYTES is reported and dropped. */
class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;
  private position: number;
  private lineStart: number;

  constructor(
    private readonly file: string,
    start: number,
    private readonly offsets: boolean,
    private readonly onProblem: OnReadProblem,
  ) {
    this.position = start;
    this.lineStart = start;
  }

  /** The whole lines that `chunk` completes. The chunk may be reused by the caller afterwards. */
  push(chunk: Buffer): RawLine[] {
    const lines: RawLine[] = [];
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, from);
      if (newline === -1) break;
      const bytes = this.pendingBytes + (newline - from);
      if (this.skipping || bytes > MAX_LINE_BYTES) {
        this.onProblem(`${this.file}: skipped a line of ${bytes} bytes (above ${MAX_LINE_BYTES})`);
      } else {
        const text = this.pendingBytes === 0 ? chunk.toString('utf8', from, newline) : Buffer.concat([...this.pending, chunk.subarray(from, newline)]).toString('utf8');
        lines.push({ text, offset: this.offsets ? this.lineStart : undefined, bytes, complete: true });
      }
      this.pending = [];
      this.pendingBytes = 0;
      this.skipping = false;
      this.position += newline + 1 - from;
      this.lineStart = this.position;
      from = newline + 1;
    }
    if (from < chunk.length) {
      this.pendingBytes += chunk.length - from;
      this.position += chunk.length - from;
      if (this.pendingBytes > MAX_LINE_BYTES) {
        this.skipping = true;
        this.pending = [];
      } else if (!this.skipping) {
        this.pending.push(Buffer.from(chunk.subarray(from))); // a copy: the chunk's memory is read into again
      }
    }
    return lines;
  }

  /** What was left without a newline at the end of the file. */
  end(): RawLine | undefined {
    if (this.pendingBytes === 0 || this.skipping) return undefined;
    return { text: Buffer.concat(this.pending).toString('utf8'), offset: this.offsets ? this.lineStart : undefined, bytes: this.pendingBytes, complete: false };
  }
}

/**
 * The lines of one file from byte `start` (for gzip: the start of a member), in batches as they are read.
 * A plain file is read synchronously into one reused buffer (a local file answers at once; reading through
 * the thread pool left the reader idle a sixth of the time); gzip is decompressed as a stream.
 */
async function* fileLines(file: string, start: number, onProblem: OnReadProblem): AsyncGenerator<RawLine[]> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw openError(file, error);
  }
  const buffer = Buffer.allocUnsafe(READ_CHUNK);
  const gzipped = readSync(fd, buffer, 0, 2, start) === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  const splitter = new LineSplitter(file, start, !gzipped, onProblem);
  try {
    if (gzipped) {
      closeSync(fd);
      fd = -1;
      yield* gzipLines(file, start, splitter, onProblem);
    } else {
      for (let position = start; ; ) {
        const read = readSync(fd, buffer, 0, READ_CHUNK, position);
        if (read === 0) break;
        position += read;
        const lines = splitter.push(read === READ_CHUNK ? buffer : buffer.subarray(0, read));
        if (lines.length) yield lines;
      }
    }
  } catch (error) {
    throw error instanceof DbgError ? error : openError(file, error);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  const rest = splitter.end();
  if (rest) yield [rest];
}

/** What to tell of gzip data that ends early or is damaged (everything before it was read); undefined for other errors. */
export function gzipProblem(file: string, error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return undefined;
  return code === 'Z_BUF_ERROR'
    ? `${file}: the compressed data ends early (the recording was not closed: codex-dbg was stopped?); read up to there`
    : `${file}: the compressed data is damaged (${(error as Error).message}); read up to there`;
}

async function* gzipLines(file: string, start: number, splitter: LineSplitter, onProblem: OnReadProblem): AsyncGenerator<RawLine[]> {
  const source = createReadStream(file, { start, highWaterMark: READ_CHUNK });
  const gunzip = createGunzip({ chunkSize: READ_CHUNK });
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const lines = splitter.push(chunk);
      if (lines.length) yield lines;
    }
  } catch (error) {
    const problem = gzipProblem(file, error);
    if (problem === undefined) throw error;
    onProblem(problem);
  } finally {
    source.unpipe(gunzip);
    source.destroy();
    gunzip.destroy();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return new ParseFailure((error as Error).message);
  }
}

class ParseFailure {
  constructor(readonly reason: string) {}
}

function checkHeader(value: unknown, file: string): RecordingHeader {
  const header = value as Partial<RecordingHeader> | null;
  const problems: string[] = [];
  if (typeof header !== 'object' || header === null || Array.isArray(header)) problems.push('not a JSON object');
  else {
    if (header.type !== 'header') problems.push('type: expected "header"');
    if (header.format !== RECORDING_FORMAT) problems.push(`format: expected "${RECORDING_FORMAT}"`);
    if (typeof header.version !== 'number') problems.push('version: expected a number');
    if (typeof header.redacted !== 'boolean') problems.push('redacted: expected a boolean');
  }
  if (problems.length) throw new DbgError('E_USAGE', `${file}: not a codex-dbg recording (line 1: ${problems.join('; ')})`);
  const checked = header as RecordingHeader;
  if (checked.version > RECORDING_VERSION) {
    throw new DbgError('E_USAGE', `${file}: recording format version ${checked.version} is newer than this codex-dbg reads (${RECORDING_VERSION})`);
  }
  return checked;
}

/** Why a parsed line is not an entry, or undefined when it is one. */
function entryProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const line = value as Record<string, unknown>;
  if (typeof line.t !== 'number') return 't: expected a number';
  switch (line.type) {
    case 'message': {
      if (line.dir !== 'in' && line.dir !== 'out') return 'dir: expected "in" or "out"';
      const message = line.message;
      return typeof message === 'object' && message !== null && !Array.isArray(message) ? undefined : 'message: expected a JSON object';
    }
    case 'stderr':
      return typeof line.line === 'string' ? undefined : 'line: expected a string';
    case 'event':
      return typeof line.event === 'string' ? undefined : 'event: expected a string';
    default:
      return `type: expected "message", "stderr" or "event", got ${JSON.stringify(line.type)}`;
  }
}

/** Enough for any header line. */
const HEADER_READ = 64 * 1024;

/**
 * The first line of a file, from its first HEADER_READ bytes. In gzip the recorder writes the header as a
 * member of its own, so only that member is inflated: damage further on cannot hide the header.
 */
function firstLine(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw openError(file, error);
  }
  let bytes: Buffer;
  try {
    const buffer = Buffer.alloc(HEADER_READ);
    bytes = buffer.subarray(0, readSync(fd, buffer, 0, HEADER_READ, 0));
  } catch (error) {
    throw openError(file, error);
  } finally {
    closeSync(fd);
  }
  const GZIP_HEADER = 10; // magic, method, flags 0, mtime, extra flags, OS: what zlib writes
  if (bytes.length >= GZIP_HEADER && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = bytes[3] === 0 ? inflateRawSync(bytes.subarray(GZIP_HEADER), { finishFlush: zlibConstants.Z_SYNC_FLUSH }) : gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch (error) {
      throw new DbgError('E_USAGE', `${file}: not a codex-dbg recording (gzip data that cannot be read: ${(error as Error).message})`);
    }
  }
  const newline = bytes.indexOf(0x0a);
  return bytes.toString('utf8', 0, newline === -1 ? bytes.length : newline);
}

/** The header of a recording file (its first line), checked. */
export async function readHeader(file: string): Promise<RecordingHeader> {
  const line = firstLine(file);
  if (line.trim() === '') throw new DbgError('E_USAGE', `${file}: empty file, not a codex-dbg recording`);
  const value = parseJson(line);
  if (value instanceof ParseFailure) throw new DbgError('E_USAGE', `${file}:1: not JSON: ${value.reason}`);
  return checkHeader(value, file);
}

/** The part file after `part`, if one exists and belongs to the same recording (`first`: part 1's name). */
export async function nextPart(first: string, header: RecordingHeader, part: number, onProblem: OnReadProblem): Promise<string | undefined> {
  if (!header.recordingId) return undefined;
  const file = partPath(first, part + 1);
  if (!existsSync(file)) return undefined;
  try {
    const next = await readHeader(file);
    if (next.recordingId === header.recordingId && next.part === part + 1) return file;
    onProblem(`${file}: belongs to another recording; not read as part ${part + 1}`);
  } catch (error) {
    onProblem(`${file}: not read as part ${part + 1}: ${(error as Error).message}`);
  }
  return undefined;
}

/** The recording a file belongs to: its header and its first part's file (the file given may be a later part). */
export async function locateRecording(file: string): Promise<{ header: RecordingHeader; first: string }> {
  const header = await readHeader(file);
  const first = firstPartPath(file, header.part ?? 1);
  if (first === file) return { header, first };
  return { header: await readHeader(first).catch(() => header), first: existsSync(first) ? first : file };
}

/**
 * Every entry of a recording, in order, across its parts, in batches (one per read: a few hundred entries;
 * far fewer promises than one per entry, which matters at a million entries). `file` may be any part;
 * reading starts at the part it is (or at `options.from`). Problems are reported through
 * `options.onProblem`; only a file that cannot be opened or is not a recording throws.
 */
export async function* readEntryBatches(file: string, options: ReadOptions = {}): AsyncGenerator<RecordedEntry[]> {
  const onProblem = options.onProblem ?? (() => {});
  const header = await readHeader(file);
  const first = firstPartPath(file, header.part ?? 1);
  let part = options.from?.part ?? header.part ?? 1;
  let current: string | undefined = options.from ? partPath(first, part) : file;
  let offset = options.from?.offset ?? 0;
  let entry = options.from?.entry ?? 0;
  while (current) {
    let lineNumber = offset === 0 ? 0 : undefined;
    const where = () => (lineNumber === undefined ? `${current} (entry ${entry})` : `${current}:${lineNumber}`);
    for await (const lines of fileLines(current, offset, onProblem)) {
      const batch: RecordedEntry[] = [];
      for (const raw of lines) {
        if (lineNumber !== undefined) lineNumber++;
        if (raw.text.length === 0 || raw.text.trim() === '') continue;
        const value = parseJson(raw.text);
        if (value instanceof ParseFailure) {
          if (raw.complete) onProblem(`${where()}: skipped: not JSON: ${value.reason}`);
          else onProblem(`${where()}: the last line is cut off (${raw.bytes} bytes, no newline): the recording ends early; read up to there`);
          continue;
        }
        if ((value as { type?: unknown }).type === 'header') continue;
        const problem = entryProblem(value);
        if (problem) {
          onProblem(`${where()}: skipped: not a recording line: ${problem}`);
          continue;
        }
        batch.push({ entry: entry++, part, file: current, line: lineNumber, bytes: raw.bytes, offset: raw.offset, text: raw.text, record: value as RecordLine });
      }
      if (batch.length) yield batch;
    }
    current = await nextPart(first, header, part, onProblem);
    part++;
    offset = 0;
  }
}

const MESSAGE_PREFIX = /^\{"t":[-+.0-9eE]+,"type":"message","dir":"(?:in|out)","message":/;

/**
 * A recorded message's JSON text exactly as it crossed the pipe: the recorder embeds the line as it was,
 * last in its entry. For an entry written some other way, the message serialised again.
 */
export function messageText(entry: RecordedEntry): string {
  const prefix = MESSAGE_PREFIX.exec(entry.text);
  if (prefix && entry.text.endsWith('}')) return entry.text.slice(prefix[0].length, -1);
  return JSON.stringify((entry.record as { message?: unknown }).message);
}

/** The same, one entry at a time. */
export async function* readEntries(file: string, options: ReadOptions = {}): AsyncGenerator<RecordedEntry> {
  for await (const batch of readEntryBatches(file, options)) yield* batch;
}
