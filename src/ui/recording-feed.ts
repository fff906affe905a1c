// Feeds a recording to the inspector in two passes: first where every line is (a fast scan for newlines,
// so any row, the last one too, can be shown at once), then each line parsed into the timeline and the
// tree, in steps, so the page is served while it reads. The page reads a row back from its place.
//
// This is the one file that knows how a recording is read for the inspector. The whole recording is shown,
// part after part (from part 1 whichever part is named; later parts found as the recording reader finds
// them), each part's header line skipped. A plain part is read back from itself. A gzip part has no place to
// read a line back from, so the first pass decompresses it into one private spill file (deleted as soon as it
// is opened, where the system allows) and its rows are read back from there.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { DbgError } from '../core/errors.ts';
import { firstPartPath, type RecordingHeader } from '../recording/format.ts';
import { gzipProblem, locateRecording, nextPart, readHeader } from '../recording/reader.ts';
import { FileBodies, MAX_FILES, type FilePlace } from './bodies.ts';
import { SessionView } from './session-view.ts';
import { Spill } from './spill-file.ts';

const BLOCK_BYTES = 4 * 1024 * 1024;
/** Decompressed bytes handled at a time (zlib's default, 16 KiB, costs a round trip per 16 KiB). */
const GZIP_CHUNK = 1024 * 1024;
/** Lines parsed between two looks at the page's requests. */
const ROWS_PER_STEP = 8192;
const NEWLINE = 10;

export interface OpenedRecording {
  view: SessionView<FilePlace>;
  /** Resolves once every line has been read. */
  done: Promise<void>;
  close(): void;
}

type Loose = Record<string, any>; // biome-ignore lint: recording lines are checked by their type field

/** Opens a recording (any of its parts), checks its header, and starts reading all of it into a view. */
export async function openRecording(path: string, keepSecrets: boolean): Promise<OpenedRecording> {
  // The reader's checks: a missing file, not a recording, a newer version are one-line errors.
  const { header: located, first } = await locateRecording(path);
  const named = first === path ? located : await readHeader(path);
  // From part 1 when it is there and of the same recording; otherwise from the part named.
  const [start, header] = (located.part ?? 1) === 1 && located.recordingId === named.recordingId ? [first, located] : [path, named];
  const part = header.part ?? 1;
  const notes: string[] = [];
  if (part > 1) {
    const base = firstPartPath(path, part);
    notes.push(`shown from part ${part}: ${base === path ? 'part 1 is not beside it' : `part 1 (${base}) is missing, unreadable or of another recording`}`);
  }
  const bodies = new FileBodies();
  const view = new SessionView<FilePlace>({ mode: 'recording', title: path, keepSecrets }, bodies);
  const spill = new Spill(bodies);
  let stopped = false;
  const isStopped = () => stopped;
  const done = findLines({ start, part, header, bodies, spill, notes, stopped: isStopped }).then(() => readRows(view, bodies, notes, isStopped));
  return {
    view,
    done,
    close() {
      stopped = true;
      bodies.close();
      spill.remove();
    },
  };
}

interface Reading {
  start: string;
  part: number;
  header: RecordingHeader;
  bodies: FileBodies;
  spill: Spill;
  notes: string[];
  stopped: () => boolean;
}

/** First pass, fast: where every line of every part is (no parsing), so the page can show any row at once. */
async function findLines(reading: Reading): Promise<void> {
  const { header, bodies, notes, stopped } = reading;
  // Later parts are named after part 1's name, even when part 1 itself is gone.
  const base = firstPartPath(reading.start, reading.part);
  let part = reading.part;
  let file: string | undefined = reading.start;
  while (file !== undefined && !stopped()) {
    // One file number is kept for the spill file.
    if (bodies.fileCount >= MAX_FILES - 1) {
      notes.push(`shown up to part ${part - 1}: view reads at most ${MAX_FILES - 1} files of a recording`);
      return;
    }
    try {
      await findPartLines(file, reading);
    } catch (error) {
      if (stopped()) return;
      // What was found so far is still shown.
      notes.push(`stopped reading: ${(error as Error).message}`);
      return;
    }
    if (stopped()) return;
    file = await nextPart(base, header, part, (text) => notes.push(text));
    part++;
  }
}

/** Cuts one part into rows at its newlines, skipping its header line; `position` is where a chunk lies in the file the rows are read back from. */
class LineFinder {
  /** Where the line being read starts; -1 while still in the header line. */
  private lineStart = -1;
  private end = 0;

  constructor(
    private readonly bodies: FileBodies,
    private readonly file: number,
  ) {}

  push(chunk: Buffer, position: number): void {
    let lineStart = this.lineStart;
    for (let at = chunk.indexOf(NEWLINE); at >= 0; at = chunk.indexOf(NEWLINE, at + 1)) {
      const end = position + at;
      if (lineStart >= 0 && end > lineStart) this.bodies.append(this.file, lineStart, end - lineStart);
      lineStart = end + 1;
    }
    this.lineStart = lineStart;
    this.end = position + chunk.length;
  }

  /** A last line without its newline. */
  finish(): void {
    if (this.lineStart >= 0 && this.end > this.lineStart) this.bodies.append(this.file, this.lineStart, this.end - this.lineStart);
  }
}

async function findPartLines(path: string, reading: Reading): Promise<void> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw new DbgError('E_RECORDING', `${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    const block = Buffer.allocUnsafe(BLOCK_BYTES);
    let { bytesRead } = await file.read(block, 0, BLOCK_BYTES, 0);
    // Before a file is added to the bodies: close() may have closed them meanwhile.
    if (reading.stopped()) return;
    // Whatever the file is called, as the recording reader decides.
    if (bytesRead >= 2 && block[0] === 0x1f && block[1] === 0x8b) return await findGzipLines(path, reading);
    const { bodies, stopped } = reading;
    const finder = new LineFinder(bodies, bodies.addPath(path));
    let position = 0;
    while (bytesRead > 0) {
      finder.push(bytesRead === BLOCK_BYTES ? block : block.subarray(0, bytesRead), position);
      position += bytesRead;
      if (stopped()) return;
      ({ bytesRead } = await file.read(block, 0, BLOCK_BYTES, position));
    }
    finder.finish();
  } finally {
    await file.close().catch(() => {});
  }
}

/** A gzip part, decompressed into the spill file; data that ends early is read up to there and noted. */
async function findGzipLines(path: string, { bodies, spill, notes, stopped }: Reading): Promise<void> {
  const finder = new LineFinder(bodies, spill.file());
  const source = createReadStream(path, { highWaterMark: GZIP_CHUNK });
  const gunzip = createGunzip({ chunkSize: GZIP_CHUNK });
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      // Checked right before writing: close() may have closed the spill file meanwhile.
      if (stopped()) return;
      finder.push(chunk, spill.write(chunk));
    }
  } catch (error) {
    const problem = gzipProblem(path, error);
    if (problem === undefined) throw error instanceof DbgError ? error : new DbgError('E_RECORDING', `${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    notes.push(problem);
  } finally {
    source.unpipe(gunzip);
    source.destroy();
    gunzip.destroy();
  }
  finder.finish();
}

/** Second pass: each line parsed into the timeline (pairing, latency, who answered) and the tree, in order. */
async function readRows(view: SessionView<FilePlace>, bodies: FileBodies, notes: string[], stopped: () => boolean): Promise<void> {
  let skipped = 0;
  const known = bodies.known();
  for (let from = 0; from < known; from += ROWS_PER_STEP) {
    if (stopped()) return;
    for (const [row, text] of bodies.texts(from, Math.min(known, from + ROWS_PER_STEP))) {
      if (!addLine(view, text, bodies.place(row))) skipped++;
    }
    // Let the page's requests through.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (skipped) notes.push(`${skipped} line${skipped === 1 ? '' : 's'} skipped (not a recording line)`);
  view.end(notes.length ? notes.join('; ') : undefined);
}

const MESSAGE_KEY = '"message":';

/** One recording line into the view (a line that is not one becomes an "unreadable" event row); false for those. */
function addLine(view: SessionView<FilePlace>, text: string, place: FilePlace): boolean {
  let record: Loose | undefined;
  try {
    record = JSON.parse(text);
  } catch {
    record = undefined;
  }
  const t = typeof record?.t === 'number' ? record.t : 0;
  if (record?.type === 'message' && record.message && typeof record.message === 'object') {
    // The message's own size: the line less its envelope ({"t":…,"type":"message","dir":…,"message": … }), all ASCII before it.
    const at = text.indexOf(MESSAGE_KEY);
    view.addMessage(t, record.dir === 'out' ? 'out' : 'in', record.message, at >= 0 ? place.length - (at + MESSAGE_KEY.length) - 1 : place.length, place);
    return true;
  }
  if (record?.type === 'stderr' && typeof record.line === 'string') {
    view.addStderr(t, record.line, place);
    return true;
  }
  if (record?.type === 'event' && typeof record.event === 'string') {
    const { t: _t, type: _type, event, ...detail } = record;
    view.addEvent(t, event, detail, place.length, place);
    return true;
  }
  // Keeps row numbers in step with the recording's lines.
  view.addEvent(t, 'unreadable', { line: text.slice(0, 200) }, place.length, place);
  return false;
}
