// Each built-in formatter on a recorded session (test/fixtures/approval-turn.jsonl: a command approval, a
// file change and a streamed answer, recorded from the real codex with --format jsonl).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TrafficEntry } from '../../src/core/connection.ts';
import type { Plugin, PluginContext } from '../../src/plugins/contract.ts';
import finalFormat from '../../src/plugins/builtin/format-final.ts';
import jsonl from '../../src/plugins/builtin/format-jsonl.ts';
import { createPretty } from '../../src/plugins/builtin/format-pretty.ts';
import raw from '../../src/plugins/builtin/format-raw.ts';
import { plain, tagged } from '../helpers/colors.ts';

const fixture = readFileSync(join(import.meta.dirname ?? __dirname, '../fixtures/approval-turn.jsonl'), 'utf8').trim().split('\n');
const entries: TrafficEntry[] = fixture.map((line) => {
  const { dir, at, kind, message } = JSON.parse(line);
  return { direction: dir, at, kind, message, line: JSON.stringify(message) };
});

function run(plugin: Plugin, colors = false): string {
  const ctx = { color: colors ? tagged : plain, options: {} } as unknown as PluginContext;
  return entries.map((entry) => plugin.format?.(entry, ctx) ?? '').join('');
}

describe('formatters on a recorded stream', () => {
  test('raw: every server line, unchanged, nothing we sent', () => {
    const out = run(raw).trim().split('\n');
    expect(out).toEqual(entries.filter((e) => e.direction === 'in').map((e) => e.line));
  });

  test('jsonl: both directions, each line parses back to the same message', () => {
    const out = run(jsonl).trim().split('\n').map((line) => JSON.parse(line));
    expect(out).toHaveLength(entries.length);
    expect(out.map((o) => o.message)).toEqual(entries.map((e) => e.message));
    expect(new Set(out.map((o) => o.dir))).toEqual(new Set(['in', 'out']));
  });

  test('final: the command with status and exit code, the file change, the answer; no JSON', () => {
    const out = run(finalFormat).split('\n');
    // Between the command and the file change stands the command's output, whatever this machine's shell printed.
    expect(out[0]).toBe("$ /bin/bash -lc 'echo hi > out.txt' (completed, exit 0)");
    expect(out.slice(-4)).toEqual(['file change (completed):', '  add /tmp/work/notes.txt', 'Wrote out.txt and notes.txt for you.', '']);
    expect(out.join('\n')).not.toContain('{"');
  });

  test('pretty: streamed answer, the approval and its answer, the diff, turn status', () => {
    const out = run(createPretty());
    expect(out).toContain("$ /bin/bash -lc 'echo hi > out.txt'");
    expect(out).toContain('? server asks item/commandExecution/requestApproval (id 0)');
    expect(out).toContain('  ↳ answered item/commandExecution/requestApproval: decision "accept"');
    expect(out).toContain('? server asks item/fileChange/requestApproval (id 1)');
    // codex sends an added file as bare content; pretty shows it as added lines.
    expect(out).toContain('  add /tmp/work/notes.txt\n    +first line\n    +second line\n');
    expect(out).toContain('assistant: Wrote out.txt and notes.txt for you.\n');
    expect(out).toMatch(/── turn completed in \d+\.\d s\n$/);
    expect(out).not.toContain('{"');
  });

  test('pretty with colours: a completed status green, the approval yellow', () => {
    const out = run(createPretty(), true);
    expect(out).toContain('(<green>completed</green>, exit 0)');
    expect(out).toContain('<yellow>? server asks item/fileChange/requestApproval (id 1)</yellow>');
    expect(out).toContain('<green>+first line</green>');
  });
});
