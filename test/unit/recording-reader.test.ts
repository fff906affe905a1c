import { readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { indexPath } from '../../src/recording/format.ts';
import { readEntries, type RecordedEntry } from '../../src/recording/reader.ts';
import { Recorder, type RecordedTraffic } from '../../src/recording/recorder.ts';
import { openRecording } from '../../src/recording/recording.ts';
import { removeTempDirs, tempDir } from '../helpers/world.ts';

afterAll(removeTempDirs);

const delta = (i: number): RecordedTraffic => {
  const message = { method: 'item/agentMessage/delta', params: { delta: `piece ${i}` } };
  return { direction: 'in', message, line: JSON.stringify(message) };
};
const turnStarted = (n: number): RecordedTraffic => {
  const message = { method: 'turn/started', params: { threadId: 'th', turn: { id: `turn-${n}` } } };
  return { direction: 'in', message, line: JSON.stringify(message) };
};
const piece = (entry: RecordedEntry) => (entry.record as { message?: { params?: { delta?: string } } }).message?.params?.delta;

/** A recording of `count` deltas with a turn/started before every 500th, written the way a session writes it. */
async function record(file: string, count: number): Promise<void> {
  const recorder = new Recorder(file, { keepSecrets: false, version: '1' });
  for (let i = 0; i < count; i++) {
    if (i % 500 === 0) recorder.message(turnStarted(i / 500 + 1));
    recorder.message(delta(i));
    if (i % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  recorder.close();
}

async function readAll(file: string) {
  const problems: string[] = [];
  const entries: RecordedEntry[] = [];
  for await (const entry of readEntries(file, { onProblem: (text) => problems.push(text) })) entries.push(entry);
  return { entries, problems };
}

describe('reading a recording', () => {
  test('a last line cut short is reported, and everything before it is read', async () => {
    for (const name of ['cut.jsonl', 'cut.jsonl.gz']) {
      const dir = tempDir('read');
      const file = join(dir, name);
      const header = '{"type":"header","format":"codex-dbg-recording","version":1,"startedAt":"x","codexDbg":"1","redacted":true}\n';
      const text = `${header}{"t":1,"type":"stderr","line":"one"}\n{"t":2,"type":"stderr","line":"two"}\n{"t":3,"type":"message","dir":"in","message":{"method":"cut`;
      writeFileSync(file, name.endsWith('.gz') ? gzipSync(text) : text);
      const { entries, problems } = await readAll(file);
      expect(entries.map((e) => (e.record as { line: string }).line)).toEqual(['one', 'two']);
      expect(problems).toEqual([expect.stringMatching(new RegExp(`${name.replace('.', '\\.')}:4: the last line is cut off \\(\\d+ bytes, no newline\\): the recording ends early; read up to there`))]);
    }
  });

  test('gzip data that ends early (a kill mid-write) is reported; every whole member before it is read', async () => {
    const file = join(tempDir('read'), 'r.jsonl.gz');
    await record(file, 3000);
    const size = statSync(file).size;
    truncateSync(file, size - 7);
    const { entries, problems } = await readAll(file);
    expect(entries.length).toBeGreaterThan(2000);
    expect(entries.slice(0, 2000).map(piece).filter(Boolean)).toEqual(Array.from({ length: 2000 - 4 }, (_, i) => `piece ${i}`));
    expect(problems.some((p) => /the compressed data ends early/.test(p))).toBe(true);
  });

  test('a line that is not an entry is reported and skipped; reading goes on', async () => {
    const file = join(tempDir('read'), 'r.jsonl');
    const header = '{"type":"header","format":"codex-dbg-recording","version":1,"startedAt":"x","codexDbg":"1","redacted":true}\n';
    writeFileSync(file, `${header}{"t":1,"type":"stderr","line":"a"}\nnot json\n{"t":2,"type":"nope"}\n{"t":3,"type":"stderr","line":"b"}\n`);
    const { entries, problems } = await readAll(file);
    expect(entries.map((e) => [e.entry, e.line])).toEqual([
      [0, 2],
      [1, 5],
    ]);
    expect(problems).toEqual([expect.stringMatching(/r\.jsonl:3: skipped: not JSON/), expect.stringMatching(/r\.jsonl:4: skipped: not a recording line: type: expected "message", "stderr" or "event", got "nope"/)]);
  });

  test('random access goes through the index: the end and a turn are read without reading what comes before', async () => {
    for (const name of ['r.jsonl', 'r.jsonl.gz']) {
      const file = join(tempDir('read'), name);
      await record(file, 20_000);
      const recording = await openRecording(file);
      expect(recording.count).toBe(20_040);
      expect(recording.turns).toHaveLength(40);
      // Damage the early part of the file (after the header): reads near the end and of late turns must
      // not notice. For gzip, up to the next member, where reading can begin.
      const bytes = readFileSync(file);
      const checkpoints = readFileSync(indexPath(file), 'utf8')
        .split('\n')
        .filter((line) => line.includes('"checkpoint"'))
        .map((line) => JSON.parse(line).offset as number);
      expect(checkpoints.length).toBeGreaterThan(1);
      const damageEnd = name.endsWith('.gz') ? checkpoints[1] : Math.floor(bytes.length / 2);
      // The first gzip member may be small (it is cut at one second, which a loaded machine reaches early).
      const damageStart = checkpoints[0] + Math.min(100, Math.floor((damageEnd - checkpoints[0]) / 2));
      expect(damageEnd).toBeGreaterThan(damageStart);
      bytes.fill(0x21, damageStart, damageEnd);
      writeFileSync(file, bytes);
      const problems: string[] = [];
      const damaged = await openRecording(file, { onProblem: (text) => problems.push(text) });
      const tail = await damaged.read(damaged.count - 2, 5);
      expect(tail.map(piece)).toEqual(['piece 19998', 'piece 19999']);
      const turn = damaged.turn(38) as { entry: number };
      const [started, first] = await damaged.read(turn.entry, 2);
      expect((started.record as { message: { params: { turn: { id: string } } } }).message.params.turn.id).toBe('turn-38');
      expect(piece(first)).toBe('piece 18500');
      expect(damaged.turn('turn-38')).toEqual(damaged.turn(38));
      expect(problems).toEqual([]);
      // Reading from the start does meet the damage.
      expect((await readAll(file)).problems.length, `${name}: damaged bytes ${damageStart}-${damageEnd} of ${bytes.length}`).toBeGreaterThan(0);
    }
  });

  test('without its index, or with one cut short, opening scans and finds the same entries and turns', async () => {
    for (const name of ['r.jsonl', 'r.jsonl.gz']) {
      const file = join(tempDir('read'), name);
      await record(file, 5000);
      const whole = await openRecording(file);
      const index = readFileSync(indexPath(file), 'utf8');
      writeFileSync(indexPath(file), index.slice(0, Math.floor(index.length / 2)));
      const cut = await openRecording(file);
      rmSync(indexPath(file));
      const none = await openRecording(file);
      for (const recording of [cut, none]) {
        expect(recording.count).toBe(whole.count);
        expect(recording.turns).toEqual(whole.turns);
        expect((await recording.read(4000, 3)).map(piece)).toEqual((await whole.read(4000, 3)).map(piece));
      }
    }
  });

  test('a file that is not a recording, or a newer version, is a usage error naming the file', async () => {
    const dir = tempDir('read');
    writeFileSync(join(dir, 'a.json'), '{"steps":[]}\n');
    writeFileSync(join(dir, 'b.jsonl'), '{"type":"header","format":"codex-dbg-recording","version":99,"redacted":true}\n');
    await expect(readAll(join(dir, 'a.json'))).rejects.toThrow(/a\.json: not a codex-dbg recording \(line 1: type: expected "header"/);
    await expect(readAll(join(dir, 'b.jsonl'))).rejects.toThrow(/b\.jsonl: recording format version 99 is newer than this codex-dbg reads \(1\)/);
    await expect(readAll(join(dir, 'missing.jsonl'))).rejects.toThrow(/missing\.jsonl: ENOENT/);
  });
});
