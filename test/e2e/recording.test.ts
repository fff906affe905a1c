// Recordings end to end: private files, gzip that survives a kill, rotation read as one, stats, replay of
// a cut recording, hostile message shapes, and redaction walked over a real session.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { x } from 'tinyexec';
import { afterAll, describe, expect, test } from 'vitest';
import { partPath } from '../../src/recording/format.ts';
import { messageText, readEntries, type RecordedEntry } from '../../src/recording/reader.ts';
import { mayHoldSecret, REDACTED, redactJson } from '../../src/recording/redaction.ts';
import type { SessionStats } from '../../src/recording/stats.ts';
import { CLI, CODEX, FAKE_SERVER, isRunning, jsonLines, removeTempDirs, runCli, tempDir, waitFor } from '../helpers/world.ts';

afterAll(removeTempDirs);

const fake = (mode: string, extra: Record<string, string> = {}) => ({ ...process.env, FAKE_MODE: mode, ...extra });
const mode = (file: string) => statSync(file).mode & 0o777;

async function readAll(file: string) {
  const problems: string[] = [];
  const entries: RecordedEntry[] = [];
  for await (const entry of readEntries(file, { onProblem: (text) => problems.push(text) })) entries.push(entry);
  return { entries, problems };
}
const method = (entry: RecordedEntry) => (entry.record as { message?: { method?: string } }).message?.method;
/** Differences replay found other than currentTime/read (answered with the clock, so it may differ by a second). */
const unexpectedDifferences = (stderr: string) =>
  stderr.split('\n').filter((line) => line.startsWith('difference:') && (!line.startsWith('difference: currentTime/read ') || line.includes('has no answer')));

describe('recording files', () => {
  test('gzip: a kill mid-session loses at most the last second; the recording and its index are private', async () => {
    const dir = tempDir('rec-kill');
    const record = join(dir, 'rec.jsonl.gz');
    const running = x('node', [CLI, '--codex-bin', FAKE_SERVER, '--record', record, '--format', 'jsonl'], {
      throwOnError: false,
      stdin: 'go\n',
      nodeOptions: { cwd: dir, env: fake('stall', { FAKE_COUNT: '3000' }) },
    });
    let stdout = '';
    running.process?.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    await waitFor('the 3000th delta on stdout', () => (stdout.includes('"piece 2999 "') ? true : undefined), 30_000);
    // Everything above was handled; give the recorder its second, then kill without warning.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    running.kill('SIGKILL');
    await running;
    const { entries } = await readAll(record);
    const deltas = entries.filter((e) => method(e) === 'item/agentMessage/delta');
    expect(deltas).toHaveLength(3000);
    expect((deltas[2999].record as { message: { params: { delta: string } } }).message.params.delta).toBe('piece 2999 ');
    const pid = (entries.find((e) => (e.record as { event?: string }).event === 'spawned')?.record as { pid?: number } | undefined)?.pid as number;
    await waitFor('the orphaned fake server to exit', () => (isRunning(pid) ? undefined : true), 5000);
    if (process.platform !== 'win32') {
      expect(readdirSync(dir).sort()).toEqual(['rec.jsonl.gz', 'rec.jsonl.gz.idx']);
      for (const name of readdirSync(dir)) expect([name, mode(join(dir, name))]).toEqual([name, 0o600]);
    }
  });

  test('--record-max-bytes: the parts replay as one recording', async () => {
    const dir = tempDir('rec-rotate');
    const recorded = await runCli(['--codex-bin', FAKE_SERVER, '--record', 'rec.jsonl', '--record-max-bytes', '100000', '--format', 'final'], {
      cwd: dir,
      input: 'go\n',
      env: fake('generated', { FAKE_COUNT: '2000' }),
    });
    expect(recorded.exitCode).toBe(0);
    const parts = readdirSync(dir).filter((name) => name.endsWith('.jsonl')).sort();
    expect(parts.length).toBeGreaterThan(5);
    expect(existsSync(join(dir, partPath('rec.jsonl', parts.length)))).toBe(true);
    const headers = parts.map((name) => jsonLines(readFileSync(join(dir, name), 'utf8'))[0]);
    expect(new Set(headers.map((h) => h.recordingId)).size).toBe(1);
    // A request can sit at the end of one part and its recorded answer in the next: replay pairs them all.
    const replayed = await runCli(['replay', 'rec.jsonl'], { cwd: dir });
    expect(replayed.stderr).toMatch(/^replayed 2000 server requests: /m);
    expect(unexpectedDifferences(replayed.stderr)).toEqual([]);
  });

  test('replay of a recording whose last line was cut reports it and goes on', async () => {
    const dir = tempDir('rec-cut');
    await runCli(['--codex-bin', FAKE_SERVER, '--record', 'rec.jsonl', '--auto-approve'], { cwd: dir, input: 'go\n', env: fake('requests') });
    const text = readFileSync(join(dir, 'rec.jsonl'), 'utf8');
    const lines = text.trimEnd().split('\n');
    const last = lines[lines.length - 1];
    writeFileSync(join(dir, 'rec.jsonl'), `${lines.slice(0, -1).join('\n')}\n${last.slice(0, Math.floor(last.length / 2))}`);
    const replayed = await runCli(['replay', 'rec.jsonl', '--auto-approve'], { cwd: dir });
    expect(replayed.stderr).toMatch(new RegExp(`codex-dbg: rec\\.jsonl:${lines.length}: the last line is cut off \\(\\d+ bytes, no newline\\): the recording ends early; read up to there`));
    expect(replayed.stderr).toMatch(/^replayed 12 server requests: /m);
    expect(unexpectedDifferences(replayed.stderr)).toEqual([]);
  });

  test('stats on a known session: the counts the fake server made, who answered each request', async () => {
    const dir = tempDir('rec-stats');
    await runCli(['--codex-bin', FAKE_SERVER, '--record', 'rec.jsonl.gz', '--auto-approve', '--plugin', 'attestation-stub:quiet=true'], { cwd: dir, input: 'go\n', env: fake('requests') });
    const json = await runCli(['stats', 'rec.jsonl.gz', '--json'], { cwd: dir });
    expect(json.exitCode).toBe(0);
    const stats = JSON.parse(json.stdout) as SessionStats;
    expect(stats.messages).toEqual({ in: 16, out: 16 });
    expect(stats.turns).toMatchObject({ count: 1, byStatus: { completed: 1 } });
    expect(stats.serverRequests.count).toBe(12);
    const by = Object.fromEntries(stats.serverRequests.list.map((r) => [r.method, r.by]));
    expect(by).toEqual({
      'item/commandExecution/requestApproval': 'auto-approve',
      'item/fileChange/requestApproval': 'auto-approve',
      'item/tool/requestUserInput': 'default',
      'mcpServer/elicitation/request': 'default',
      'item/permissions/requestApproval': 'default',
      'item/tool/call': 'default',
      'account/chatgptAuthTokens/refresh': 'default',
      'attestation/generate': 'attestation-stub',
      'currentTime/read': 'default',
      applyPatchApproval: 'auto-approve',
      execCommandApproval: 'auto-approve',
      'unknown/serverMethod': 'default',
    });
    expect(stats.serverRequests.list.every((r) => typeof r.ms === 'number' && r.ms >= 0)).toBe(true);
    expect(stats.errors).toEqual([
      { dir: 'out', code: -32601, method: 'account/chatgptAuthTokens/refresh', count: 1 },
      { dir: 'out', code: -32601, method: 'unknown/serverMethod', count: 1 },
    ]);
    expect(stats.clientRequests).toMatchObject({ count: 3, unanswered: 0 });
    expect(stats.events).toMatchObject({ answered: 12, spawn: 1, shutdown: 1 });
    const text = await runCli(['stats', 'rec.jsonl.gz'], { cwd: dir });
    expect(text.stdout).toMatch(/^rec\.jsonl\.gz: \d+ entries, [\d.]+ KiB, secrets redacted$/m);
    expect(text.stdout).toMatch(/^server requests: 12$/m);
    expect(text.stdout).toMatch(/^ {2}attestation\/generate +answered by attestation-stub +1× +[\d.]+ ms$/m);
    expect(text.stdout).toMatch(/^JSON-RPC errors: 2$/m);
    expect(text.stdout).toMatch(/^turns: 1 \(1 completed\)$/m);
  });
});

describe('hostile message shapes (#16)', () => {
  test('messages nested thousands of levels deep and a "__proto__" key: recorded whole, redacted or not, the session ends cleanly', async () => {
    for (const secrets of [[], ['--record-secrets']]) {
      const dir = tempDir('rec-hostile');
      const result = await runCli(['--codex-bin', FAKE_SERVER, '--record', 'rec.jsonl', ...secrets, '--format', 'final'], { cwd: dir, input: 'go\n', env: fake('hostile-shapes') });
      expect(result.stderr).not.toMatch(/RangeError|Maximum call stack|\n\s+at /);
      expect(result.exitCode).toBe(0);
      const { entries, problems } = await readAll(join(dir, 'rec.jsonl'));
      expect(problems).toEqual([]);
      const methods = entries.map(method).filter(Boolean);
      expect(methods).toEqual(expect.arrayContaining(['fake/deep', 'fake/deeper', 'fake/proto', 'item/tool/call', 'turn/completed']));
      const events = entries.map((e) => (e.record as { event?: string }).event).filter(Boolean);
      expect(events).toEqual(expect.arrayContaining(['answered', 'server-exit', 'shutdown']));
      const proto = entries.find((e) => method(e) === 'fake/proto') as RecordedEntry;
      const token = secrets.length ? 'proto-secret' : REDACTED;
      expect(messageText(proto)).toBe(`{"method":"fake/proto","params":{"__proto__":{"polluted":true},"token":"${token}"}}`);
      const deep = entries.find((e) => method(e) === 'fake/deep') as RecordedEntry;
      expect(messageText(deep)).toContain(`{"token":"${secrets.length ? 'deep-secret' : REDACTED}"}`);
      // Replay reads it back, and warns first when the recording holds secrets.
      const replayed = await runCli(['replay', 'rec.jsonl'], { cwd: dir });
      expect(replayed.exitCode).toBe(0);
      const warning = 'codex-dbg: warning: rec.jsonl was recorded with --record-secrets: it holds tokens and keys as they were sent; do not share it';
      expect(replayed.stderr.split('\n')).toEqual([...(secrets.length ? [warning] : []), 'replayed 1 server request: no differences', '']);
    }
  });
});

describe('redaction by name on a real session (#14)', () => {
  test('walked over every message of a long real session, redaction changes only the secret fields, and only strings', async () => {
    const dir = tempDir('rec-real');
    writeFileSync(
      join(dir, 'script.json'),
      JSON.stringify({
        chatgpt: true,
        steps: [
          { text: 'hello there', chunks: 4 },
          { command: 'touch made.txt' },
          { text: 'made it' },
          { patch: '*** Begin Patch\n*** Add File: notes.txt\n+some notes\n*** End Patch\n' },
          { text: 'patched' },
          { text: 'a last answer about a token', chunks: 3 },
        ],
      }),
    );
    const session = await runCli(
      ['--codex-bin', CODEX, '--scripted-model', 'script.json', '--approval-policy', 'untrusted', '--sandbox', 'workspace-write', '--auto-approve', '--plugin', 'attestation-stub:quiet=true', '--record', 'rec.jsonl', '--record-secrets', '--format', 'final'],
      { cwd: dir, input: 'say hello\nmake a file\nwrite notes\n:call config/read {}\n:call thread/list {}\nlast one\n', timeoutMs: 90_000 },
    );
    expect(session.exitCode).toBe(0);
    const { entries, problems } = await readAll(join(dir, 'rec.jsonl'));
    expect(problems).toEqual([]);
    const changed: string[] = [];
    const walk = (before: unknown, after: unknown, path: string): void => {
      if (before !== null && typeof before === 'object') {
        expect([path, Array.isArray(after), after !== null && typeof after === 'object']).toEqual([path, Array.isArray(before), true]);
        const keys = new Set([...Object.keys(before), ...Object.keys(after as object)]);
        for (const key of keys) walk((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key], `${path}.${key}`);
        return;
      }
      if (before === after) return;
      changed.push(path);
      // Only a string becomes "[redacted]"; nothing else changes type or value.
      expect([path, typeof before, after]).toEqual([path, 'string', REDACTED]);
    };
    const messages = entries.filter((e) => e.record.type === 'message');
    let requestsOfAttestation = 0;
    const methodsById = new Map<string, string>();
    for (const entry of messages) {
      const text = messageText(entry);
      const original = JSON.parse(text) as { id?: number; method?: string };
      if (original.method && original.id !== undefined && entry.record.type === 'message' && entry.record.dir === 'in') methodsById.set(String(original.id), original.method);
      if (original.method === 'attestation/generate') requestsOfAttestation++;
      const replyTo = original.method === undefined && entry.record.type === 'message' && entry.record.dir === 'out' ? methodsById.get(String(original.id)) : undefined;
      walk(original, JSON.parse(redactJson(text)), original.method ?? `reply to ${replyTo ?? 'a client request'}`);
      // The quick look is never wrong in the other direction: a message it passes has nothing to redact.
      if (!mayHoldSecret(text)) expect(redactJson(text)).toBe(text);
    }
    expect(messages.length).toBeGreaterThan(100);
    expect(messages.some((e) => (JSON.parse(messageText(e)) as { method?: string }).method === 'thread/tokenUsage/updated')).toBe(true);
    expect(requestsOfAttestation).toBeGreaterThan(2);
    expect(changed).toEqual(Array.from({ length: requestsOfAttestation }, () => 'reply to attestation/generate.result.token'));
  });
});

describe('recording flags and commands: usage errors, exit 2, one line', () => {
  const cases: [string[], RegExp][] = [
    [['stats', 'missing.jsonl'], /missing\.jsonl: ENOENT/],
    [['stats', 'script.json'], /script\.json: not a codex-dbg recording/],
    [['stats', 'rec.jsonl', '--top', '0'], /--top 0: expected a whole number above 0/],
    [['--record-max-bytes', '1000'], /--record-max-bytes needs --record <file>/],
    [['--record', 'rec.jsonl', '--record-max-bytes', 'lots'], /--record-max-bytes lots: expected a whole number above 0/],
    [['--record', 'no-such-dir/rec.jsonl'], /--record no-such-dir\/rec\.jsonl: ENOENT/],
  ];
  test.each(cases)('%j', async (args, message) => {
    const dir = tempDir('rec-usage');
    writeFileSync(join(dir, 'script.json'), '{"steps":[]}\n');
    writeFileSync(join(dir, 'rec.jsonl'), '{"type":"header","format":"codex-dbg-recording","version":1,"startedAt":"x","codexDbg":"1","redacted":true}\n');
    // stats reaches no server, so it takes no --codex-bin.
    const result = await runCli(args[0] === 'stats' ? args : ['--codex-bin', FAKE_SERVER, ...args], { cwd: dir, input: '' });
    expect(result.exitCode).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^codex-dbg: error \[E_USAGE\]: /);
    expect(lines[0]).toMatch(message);
  });
});
