// Faults, signals and pipes, exactly-once answers, recordings after a kill, and bad input: each ends with
// a clear message and the documented exit code, and leaves no server process behind.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { x } from 'tinyexec';
import { afterAll, describe, expect, test } from 'vitest';
import { CLI, type Entry, FAKE_SERVER, isRunning, jsonLines, removeTempDirs, runCli, tempDir, waitFor, wholeLines } from '../helpers/world.ts';

afterAll(removeTempDirs);

const fake = (mode: string, extra: Record<string, string> = {}) => ({ ...process.env, FAKE_MODE: mode, ...extra });


/** Runs a session with --record and returns the result and the server's pid from the recording. */
async function recorded(args: string[], env: NodeJS.ProcessEnv, input = 'go\n') {
  const dir = tempDir('rel');
  const record = join(dir, 'rec.jsonl');
  const result = await runCli(['--codex-bin', FAKE_SERVER, '--record', record, ...args], { env, input, cwd: dir });
  const lines = jsonLines(readFileSync(record, 'utf8'));
  const pid = lines.find((l) => l.event === 'spawned')?.pid as number;
  return { result, lines, pid };
}

describe('faults from the server', () => {
  test('dies mid-turn: REPL exits 1, exec exits 3, both with its stderr', async () => {
    const repl = await recorded(['--format', 'final'], fake('die-mid-turn'));
    expect(repl.result.exitCode).toBe(1);
    expect(repl.result.stderr).toMatch(/error \[E_SERVER_EXITED\]: codex app-server exited with code 5\n.*\n(?: {2}.*\n)* {2}panic: the fake server died mid-turn/);
    expect(isRunning(repl.pid)).toBe(false);
    const exec = await recorded(['exec', 'hi'], fake('die-mid-turn'));
    expect(exec.result.exitCode).toBe(3);
    expect(exec.result.stderr).toMatch(/exited with code 5 during the turn/);
  });

  test('closes stdout but keeps running: stopped, with a clear error, not a hang', async () => {
    const { result, pid } = await recorded(['exec', 'hi'], fake('close-stdout'));
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/codex app-server closed its stdout while still running \(codex-dbg stopped it\)/);
    expect(isRunning(pid)).toBe(false);
  });

  test('a truncated line at exit is reported with what it held', async () => {
    const { result } = await recorded(['--format', 'final'], fake('truncated'));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`the server's last line was cut off at exit (41 chars, no newline): {"method":"turn/completed","params":{"thr`);
  });

  // Two runs that each move 64 MB through pipes: slow on a loaded machine, so more time than the default.
  test('a 64 MB line passes whole by default, and is skipped and reported above --max-line-bytes', async () => {
    const whole = await runCli(['--codex-bin', FAKE_SERVER, '--format', 'raw'], { input: 'go\n', env: fake('huge-line'), timeoutMs: 70_000 });
    expect(whole.exitCode).toBe(0);
    const huge = whole.stdout.split('\n').find((line) => line.includes('fake/huge')) as string;
    expect(huge.length).toBe(64 * 1024 * 1024 + '{"method":"fake/huge","params":{"blob":""}}'.length);
    expect(JSON.parse(huge).params.blob).toHaveLength(64 * 1024 * 1024);

    const skipped = await runCli(['--codex-bin', FAKE_SERVER, '--format', 'final', '--max-line-bytes', '1000000'], { input: 'go\n', env: fake('huge-line'), timeoutMs: 70_000 });
    expect(skipped.exitCode).toBe(0);
    expect(skipped.stderr).toMatch(/skipped a server line of 67108907 bytes: above --max-line-bytes 1000000/);
  }, 150_000);

  test('a stderr flood while streaming: every delta arrives, stderr is kept bounded for diagnosis', async () => {
    const { result, lines } = await recorded(['--format', 'jsonl'], fake('stderr-flood'));
    expect(result.exitCode).toBe(0);
    const deltas = (jsonLines(result.stdout) as unknown as Entry[]).filter((e) => e.message.method === 'item/agentMessage/delta');
    expect(deltas).toHaveLength(2000);
    // Besides the flood, the fake server's first line: its pid.
    expect(lines.filter((l) => l.type === 'stderr' && !String(l.line).startsWith('fake server pid'))).toHaveLength(2000);
  });
});

describe('every server request answered exactly once', () => {
  const configurations: [string, string[]][] = [
    ['no plugins', []],
    ['decline', ['--plugin', 'decline']],
    ['auto-approve', ['--auto-approve']],
    ['attestation-stub', ['--plugin', 'attestation-stub:quiet=true']],
    ['ask without a terminal', ['--plugin', 'ask']],
    ['policy', ['--plugin', 'policy:file=RULES']],
    ['all of them', ['--plugin', 'attestation-stub:quiet=true', '--plugin', 'ask', '--plugin', 'policy:file=RULES', '--auto-approve', '--plugin', 'decline']],
  ];
  test.each(configurations)('%s: 3000 generated requests (11 kinds, unknown, malformed params), id by id', async (_name, pluginArgs) => {
    const dir = tempDir('once');
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify({ commands: [{ match: '*', decision: 'allow' }] }));
    const args = pluginArgs.map((arg) => arg.replace('RULES', rules));
    const result = await runCli(['--codex-bin', FAKE_SERVER, '--format', 'jsonl', ...args], { input: 'go\n', env: fake('generated', { FAKE_COUNT: '3000' }) });
    expect(result.exitCode).toBe(0);
    const all = jsonLines(result.stdout) as unknown as Entry[];
    const requests = all.filter((e) => e.dir === 'in' && e.kind === 'request');
    const replies = new Map<number, number>();
    for (const e of all) if (e.dir === 'out' && e.message.method === undefined) replies.set(e.message.id as number, (replies.get(e.message.id as number) ?? 0) + 1);
    expect(requests).toHaveLength(3000);
    expect(requests.every((e) => replies.get(e.message.id as number) === 1)).toBe(true);
    expect(replies.size).toBe(3000);
    const report = all.find((e) => e.message.method === 'fake/report')?.message.params;
    expect(report).toEqual({ sent: 3000, answered: 3000, duplicates: 0, strays: 0, total: 3000 });
  });
});

describe('signals and pipes', () => {
  test('SIGTERM shuts down cleanly: exit 143, server stopped, recording complete', async () => {
    const dir = tempDir('term');
    const record = join(dir, 'rec.jsonl');
    const running = x('node', [CLI, '--codex-bin', FAKE_SERVER, '--record', record], { throwOnError: false, nodeOptions: { cwd: dir, env: fake('plain') } });
    const lines = () => (existsSync(record) ? jsonLines(wholeLines(readFileSync(record, 'utf8'))) : []);
    const pid = await waitFor('the server', () => lines().find((l) => l.event === 'spawned')?.pid as number | undefined);
    await waitFor('the thread', () => (lines().some((l) => (l.message as { result?: { thread?: unknown } })?.result?.thread) ? true : undefined));
    running.kill('SIGTERM');
    const result = await running;
    expect(result.exitCode).toBe(143);
    expect(isRunning(pid)).toBe(false);
    expect(lines().some((l) => l.event === 'shutdown')).toBe(true);
  });

  test('stdout closed early (| head -1): quiet, no EPIPE trace, server stopped', async () => {
    const dir = tempDir('pipe');
    const record = join(dir, 'rec.jsonl');
    const result = await x('sh', ['-c', `printf 'go\\n' | node ${JSON.stringify(CLI)} --codex-bin ${JSON.stringify(FAKE_SERVER)} --record rec.jsonl --format jsonl | head -1`], {
      throwOnError: false,
      nodeOptions: { cwd: dir, env: fake('stderr-flood') },
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).dir).toBe('out');
    expect(result.stderr).not.toMatch(/EPIPE|Error:|at /);
    const pid = jsonLines(readFileSync(record, 'utf8')).find((l) => l.event === 'spawned')?.pid as number;
    await waitFor('the server to stop', () => (isRunning(pid) ? undefined : true), 5000);
  });

  test('codex-dbg itself killed with SIGKILL: the recording parses line by line up to the kill', async () => {
    const dir = tempDir('kill');
    const record = join(dir, 'rec.jsonl');
    const running = x('node', [CLI, '--codex-bin', FAKE_SERVER, '--record', record, '--format', 'final'], {
      throwOnError: false,
      stdin: 'go\n',
      nodeOptions: { cwd: dir, env: fake('generated', { FAKE_COUNT: '1000000', FAKE_CONCURRENCY: '1' }) },
    });
    const count = () => (existsSync(record) ? readFileSync(record, 'utf8').split('\n').length : 0);
    await waitFor('a few thousand recorded lines', () => (count() > 3000 ? true : undefined));
    running.kill('SIGKILL');
    await running;
    const text = readFileSync(record, 'utf8');
    const lines = text.split('\n');
    // Every complete line parses; only the very last one can be partial (a write cut by the kill).
    const complete = text.endsWith('\n') ? lines.slice(0, -1) : lines.slice(0, -1);
    for (const line of complete) JSON.parse(line);
    expect(complete.length).toBeGreaterThan(3000);
    const pid = jsonLines(complete.slice(0, 20).join('\n')).find((l) => l.event === 'spawned')?.pid as number;
    // The server notices its stdin close and exits by itself.
    await waitFor('the orphaned server to exit', () => (isRunning(pid) ? undefined : true), 5000);
  });
});

describe('bad input: exit 2, one clear line, no stack trace', () => {
  const dir = tempDir('bad');
  writeFileSync(join(dir, 'not-json.json'), '{ nope');
  writeFileSync(join(dir, 'plugin-syntax.mjs'), 'export default {{{');
  writeFileSync(join(dir, 'plugin-no-default.mjs'), 'export const x = 1;');
  writeFileSync(join(dir, 'plugin-factory-throws.mjs'), 'export default () => { throw new Error("factory broke"); };');
  const cases: [string[], RegExp][] = [
    [['--request-timeout', '0'], /--request-timeout 0: expected a whole number above 0/],
    [['--request-timeout', 'soon'], /--request-timeout soon: expected a whole number/],
    [['--max-line-bytes=-5'], /--max-line-bytes -5: expected a whole number above 0/],
    [['--handler-timeout', '1.5'], /--handler-timeout 1.5: expected a whole number/],
    [['--sandbox', 'open'], /--sandbox open: not a valid value; use one of: read-only, workspace-write, danger-full-access/],
    [['--approval-policy'], /--approval-policy needs a value: --approval-policy <policy>/],
    [['-c', 'novalue'], /-c\/--config novalue: expected key=value/],
    [['--final-only', '--format', 'pretty'], /--final-only is --format final; give one or the other/],
    [['--nope'], /unknown flag --nope/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['exec'], /exec needs <prompt>: codex-dbg exec <prompt>/],
    [['exec', 'hi', '--turn-timeout=-1'], /--turn-timeout -1: expected a number of seconds above 0/],
    [['call'], /call needs <method>: codex-dbg call <method> \[json-params\]/],
    [['call', 'thread/list', '[1,'], /params are not valid JSON/],
    [['replay', 'missing.jsonl'], /replay missing\.jsonl: no such file \(ENOENT\)/],
    [['replay', 'not-json.json'], /not-json\.json:1: not JSON/],
    [['--plugins-config', 'not-json.json'], /--plugins-config not-json\.json: invalid JSON/],
    [['--plugins-config', 'nope.json'], /--plugins-config nope\.json: no such file \(ENOENT\)/],
    [['--scripted-model', 'not-json.json'], /--scripted-model not-json\.json: /],
    [['--plugin', './plugin-syntax.mjs'], /plugin file .*plugin-syntax\.mjs failed to load: /],
    [['--plugin', './plugin-no-default.mjs'], /plugin \.\/plugin-no-default\.mjs has no default export/],
    [['--plugin', './plugin-factory-throws.mjs'], /plugin file \.\/plugin-factory-throws\.mjs: its factory threw: factory broke/],
    [['--plugin', 'policy:file=not-json.json'], /plugin "policy": cannot read not-json\.json: /],
    [['--plugin', 'attestation-stub:quiet=maybe'], /option "quiet" must be a boolean, got "maybe"/],
    [['--format', 'nope'], /--format nope: no such format; the formats are raw, final, pretty, jsonl, or a formatter plugin's file or package/],
  ];
  test.each(cases)('%j', async (args, message) => {
    // replay never starts codex, so it takes no --codex-bin.
    const result = await runCli([...(args[0] === 'replay' ? [] : ['--codex-bin', FAKE_SERVER]), ...args], { cwd: dir, input: '' });
    expect(result.exitCode).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^codex-dbg: error \[E_(USAGE|PLUGIN)\]: /);
    expect(lines[0]).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
