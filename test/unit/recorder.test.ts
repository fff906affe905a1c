import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { indexPath, partPath } from '../../src/recording/format.ts';
import { Recorder, type RecordedTraffic } from '../../src/recording/recorder.ts';
import { openRecording } from '../../src/recording/recording.ts';
import { readEntries } from '../../src/recording/reader.ts';
import { removeTempDirs, tempDir } from '../helpers/world.ts';

afterAll(removeTempDirs);

const traffic = (direction: 'in' | 'out', message: object, line = JSON.stringify(message)): RecordedTraffic => ({ direction, message: message as RecordedTraffic['message'], line });
const jsonLines = (text: string) => text.trim().split('\n').map((line) => JSON.parse(line));
const tick = () => new Promise((resolve) => setImmediate(resolve));
const mode = (file: string) => statSync(file).mode & 0o777;

describe('recorder', () => {
  test('a header line, then each entry as written, the message lines embedded exactly as they crossed the pipe', async () => {
    const file = join(tempDir('rec'), 'r.jsonl');
    const recorder = new Recorder(file, { keepSecrets: false, version: '9.9.9' });
    const sent = '{"id":0,"method":"attestation/generate","params":{},"big":18446744073709551615, "__proto__":{"x":1}}';
    recorder.message(traffic('in', JSON.parse(sent), sent));
    recorder.message(traffic('out', { id: 0, result: { token: 'secret' } }));
    recorder.stderr('WARN something');
    recorder.event('answered', { id: 0, by: 'attestation-stub' });
    await tick();
    // Readable before close: everything handled is on disk once the event loop moves on.
    const text = readFileSync(file, 'utf8');
    const lines = jsonLines(text);
    expect(lines[0]).toMatchObject({ type: 'header', format: 'codex-dbg-recording', version: 1, codexDbg: '9.9.9', redacted: true, part: 1 });
    expect(lines.slice(1).map((l) => l.type)).toEqual(['message', 'message', 'stderr', 'event']);
    expect(text.split('\n')[1]).toMatch(/^\{"t":[\d.]+,"type":"message","dir":"in","message":\{"id":0,"method":"attestation\/generate","params":\{\},"big":18446744073709551615, "__proto__":\{"x":1\}\}\}$/);
    expect(lines[2].message.result.token).toBe('[redacted]');
    expect(lines.slice(1).every((l) => typeof l.t === 'number')).toBe(true);
    recorder.close();
  });

  test('the recording and its index are created private (0600), also over an existing world-readable file', () => {
    const dir = tempDir('rec');
    const file = join(dir, 'r.jsonl');
    writeFileSync(file, 'old', { mode: 0o644 });
    const recorder = new Recorder(file, { keepSecrets: true, version: '1' });
    recorder.close();
    const gz = new Recorder(join(dir, 'r.jsonl.gz'), { keepSecrets: true, version: '1' });
    gz.close();
    if (process.platform === 'win32') return;
    for (const name of readdirSync(dir)) expect([name, mode(join(dir, name))]).toEqual([name, 0o600]);
    expect(readdirSync(dir).sort()).toEqual(['r.jsonl', 'r.jsonl.gz', 'r.jsonl.gz.idx', 'r.jsonl.idx']);
  });

  test('--record-secrets says so in the header; the spawn event has secret -c overrides redacted otherwise', () => {
    const dir = tempDir('rec');
    const args = ['--config', 'model_providers.x.api_key=sk-live', 'app-server'];
    for (const keepSecrets of [false, true]) {
      const file = join(dir, `${keepSecrets}.jsonl`);
      const recorder = new Recorder(file, { keepSecrets, version: '1' });
      recorder.event('spawn', { bin: 'codex', args });
      recorder.close();
      const [header, spawn] = jsonLines(readFileSync(file, 'utf8'));
      expect(header.redacted).toBe(!keepSecrets);
      expect(spawn.args[1]).toBe(keepSecrets ? 'model_providers.x.api_key=sk-live' : 'model_providers.x.api_key=[redacted]');
    }
  });

  test('a message nested 100,000 levels deep is recorded whole, redacted or not, and the session goes on', async () => {
    const dir = tempDir('rec');
    const depth = 100_000;
    const deep = `{"method":"fake/deep","params":${'['.repeat(depth)}{"token":"s"}${']'.repeat(depth)}}`;
    for (const keepSecrets of [false, true]) {
      const file = join(dir, `${keepSecrets}.jsonl`);
      const recorder = new Recorder(file, { keepSecrets, version: '1' });
      recorder.message(traffic('in', { method: 'fake/deep' }, deep));
      recorder.message(traffic('in', { method: 'after' }));
      recorder.close();
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[1].endsWith(`${keepSecrets ? '{"token":"s"}' : '{"token":"[redacted]"}'}${']'.repeat(depth)}}}`)).toBe(true);
      expect(JSON.parse(lines[2]).message.method).toBe('after');
    }
  });

  test('a write that fails stops recording with one report; nothing is thrown into the session', () => {
    const dir = tempDir('rec');
    const problems: string[] = [];
    const recorder = new Recorder(join(dir, 'r.jsonl'), { keepSecrets: false, version: '1', onProblem: (text) => problems.push(text) });
    // Simulate a disk that fails: close the file under the recorder.
    (recorder as unknown as { part: { close(): void } }).part.close();
    (recorder as unknown as { part: { write: () => void } }).part.write = () => {
      throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
    };
    expect(() => recorder.message(traffic('in', { method: 'x' }))).not.toThrow();
    expect(() => recorder.stderr('more')).not.toThrow();
    expect(problems).toEqual([expect.stringMatching(/^recording stopped: .*r\.jsonl: ENOSPC; the session goes on without it$/)]);
    recorder.close();
  });

  test('gzip: one member per flush, readable while recording; close writes the rest', async () => {
    const file = join(tempDir('rec'), 'r.jsonl.gz');
    const recorder = new Recorder(file, { keepSecrets: false, version: '1' });
    for (let i = 0; i < 100; i++) recorder.message(traffic('in', { method: 'item/agentMessage/delta', params: { delta: `piece ${i}` } }));
    // The batch is compressed within a second, off the main thread.
    const deadline = Date.now() + 5000;
    while (gunzipSync(readFileSync(file)).toString().split('\n').length < 102 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gunzipSync(readFileSync(file)).toString().trim().split('\n')).toHaveLength(101);
    recorder.stderr('last');
    recorder.close();
    const lines = jsonLines(gunzipSync(readFileSync(file)).toString());
    expect(lines).toHaveLength(102);
    expect(lines[101]).toMatchObject({ type: 'stderr', line: 'last' });
  });

  test('--record-max-bytes: numbered parts, each with a header; read as one recording, in order, through the index', async () => {
    for (const name of ['r.jsonl', 'r.jsonl.gz']) {
      const file = join(tempDir('rec'), name);
      const recorder = new Recorder(file, { keepSecrets: false, version: '1', maxBytes: 20_000 });
      for (let i = 0; i < 3000; i++) {
        recorder.message(traffic('in', { method: 'item/agentMessage/delta', params: { delta: `piece ${i} ${'x'.repeat(i % 50)}` } }));
        if (i % 1000 === 0) recorder.message(traffic('in', { method: 'turn/started', params: { threadId: 't', turn: { id: `turn-${i / 1000 + 1}` } } }));
        if (i % 100 === 0) await tick();
      }
      recorder.close();
      expect(existsSync(partPath(file, 2))).toBe(true);
      const entries = [];
      for await (const entry of readEntries(file)) entries.push(entry);
      expect(entries).toHaveLength(3003);
      const deltas = entries.filter((e) => (e.record as { message?: { method?: string } }).message?.method === 'item/agentMessage/delta');
      expect(deltas.map((e) => (e.record as { message: { params: { delta: string } } }).message.params.delta.split(' ')[1])).toEqual(Array.from({ length: 3000 }, (_, i) => String(i)));
      expect(entries.map((e) => e.entry)).toEqual(Array.from({ length: 3003 }, (_, i) => i));

      const recording = await openRecording(file);
      expect(recording.count).toBe(3003);
      expect(recording.turns.map((t) => t.turnId)).toEqual(['turn-1', 'turn-2', 'turn-3']);
      const turn = recording.turn(3);
      expect(turn).toMatchObject({ number: 3, turnId: 'turn-3' });
      const [started] = await recording.read((turn as { entry: number }).entry, 1);
      expect((started.record as { message: { method: string } }).message.method).toBe('turn/started');
      const tail = await recording.read(recording.count - 3, 10);
      expect(tail.map((e) => e.entry)).toEqual([3000, 3001, 3002]);
      expect(tail.map((e) => (e.record as { message: { params: { delta: string } } }).message.params.delta.split(' ')[1])).toEqual(['2997', '2998', '2999']);
      expect(readFileSync(indexPath(file), 'utf8')).toMatch(/"type":"end","entries":3003/);
    }
  });
});
