// Random access to a recording, for the inspector and anything else that shows part of a long session
// without reading all of it.
//
//   const recording = await openRecording('session.jsonl.gz');
//   recording.header.redacted          // false: made with --record-secrets, holds secrets: warn before showing
//   recording.count                    // entries in all parts (messages, stderr lines, events; headers are not entries)
//   await recording.read(recording.count - 50, 50)   // the last 50 entries ("jump to the end")
//   recording.turns                    // every turn: { number (from 1), turnId, threadId, entry of its turn/started }
//   const turn = recording.turn(812)   // the 812th turn, or recording.turn('<turn id>')
//   await recording.read(turn.entry, 100)
//   for await (const e of recording.entries(turn.entry)) …   // stream on from an entry, to the end
//
// Opening reads the header and the index beside the recording (`<first part>.idx`, written while
// recording). Without one (an older recording, or the index was deleted) it scans the recording once and
// keeps the index in memory; an index cut short by a kill is completed by scanning only what follows its
// last checkpoint. Reading [i, i+n) starts at the nearest checkpoint at or before i: at most about a
// thousand entries, or for gzip one member (about 1 MiB of text) more, are read and skipped. A gzip
// recording scanned without its index has checkpoints only at the start of each part.
import { existsSync, statSync } from 'node:fs';
import { indexPath, partPath, type RecordingHeader } from './format.ts';
import { CHECKPOINT_EVERY, readIndex, type Checkpoint } from './index-file.ts';
import { locateRecording, readEntries, type OnReadProblem, type RecordedEntry } from './reader.ts';

export interface Turn {
  /** 1 for the first turn in the recording. */
  number: number;
  turnId: string;
  threadId?: string;
  /** The entry of its turn/started notification. */
  entry: number;
}

export interface Recording {
  /** The first part's file. */
  readonly path: string;
  readonly header: RecordingHeader;
  readonly count: number;
  readonly turns: readonly Turn[];
  /** Entries [start, start + n), fewer at the end. */
  read(start: number, n: number): Promise<RecordedEntry[]>;
  /** Every entry from `start` on, as a stream. */
  entries(start?: number): AsyncGenerator<RecordedEntry>;
  /** The k-th turn (from 1) or the turn with this id. */
  turn(which: number | string): Turn | undefined;
}

export async function openRecording(file: string, options: { onProblem?: OnReadProblem } = {}): Promise<Recording> {
  const onProblem = options.onProblem ?? (() => {});
  const { header, first } = await locateRecording(file);
  const index = readIndex(indexPath(first), header.recordingId);
  // A checkpoint is only as good as the file it points into: one past the end of its part was cut by a kill.
  const checkpoints: Checkpoint[] = (index?.checkpoints ?? []).filter(({ part, offset }) => {
    const path = partPath(first, part);
    return existsSync(path) && offset < statSync(path).size;
  });
  if (checkpoints.length === 0 || checkpoints[0].entry !== 0) checkpoints.unshift({ entry: 0, part: 1, offset: 0 });
  const marks = [...(index?.turns ?? [])];
  let count = index?.end?.entries;
  if (count === undefined) {
    // No complete index: scan from its last checkpoint to the end, adding checkpoints and turns as we go.
    const from = checkpoints[checkpoints.length - 1];
    count = from.entry;
    let lastPart = from.part;
    const lastMark = marks.length ? marks[marks.length - 1].entry : -1;
    for await (const entry of readEntries(first, { from, onProblem })) {
      count = entry.entry + 1;
      const last = checkpoints[checkpoints.length - 1];
      if (entry.part !== lastPart) {
        lastPart = entry.part;
        checkpoints.push({ entry: entry.entry, part: entry.part, offset: 0 });
      } else if (entry.offset !== undefined && entry.entry - last.entry >= CHECKPOINT_EVERY) {
        checkpoints.push({ entry: entry.entry, part: entry.part, offset: entry.offset });
      }
      const record = entry.record;
      if (entry.entry > lastMark && record.type === 'message' && record.dir === 'in') {
        const message = record.message as { method?: unknown; params?: { threadId?: unknown; turn?: { id?: unknown } } };
        const turnId = message.method === 'turn/started' ? message.params?.turn?.id : undefined;
        if (typeof turnId === 'string') {
          const threadId = message.params?.threadId;
          marks.push({ entry: entry.entry, turnId, ...(typeof threadId === 'string' ? { threadId } : {}) });
        }
      }
    }
  }
  const turns: Turn[] = marks.map((mark, i) => ({ number: i + 1, ...mark }));
  const total = count;

  const checkpointAt = (entry: number): Checkpoint => {
    let low = 0;
    let high = checkpoints.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (checkpoints[middle].entry <= entry) low = middle;
      else high = middle - 1;
    }
    return checkpoints[low];
  };

  async function* entries(start = 0): AsyncGenerator<RecordedEntry> {
    for await (const entry of readEntries(first, { from: checkpointAt(Math.max(0, start)), onProblem })) {
      if (entry.entry >= start) yield entry;
    }
  }

  return {
    path: first,
    header,
    count: total,
    turns,
    entries,
    async read(start, n) {
      const out: RecordedEntry[] = [];
      if (n <= 0 || start >= total) return out;
      for await (const entry of entries(start)) {
        out.push(entry);
        if (out.length >= n) break;
      }
      return out;
    },
    turn(which) {
      return typeof which === 'number' ? turns[which - 1] : turns.find((turn) => turn.turnId === which);
    },
  };
}
