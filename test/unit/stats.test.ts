import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { collectStats } from '../../src/recording/stats.ts';
import { formatStats } from '../../src/recording/stats-report.ts';
import { removeTempDirs, tempDir } from '../helpers/world.ts';

afterAll(removeTempDirs);

const header = { type: 'header', format: 'codex-dbg-recording', version: 1, startedAt: '2026-01-01T00:00:00.000Z', codexDbg: '9.9.9', redacted: true };
const message = (t: number, dir: 'in' | 'out', body: object) => ({ t, type: 'message', dir, message: body });
const turn = (t: number, id: string, status?: string) =>
  message(t, 'in', status ? { method: 'turn/completed', params: { turn: { id, status } } } : { method: 'turn/started', params: { turn: { id } } });

/** A session with known numbers: 3 client requests (one failed, one never answered), 4 turns, 3 server requests. */
const session = [
  header,
  message(0, 'out', { id: 1, method: 'initialize', params: {} }),
  message(40, 'in', { id: 1, result: {} }),
  message(41, 'out', { id: 2, method: 'config/nope', params: {} }),
  message(45, 'in', { id: 2, error: { code: -32600, message: 'unknown variant' } }),
  message(50, 'out', { id: 3, method: 'thread/list', params: {} }),
  { t: 51, type: 'stderr', line: 'WARN one' },
  { t: 52, type: 'stderr', line: 'WARN two' },
  turn(100, 'a'),
  turn(200, 'a', 'completed'),
  turn(300, 'b'),
  turn(700, 'b', 'failed'),
  turn(800, 'c'),
  message(810, 'in', { id: 0, method: 'item/commandExecution/requestApproval', params: { command: 'ls' } }),
  { t: 811, type: 'event', event: 'answered', id: 0, method: 'item/commandExecution/requestApproval', by: 'auto-approve' },
  message(812, 'out', { id: 0, result: { decision: 'accept' } }),
  message(820, 'in', { id: 1, method: 'attestation/generate', params: {} }),
  { t: 821, type: 'event', event: 'answered', id: 1, method: 'attestation/generate', by: 'default' },
  message(825, 'out', { id: 1, error: { code: -32601, message: 'no attestation' } }),
  message(830, 'in', { id: 2, method: 'item/tool/requestUserInput', params: { questions: [] } }),
  message(900, 'in', { method: 'item/agentMessage/delta', params: { delta: 'x'.repeat(5000) } }),
  turn(1000, 'c', 'completed'),
  turn(1100, 'd'),
];

describe('stats', () => {
  test('counts what a known session holds', async () => {
    const file = join(tempDir('stats'), 'known.jsonl');
    writeFileSync(file, `${session.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const stats = await collectStats(file, { top: 3 });
    expect(stats).toMatchObject({ file, startedAt: '2026-01-01T00:00:00.000Z', codexDbg: '9.9.9', redacted: true, parts: 1, durationMs: 1100, entries: 22, stderrLines: 2 });
    expect(stats.messages).toEqual({ in: 13, out: 5 });
    expect(stats.methods[0]).toMatchObject({ dir: 'in', method: 'turn/started', count: 4 });
    expect(stats.methods).toHaveLength(3);
    expect(stats.turns.byStatus).toEqual({ completed: 2, failed: 1, unfinished: 1 });
    expect(stats.turns.count).toBe(4);
    expect(stats.turns.durationMs).toMatchObject({ count: 3, max: 400 });
    expect(stats.turns.durationMs.p50).toBeCloseTo(200, -1);
    expect(stats.serverRequests.count).toBe(3);
    expect(stats.serverRequests.list).toEqual([
      { id: 0, method: 'item/commandExecution/requestApproval', by: 'auto-approve', ms: 2, t: 810 },
      { id: 1, method: 'attestation/generate', by: 'default', ms: 5, t: 820 },
      { id: 2, method: 'item/tool/requestUserInput', by: 'unanswered', t: 830 },
    ]);
    expect(stats.clientRequests.count).toBe(3);
    expect(stats.clientRequests.unanswered).toBe(1);
    expect(stats.clientRequests.byMethod.map((m) => [m.method, m.count, m.ms.max])).toEqual([
      ['initialize', 1, 40],
      ['config/nope', 1, 4],
    ]);
    expect(stats.errors).toEqual([
      { dir: 'in', code: -32600, method: 'config/nope', count: 1 },
      { dir: 'out', code: -32601, method: 'attestation/generate', count: 1 },
    ]);
    expect(stats.events).toEqual({ answered: 2 });
    expect(stats.largest[0]).toMatchObject({ entry: 19, dir: 'in', method: 'item/agentMessage/delta', t: 900 });
    expect(stats.largest[0].bytes).toBeGreaterThan(5000);

    const text = formatStats(stats);
    expect(text).toMatch(/^turns: 4 \(2 completed, 1 failed, 1 unfinished\)$/m);
    expect(text).toMatch(/^ {2}item\/tool\/requestUserInput +UNANSWERED +1×$/m);
    expect(text).toMatch(/^ {2}item\/commandExecution\/requestApproval +answered by auto-approve +1× +2 ms$/m);
    expect(text).toMatch(/^client requests: 3, 1 without a reply$/m);
    expect(text).toMatch(/^ {2}from server +-32600 +config\/nope +1×$/m);
    expect(text).toMatch(/^server stderr: 2 lines$/m);
    expect(text).toMatch(/^ {2}entry 19 +in +item\/agentMessage\/delta +5\.0 KiB +at 900 ms$/m);
  });
});
