import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test, afterAll } from 'vitest';
import { Recorder, redact } from '../../src/recording/recorder.ts';
import { tempDir, removeTempDirs } from '../helpers/world.ts';

afterAll(removeTempDirs);

describe('recorder', () => {
  test('redacts tokens, keys and authorization values at any depth, and nothing else', () => {
    expect(
      redact({ id: 1, result: { token: 'abc', accessToken: 'x', nested: [{ apiKey: 'k', Authorization: 'Bearer y', text: 'token is a word here' }] } }),
    ).toEqual({ id: 1, result: { token: '[redacted]', accessToken: '[redacted]', nested: [{ apiKey: '[redacted]', Authorization: '[redacted]', text: 'token is a word here' }] } });
  });

  test('a header line, then each entry as written; the file is readable before close', () => {
    const file = join(tempDir('rec'), 'r.jsonl');
    const recorder = new Recorder(file, { keepSecrets: false, version: '9.9.9' });
    recorder.message('in', { id: 0, method: 'attestation/generate', params: {} });
    recorder.message('out', { id: 0, result: { token: 'secret' } });
    recorder.stderr('WARN something');
    recorder.event('answered', { id: 0, by: 'attestation-stub' });
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'header', format: 'codex-dbg-recording', version: 1, codexDbg: '9.9.9', redacted: true });
    expect(lines.slice(1).map((l) => l.type)).toEqual(['message', 'message', 'stderr', 'event']);
    expect(lines[2].message.result.token).toBe('[redacted]');
    expect(lines.slice(1).every((l) => typeof l.t === 'number')).toBe(true);
    recorder.close();
  });
});
