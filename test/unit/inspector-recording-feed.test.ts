// `view`'s feed over whole recordings, written by the recorder as a session writes them: every part, plain
// or gzip, whichever part is named; gzip cut short (a kill mid-write) shown up to there and reported; and
// nothing left behind (open files, the decompressed spill file) once it is closed.
import { existsSync, readdirSync, readlinkSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { partPath, type RecordLine } from '../../src/recording/format.ts';
import { readEntries } from '../../src/recording/reader.ts';
import { Recorder, type RecordedTraffic } from '../../src/recording/recorder.ts';
import { parseQuery } from '../../src/ui/query.ts';
import { openRecording, type OpenedRecording } from '../../src/ui/recording-feed.ts';
import { removeTempDirs, tempDir, waitFor } from '../helpers/world.ts';

afterAll(removeTempDirs);

const COUNT = 3000;
const delta = (i: number): RecordedTraffic => {
  const message = { method: 'item/agentMessage/delta', params: { delta: `piece ${i} ${'x'.repeat(i % 50)}` } };
  return { direction: 'in', message, line: JSON.stringify(message) };
};
const turnStarted = (n: number): RecordedTraffic => {
  const message = { method: 'turn/started', params: { threadId: 'th', turn: { id: `turn-${n}` } } };
  return { direction: 'in', message, line: JSON.stringify(message) };
};
const pieceOf = (record: RecordLine) => (record as { message?: { params?: { delta?: string } } }).message?.params?.delta?.split(' ')[1];

/** COUNT deltas with a turn/started before every 1000th and a stderr line after every 500th, as a session writes them. */
async function record(file: string, maxBytes?: number): Promise<void> {
  const recorder = new Recorder(file, { keepSecrets: false, version: '1', maxBytes });
  for (let i = 0; i < COUNT; i++) {
    if (i % 1000 === 0) recorder.message(turnStarted(i / 1000 + 1));
    recorder.message(delta(i));
    if (i % 500 === 0) recorder.stderr(`WARN after ${i}`);
    if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  recorder.close();
}

const ENTRIES = COUNT + COUNT / 1000 + COUNT / 500;

async function entriesOf(file: string): Promise<RecordLine[]> {
  const records: RecordLine[] = [];
  for await (const entry of readEntries(file)) records.push(entry.record);
  return records;
}

async function shown(file: string): Promise<{ recording: OpenedRecording; rows: RecordLine[] }> {
  const recording = await openRecording(file, false);
  await recording.done;
  const { timeline } = recording.view;
  return { recording, rows: Array.from({ length: timeline.count }, (_, row) => timeline.record(row, true)) };
}

/** The spill files this process holds open (Linux: /proc/self/fd), and the spill directories in the temporary directory. */
function openFiles(): { fd: string; target: string }[] {
  if (!existsSync('/proc/self/fd')) return [];
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [{ fd: `/proc/self/fd/${fd}`, target: readlinkSync(`/proc/self/fd/${fd}`) }];
    } catch {
      return []; // the directory's own descriptor, gone by now
    }
  });
}
const openSpills = () => openFiles().filter(({ target }) => target.includes('codex-dbg-view-'));
const openUnder = (dir: string) => openFiles().filter(({ target }) => target.startsWith(dir));
const spillDirs = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('codex-dbg-view-')));

/** Runs `check` with a temporary directory of its own, so the spill directories seen there are this test's only. */
async function withOwnTmp(check: () => Promise<void>): Promise<void> {
  const own = tempDir('feed-tmp');
  const saved = { TMPDIR: process.env.TMPDIR, TMP: process.env.TMP, TEMP: process.env.TEMP };
  Object.assign(process.env, { TMPDIR: own, TMP: own, TEMP: own });
  try {
    expect(tmpdir()).toBe(own);
    await check();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

describe('view shows a whole recording', () => {
  test('plain parts: every entry of every part, in order, whichever part is named; rows read back from the parts themselves', async () => {
    const dir = tempDir('feed');
    const file = join(dir, 'r.jsonl');
    await record(file, 20_000);
    expect(existsSync(partPath(file, 3))).toBe(true);
    const expected = await entriesOf(file);
    expect(expected).toHaveLength(ENTRIES);
    for (const named of [file, partPath(file, 2), partPath(file, 3)]) {
      const { recording, rows } = await shown(named);
      expect(rows).toHaveLength(ENTRIES);
      expect(rows).toEqual(expected);
      expect(rows.map(pieceOf).filter(Boolean)).toEqual(Array.from({ length: COUNT }, (_, i) => String(i)));
      expect(recording.view.endedWith).toBeUndefined();
      // Search reads rows back in blocks, each from one part.
      expect(await recording.view.timeline.find(parseQuery({ q: 'WARN' }))).toEqual(rows.flatMap((row, n) => (row.type === 'stderr' ? [n] : [])));
      // Plain parts need no spill file.
      expect(openSpills()).toEqual([]);
      expect(openUnder(dir).length).toBeGreaterThan(2);
      recording.close();
      expect(openUnder(dir)).toEqual([]);
    }
  });

  test('a recording in more parts than are kept open: every row still read back, a bounded number of files open', async () => {
    const dir = tempDir('feed');
    const file = join(dir, 'r.jsonl');
    await record(file, 2000);
    expect(existsSync(partPath(file, 100))).toBe(true);
    const expected = await entriesOf(file);
    const { recording, rows } = await shown(file);
    expect(rows).toEqual(expected);
    // And again, now the rows are read back in a different order of files.
    const { timeline } = recording.view;
    expect(Array.from({ length: timeline.count }, (_, i) => timeline.record(timeline.count - 1 - i, true))).toEqual([...expected].reverse());
    if (existsSync('/proc/self/fd')) expect(openUnder(dir).length).toBeLessThanOrEqual(80);
    recording.close();
    expect(openUnder(dir)).toEqual([]);
  });

  test('gzip, one file and in parts: every entry, and each row read back equals the entry recorded', async () => {
    for (const maxBytes of [undefined, 20_000]) {
      const file = join(tempDir('feed'), 'r.jsonl.gz');
      await record(file, maxBytes);
      expect(existsSync(partPath(file, 2))).toBe(maxBytes !== undefined);
      const expected = await entriesOf(file);
      expect(expected).toHaveLength(ENTRIES);
      for (const named of maxBytes ? [file, partPath(file, 2)] : [file]) {
        const { recording, rows } = await shown(named);
        expect(rows).toEqual(expected);
        expect(rows.map(pieceOf).filter(Boolean)).toEqual(Array.from({ length: COUNT }, (_, i) => String(i)));
        expect(recording.view.endedWith).toBeUndefined();
        expect(await recording.view.timeline.find(parseQuery({ q: 'WARN' }))).toEqual(rows.flatMap((row, n) => (row.type === 'stderr' ? [n] : [])));
        recording.close();
      }
    }
  });

  test('gzip cut short (a kill mid-write): what came before is shown, and the end note says the data ends early', async () => {
    const single = join(tempDir('feed'), 'r.jsonl.gz');
    await record(single);
    truncateSync(single, statSync(single).size - 7);
    const parts = join(tempDir('feed'), 'r.jsonl.gz');
    await record(parts, 20_000);
    let last = 2;
    while (existsSync(partPath(parts, last + 1))) last++;
    truncateSync(partPath(parts, last), Math.floor(statSync(partPath(parts, last)).size / 2));
    for (const file of [single, parts]) {
      const { recording, rows } = await shown(file);
      const pieces = rows.map(pieceOf).filter(Boolean);
      expect(pieces.length).toBeGreaterThan(COUNT / 2);
      expect(pieces.slice(0, -1)).toEqual(Array.from({ length: pieces.length - 1 }, (_, i) => String(i)));
      expect(recording.view.endedWith).toMatch(/r\.(\d+\.)?jsonl\.gz: the compressed data ends early .*; read up to there/);
      recording.close();
    }
  });

  test('the gzip spill file is private, gone from the disk while open (POSIX), and closed with the view', async () => {
    const file = join(tempDir('feed'), 'r.jsonl.gz');
    await record(file, 20_000);
    await withOwnTmp(async () => {
      const dirsBefore = spillDirs();
      const recording = await openRecording(file, false);
      await recording.done;
      expect(recording.view.timeline.count).toBe(ENTRIES);
      if (process.platform !== 'win32') {
        // Removed right after it was opened: nothing is left even if the process is killed.
        expect(spillDirs()).toEqual(dirsBefore);
        if (existsSync('/proc/self/fd')) {
          const spills = openSpills();
          expect(spills.map(({ target }) => target)).toEqual([expect.stringMatching(/codex-dbg-view-[^/]+\/.* \(deleted\)$/)]);
          expect(statSync(spills[0].fd).mode & 0o777).toBe(0o600);
        }
      }
      recording.close();
      expect(openSpills()).toEqual([]);
      expect([...spillDirs()].filter((name) => !dirsBefore.has(name))).toEqual([]);
    });
  });

  test('closed while still reading: no file left open, no spill left behind', async () => {
    const file = join(tempDir('feed'), 'r.jsonl.gz');
    await record(file, 20_000);
    await withOwnTmp(async () => {
      const dirsBefore = spillDirs();
      // Before the first part is read, then once rows of the first gzip part are known (the spill file open).
      for (const wait of [false, true]) {
        const recording = await openRecording(file, false);
        if (wait) await waitFor('the first rows', () => (recording.view.timeline.known > 0 ? true : undefined));
        recording.close();
        await recording.done;
        expect(openSpills()).toEqual([]);
        expect(openUnder(dirname(file))).toEqual([]);
        expect([...spillDirs()].filter((name) => !dirsBefore.has(name))).toEqual([]);
      }
    });
  });

  test('a later part named when part 1 is gone: shown from that part, and the end note says so', async () => {
    const file = join(tempDir('feed'), 'r.jsonl');
    await record(file, 20_000);
    const expected = await entriesOf(partPath(file, 2));
    truncateSync(file, 0);
    const { recording, rows } = await shown(partPath(file, 2));
    expect(rows).toEqual(expected);
    expect(recording.view.endedWith).toMatch(/^shown from part 2: part 1 \(.*r\.jsonl\) is missing, unreadable or of another recording$/);
    recording.close();
  });
});
