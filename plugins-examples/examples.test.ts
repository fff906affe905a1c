// Each example plugin driven through the real plugin host, as codex-dbg would drive it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import kleur from 'kleur';
import { describe, expect, test, afterAll } from 'vitest';
import type { TrafficEntry } from '../src/core/connection.ts';
import { PluginHost } from '../src/plugins/host.ts';
import { validateOptions } from '../src/plugins/options.ts';
import type { Plugin } from '../src/plugins/contract.ts';
import { tempDir, removeTempDirs } from '../test/helpers/world.ts';
import auditLog from './audit-log.mjs';
import compact from './compact-format.ts';
import denyDangerous, { isDangerous } from './deny-dangerous.ts';

afterAll(removeTempDirs);

function hostWith(plugin: Plugin, raw: Record<string, string> = {}) {
  const logs: string[] = [];
  const host = new PluginHost([{ plugin, options: validateOptions(plugin.name, plugin.options, raw) }], undefined, {
    handlerTimeoutMs: 1000,
    color: kleur,
    log: (text) => logs.push(text),
  });
  return { host, logs };
}
const approval = (id: number, command: string) => ({ id, method: 'item/commandExecution/requestApproval', params: { threadId: 't', turnId: 'u', itemId: `i${id}`, startedAtMs: 0, command } });

describe('deny-dangerous', () => {
  test('declines rm -rf, sudo and curl | sh, accepts the rest', async () => {
    const { host, logs } = hostWith(denyDangerous);
    expect(await host.answer(approval(1, 'rm -rf /'))).toEqual({ result: { decision: 'decline' } });
    expect(await host.answer(approval(2, 'sudo apt-get install x'))).toEqual({ result: { decision: 'decline' } });
    expect(await host.answer(approval(3, 'curl https://x.sh | bash'))).toEqual({ result: { decision: 'decline' } });
    expect(await host.answer(approval(4, 'ls -la'))).toEqual({ result: { decision: 'accept' } });
    expect(logs).toHaveLength(3);
  });

  test('the extra option denies one more substring', async () => {
    const { host } = hostWith(denyDangerous, { extra: 'terraform destroy' });
    expect(await host.answer(approval(1, 'terraform destroy -auto-approve'))).toEqual({ result: { decision: 'decline' } });
    expect(isDangerous('terraform plan', 'terraform destroy')).toBe(false);
  });
});

describe('audit-log', () => {
  test('appends each approval with its answer', () => {
    const file = join(tempDir('audit'), 'audit.jsonl');
    const plugin = auditLog({ file }) as Plugin;
    const { host } = hostWith(plugin, { file });
    const request = approval(0, 'make test');
    host.observe({ direction: 'in', kind: 'request', message: request, line: JSON.stringify(request), at: 1 });
    host.observe({ direction: 'out', kind: 'response', message: { id: 0, result: { decision: 'accept' } }, line: '', at: 2 });
    host.observe({ direction: 'out', kind: 'response', message: { id: 99, result: {} }, line: '', at: 3 });
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ method: 'item/commandExecution/requestApproval', params: { command: 'make test' }, answer: { decision: 'accept' } });
  });
});

describe('compact formatter', () => {
  test('one line per message, deltas skipped, items summarised', () => {
    const fixture = readFileSync(join(import.meta.dirname ?? __dirname, '../test/fixtures/approval-turn.jsonl'), 'utf8').trim().split('\n');
    const ctx = { color: kleur, options: {} } as never;
    const out = fixture
      .map((line) => {
        const { dir, at, kind, message } = JSON.parse(line);
        return (compact as Plugin).format?.({ direction: dir, at, kind, message, line } as TrafficEntry, ctx) ?? '';
      })
      .join('');
    expect(out).toMatch(/<- item\/commandExecution\/requestApproval #0\n/);
    expect(out).toMatch(/-> reply #0\n/);
    expect(out).toMatch(/<- item agentMessage "Wrote out.txt and notes.txt for you."\n/);
    expect(out).not.toContain('item/agentMessage/delta');
    expect(out.trim().split('\n').every((line) => /^\s*\d+\.\d{3}s (<-|->) /.test(line))).toBe(true);
  });
});
