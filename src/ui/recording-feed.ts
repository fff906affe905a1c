// Feeds a recording to the inspector in two passes: first where every line is (a fast scan for newlines,
// so any row, the last one too, can be shown at once), then each line parsed into the timeline and the
// tree, in steps, so the page is served while it reads. The page reads a row back from its place in the file.
//
// This is the one file that knows how a recording is read. It reads lines itself today; when the recording
// layer offers a streaming reader with an index (issue 18), this is the file that switches to it.
import { open, type FileHandle } from 'node:fs/promises';
import { DbgError } from '../core/errors.ts';
import { RECORDING_FORMAT, RECORDING_VERSION } from '../recording/format.ts';
import { FileBodies, type FilePlace } from './bodies.ts';
import { SessionView } from './session-view.ts';

const BLOCK_BYTES = 4 * 1024 * 1024;
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

/** Opens a recording, checks its header, and starts reading it into a view. */
export async function openRecording(path: string, keepSecrets: boolean): Promise<OpenedRecording> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw new DbgError('E_USAGE', `${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const first = Buffer.alloc(64 * 1024);
  const { bytesRead } = await file.read(first, 0, first.length, 0);
  // Rows are read back from their place in the file, which a gzip stream does not have.
  if (bytesRead >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
    await file.close();
    throw new DbgError('E_USAGE', `${path} is gzip-compressed; view reads plain recordings: gunzip -k ${path}, then view the .jsonl`);
  }
  const headerEnd = first.subarray(0, bytesRead).indexOf(NEWLINE);
  let header: Loose | undefined;
  try {
    header = JSON.parse(first.toString('utf8', 0, headerEnd < 0 ? bytesRead : headerEnd));
  } catch {
    header = undefined;
  }
  if (header?.type !== 'header' || header.format !== RECORDING_FORMAT) {
    await file.close();
    throw new DbgError('E_USAGE', `${path}: not a codex-dbg recording (its first line is not a ${RECORDING_FORMAT} header)`);
  }
  if (typeof header.version === 'number' && header.version > RECORDING_VERSION) {
    await file.close();
    throw new DbgError('E_USAGE', `${path}: recording format version ${header.version} is newer than this codex-dbg reads (${RECORDING_VERSION})`);
  }
  const bodies = new FileBodies(path);
  const view = new SessionView<FilePlace>({ mode: 'recording', title: path, keepSecrets }, bodies);
  let stopped = false;
  const isStopped = () => stopped;
  const done = findLines(file, headerEnd + 1, bodies, isStopped)
    .finally(() => file.close().catch(() => {}))
    .then(() => readRows(view, bodies, isStopped));
  return {
    view,
    done,
    close() {
      stopped = true;
      bodies.close();
    },
  };
}

/** First pass, fast: where every line is (no parsing), so the page can show any row at once. */
async function findLines(file: FileHandle, start: number, bodies: FileBodies, stopped: () => boolean): Promise<void> {
  const block = Buffer.allocUnsafe(BLOCK_BYTES);
  let lineStart = start;
  let position = start;
  for (;;) {
    if (stopped()) return;
    const { bytesRead } = await file.read(block, 0, BLOCK_BYTES, position);
    if (bytesRead === 0) break;
    let at = block.indexOf(NEWLINE, 0);
    while (at >= 0 && at < bytesRead) {
      const end = position + at;
      if (end > lineStart) bodies.append({ offset: lineStart, length: end - lineStart });
      lineStart = end + 1;
      at = block.indexOf(NEWLINE, at + 1);
    }
    position += bytesRead;
  }
  // A last line without its newline.
  if (position > lineStart) bodies.append({ offset: lineStart, length: position - lineStart });
}

/** Second pass: each line parsed into the timeline (pairing, latency, who answered) and the tree, in order. */
async function readRows(view: SessionView<FilePlace>, bodies: FileBodies, stopped: () => boolean): Promise<void> {
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
  view.end(skipped ? `${skipped} line${skipped === 1 ? '' : 's'} skipped (not a recording line)` : undefined);
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
  // Keeps row numbers in step with the file's lines.
  view.addEvent(t, 'unreadable', { line: text.slice(0, 200) }, place.length, place);
  return false;
}
