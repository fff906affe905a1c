// Feeds a recording to the inspector: reads the file front to back in large blocks, hands each line to the
// view with where it sits in the file (the page reads a row back from there when it shows it), and yields
// between blocks so the first rows can be shown while the rest is still being read.
//
// This is the one file that knows how a recording is read. It reads lines itself today; when the recording
// layer offers a streaming reader with an index (issue 18), this is the file that switches to it.
import { open } from 'node:fs/promises';
import { DbgError } from '../core/errors.ts';
import { RECORDING_FORMAT, RECORDING_VERSION } from '../recording/recorder.ts';
import { FileBodies, type FilePlace } from './bodies.ts';
import { SessionView } from './session-view.ts';

const BLOCK_BYTES = 4 * 1024 * 1024;
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
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw new DbgError('E_USAGE', `${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const first = Buffer.alloc(64 * 1024);
  const { bytesRead } = await file.read(first, 0, first.length, 0);
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
  const done = readLines(file, headerEnd + 1, view, () => stopped).finally(() => file.close().catch(() => {}));
  return {
    view,
    done,
    close() {
      stopped = true;
      bodies.close();
    },
  };
}

async function readLines(file: Awaited<ReturnType<typeof open>>, start: number, view: SessionView<FilePlace>, stopped: () => boolean): Promise<void> {
  let skipped = 0;
  let position = start;
  let carry = Buffer.alloc(0);
  const block = Buffer.allocUnsafe(BLOCK_BYTES);
  for (;;) {
    if (stopped()) return;
    const { bytesRead } = await file.read(block, 0, BLOCK_BYTES, position + carry.length);
    const data = carry.length ? Buffer.concat([carry, block.subarray(0, bytesRead)]) : block.subarray(0, bytesRead);
    const atEnd = bytesRead === 0;
    let lineStart = 0;
    for (;;) {
      let lineEnd = data.indexOf(NEWLINE, lineStart);
      if (lineEnd < 0) {
        if (!atEnd || lineStart >= data.length) break;
        lineEnd = data.length; // a last line without its newline
      }
      if (lineEnd > lineStart && !addLine(view, data, lineStart, lineEnd, position + lineStart)) skipped++;
      lineStart = lineEnd + 1;
    }
    if (atEnd) break;
    position += lineStart;
    carry = Buffer.from(data.subarray(lineStart));
    // Let the page's requests through between blocks.
    await new Promise((resolve) => setImmediate(resolve));
  }
  view.end(skipped ? `${skipped} line${skipped === 1 ? '' : 's'} skipped (not a recording line)` : undefined);
}

const MESSAGE_KEY = Buffer.from('"message":');

/** One recording line into the view; false when it is not one. */
function addLine(view: SessionView<FilePlace>, data: Buffer, from: number, to: number, offset: number): boolean {
  let record: Loose;
  try {
    record = JSON.parse(data.toString('utf8', from, to));
  } catch {
    return false;
  }
  const place = { offset, length: to - from };
  const t = typeof record.t === 'number' ? record.t : 0;
  if (record.type === 'message' && record.message && typeof record.message === 'object') {
    // The message's own size: the line less its envelope ({"t":…,"type":"message","dir":…,"message": … }).
    const at = data.indexOf(MESSAGE_KEY, from);
    const size = at >= 0 && at < to ? to - (at + MESSAGE_KEY.length) - 1 : to - from;
    view.addMessage(t, record.dir === 'out' ? 'out' : 'in', record.message, size, place);
  } else if (record.type === 'stderr' && typeof record.line === 'string') {
    view.addStderr(t, record.line, place);
  } else if (record.type === 'event' && typeof record.event === 'string') {
    const { t: _t, type: _type, event, ...detail } = record;
    view.addEvent(t, event, detail, to - from, place);
  } else {
    return false;
  }
  return true;
}
