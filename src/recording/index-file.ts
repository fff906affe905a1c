// The index beside a recording (`<first part>.idx`), written as the recording grows, so that a reader can
// jump to an entry or a turn without reading what comes before it. JSON Lines:
//   {"type":"index","format":"codex-dbg-recording-index","version":1,"recordingId":"…"}
//   {"type":"checkpoint","entry":N,"part":P,"offset":B}   entry N (0-based, counted over all parts, headers
//        not counted) starts at byte B of part P; in a gzip part B is the start of a gzip member, so reading
//        can begin there
//   {"type":"turn","entry":N,"turnId":"…","threadId":"…"}   the turn/started notification of a turn
//   {"type":"end","entries":N,"parts":P}                     written when the recording was closed
// A checkpoint comes at the start of each part and then about every CHECKPOINT_EVERY entries. An index cut
// short (codex-dbg was killed) is still good for what it holds; readers scan the rest of the recording.
import { closeSync, fchmodSync, openSync, readFileSync, writeSync } from 'node:fs';
import { PRIVATE_FILE_MODE } from './format.ts';

export const INDEX_FORMAT = 'codex-dbg-recording-index';
export const INDEX_VERSION = 1;
export const CHECKPOINT_EVERY = 1000;

export interface Checkpoint {
  entry: number;
  part: number;
  offset: number;
}

export interface TurnMark {
  entry: number;
  turnId: string;
  threadId?: string;
}

export interface IndexData {
  recordingId: string;
  checkpoints: Checkpoint[];
  turns: TurnMark[];
  /** Present when the recording was closed cleanly: its entry count and number of parts. */
  end?: { entries: number; parts: number };
}

export class IndexWriter {
  private fd: number | undefined;

  constructor(path: string, recordingId: string) {
    this.fd = openSync(path, 'w', PRIVATE_FILE_MODE);
    if (process.platform !== 'win32') fchmodSync(this.fd, PRIVATE_FILE_MODE);
    this.write({ type: 'index', format: INDEX_FORMAT, version: INDEX_VERSION, recordingId });
  }

  checkpoint(mark: Checkpoint): void {
    this.write({ type: 'checkpoint', ...mark });
  }

  turn(mark: TurnMark): void {
    this.write({ type: 'turn', ...mark });
  }

  /** With `end` when the recording is complete; without, the index stays open-ended (readers scan on from its last checkpoint). */
  close(end?: { entries: number; parts: number }): void {
    if (end) this.write({ type: 'end', ...end });
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private write(line: object): void {
    if (this.fd !== undefined) writeSync(this.fd, `${JSON.stringify(line)}\n`);
  }
}

/** The index at `path` if it exists and belongs to this recording; undefined otherwise (the reader scans instead). */
export function readIndex(path: string, recordingId: string | undefined): IndexData | undefined {
  if (!recordingId) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const data: IndexData = { recordingId, checkpoints: [], turns: [] };
  const lines = text.split('\n');
  for (const [number, line] of lines.entries()) {
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      break; // a line cut by a kill: what came before still holds
    }
    if (number === 0) {
      if (value.format !== INDEX_FORMAT || value.recordingId !== recordingId || Number(value.version) > INDEX_VERSION) return undefined;
      continue;
    }
    if (value.type === 'checkpoint') data.checkpoints.push({ entry: Number(value.entry), part: Number(value.part), offset: Number(value.offset) });
    else if (value.type === 'turn') data.turns.push({ entry: Number(value.entry), turnId: String(value.turnId), threadId: value.threadId === undefined ? undefined : String(value.threadId) });
    else if (value.type === 'end') data.end = { entries: Number(value.entries), parts: Number(value.parts) };
  }
  return data.checkpoints.length ? data : undefined;
}
