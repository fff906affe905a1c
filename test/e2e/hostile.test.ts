// Issue 16's fault suite: a server or a plugin that misbehaves on purpose (test/helpers/fake-server.mjs).
// In every case: no stack trace, each server request answered exactly once with its id as the server wrote
// it, the documented exit code, no process left behind (checked by pid), and a recording that parses line
// by line and ends with server-exit and shutdown.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { x } from 'tinyexec';
import { afterAll, describe, expect, test } from 'vitest';
import { CLI, FAKE_SERVER, isRunning, jsonLines, removeTempDirs, runCli, tempDir, waitFor, wholeLines } from '../helpers/world.ts';

afterAll(removeTempDirs);

const fake = (mode: string, extra: Record<string, string> = {}) => ({ ...process.env, FAKE_MODE: mode, ...extra });
type Line = Record<string, unknown>;

/** Every pid the fake server and its helpers wrote on stderr ("fake server pid N", "helper pid N"). */
function pidsIn(lines: Line[]): number[] {
  return lines.flatMap((l) => (l.type === 'stderr' ? [...String(l.line).matchAll(/(?:server|helper) pid (\d+)/g)].map((m) => Number(m[1])) : []));
}

/** The recording, checked: it parses, and it ends the way a finished session ends. */
function readRecording(path: string): Line[] {
  const lines = jsonLines(readFileSync(path, 'utf8'));
  const events = lines.filter((l) => l.type === 'event').map((l) => l.event);
  expect(events).toContain('server-exit');
  expect(events).toContain('shutdown');
  return lines;
}

/** Each server request in the recording has exactly one reply, and no reply answers what was not asked. */
function expectAnsweredOnce(lines: Line[]): void {
  const messages = lines.filter((l) => l.type === 'message') as { dir: string; message: Record<string, unknown> }[];
  const asked = messages.filter((m) => m.dir === 'in' && 'method' in m.message && 'id' in m.message).map((m) => JSON.stringify(m.message.id));
  const replies = messages.filter((m) => m.dir === 'out' && !('method' in m.message)).map((m) => JSON.stringify(m.message.id));
  expect(replies.sort()).toEqual(asked.sort());
}

async function expectGone(pids: number[]): Promise<void> {
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) await waitFor(`pid ${pid} to be gone`, () => (isRunning(pid) ? undefined : true), 5000);
}

function expectNoTrace(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at |RangeError|TypeError|E_INTERNAL/);
}

/** Runs codex-dbg against the fake server with --record and checks what every fault must leave. */
async function fault(mode: string, args: string[], options: { env?: Record<string, string>; input?: string } = {}) {
  const dir = tempDir('hostile');
  const record = join(dir, 'rec.jsonl');
  const result = await runCli(['--codex-bin', FAKE_SERVER, '--record', record, ...args], { env: fake(mode, options.env), input: options.input ?? 'go\n', cwd: dir });
  expectNoTrace(result.stderr);
  const lines = readRecording(record);
  await expectGone(pidsIn(lines));
  return { result, lines, dir };
}

/** The fake server's fake/report notification, from --format jsonl output. */
function report(stdout: string): Record<string, unknown> {
  const entry = jsonLines(stdout).find((e) => (e.message as { method?: string })?.method === 'fake/report');
  return (entry?.message as { params: Record<string, unknown> }).params;
}

describe('1. deep nesting', () => {
  test('a notification and server requests nested 100,000 levels: answered once, exit 0', async () => {
    const { result } = await fault('deep', ['--format', 'jsonl']);
    expect(result.exitCode).toBe(0);
    // Replies as the fake server read them: the approval and the unknown method, one each.
    expect(report(result.stdout)).toEqual({ ids: ['0', '1'] });
  });

  test('call of a method whose result is 100,000 levels deep prints it (compactly), exit 0', async () => {
    const result = await runCli(['--codex-bin', FAKE_SERVER, 'call', 'fake/deep'], { env: fake('plain') });
    expectNoTrace(result.stderr);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}\n`);
  });
});

describe('2. server-request ids beyond 2^53', () => {
  test('each is answered once with the id exactly as written: 2^60, 2^64-1, 1e400, 2^53+1, 1.5, -1, a string', async () => {
    const { result } = await fault('big-ids', ['--format', 'jsonl']);
    expect(result.exitCode).toBe(0);
    expect(report(result.stdout)).toEqual({ ids: ['1152921504606846976', '18446744073709551615', '1e400', '9007199254740993', '1.5', '-1', '"id-é"'] });
  });
});

describe('3. methods named after Object.prototype members', () => {
  const NAMES = /^(toString|constructor|__proto__|hasOwnProperty|valueOf|isPrototypeOf|propertyIsEnumerable|toLocaleString|__defineGetter__|__lookupGetter__)$/;
  const replies = (lines: Line[]) =>
    (lines.filter((l) => l.type === 'message' && l.dir === 'out' && !('method' in (l.message as object))) as { message: { result?: { seen?: string }; error?: { code: number; message: string } } }[]).map((l) => l.message);

  test('no plugins: each answered once with -32601 (unknown); replay of the recording agrees', async () => {
    const { result, lines, dir } = await fault('proto-methods', ['--format', 'jsonl']);
    expect(result.exitCode).toBe(0);
    expect((report(result.stdout).ids as string[]).map(Number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expectAnsweredOnce(lines);
    for (const message of replies(lines)) {
      expect(message.error?.code).toBe(-32601);
      expect(message.error?.message.replace('codex-dbg does not know the server request ', '')).toMatch(NAMES);
    }
    const replay = await runCli(['replay', join(dir, 'rec.jsonl')]);
    expectNoTrace(replay.stderr);
    expect(replay.exitCode).toBe(0);
  });

  test('--auto-approve and a plugin with a "*" handler: no inherited member answers, the "*" handler does', async () => {
    const dir = tempDir('star');
    const star = join(dir, 'star.mjs');
    writeFileSync(star, `export default { name: 'star', handlers: { '*': (_params, ctx) => ({ seen: ctx.method }) } };`);
    const recorded = await fault('proto-methods', ['--format', 'jsonl', '--auto-approve', '--plugin', star]);
    const { result, lines } = recorded;
    expect(result.exitCode).toBe(0);
    expectAnsweredOnce(lines);
    const seen = replies(lines).map((message) => message.result?.seen);
    expect(seen).toHaveLength(10);
    for (const method of seen) expect(method).toMatch(NAMES);
    const replay = await runCli(['replay', join(recorded.dir, 'rec.jsonl'), '--auto-approve', '--plugin', star]);
    expectNoTrace(replay.stderr);
    expect(replay.exitCode).toBe(0);
  });
});

describe('4. a server that closes stdout and ignores SIGTERM', () => {
  test('is stopped with SIGKILL: exit 3, no hang, no process left', async () => {
    const { result } = await fault('close-stdout', ['exec', 'hi'], { env: { FAKE_IGNORE_TERM: '1' } });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/closed its stdout while still running \(codex-dbg stopped it\)/);
  });
});

describe('5. exits noticed, process groups stopped', () => {
  test('a server that exits while a helper holds its pipes: exit 3 at once, the helper stopped', async () => {
    const { result, lines } = await fault('exit-with-helper', ['exec', 'hi']);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/codex app-server exited with code 7 during the turn/);
    expect(pidsIn(lines)).toHaveLength(2);
  });

  test('a wrapper script that runs the server without exec: SIGTERM stops the server too', async () => {
    const dir = tempDir('wrapper');
    const wrapper = join(dir, 'codex-wrapper.sh');
    writeFileSync(wrapper, `#!/bin/sh\nnode ${JSON.stringify(FAKE_SERVER)} "$@"\necho wrapper done >&2\n`);
    chmodSync(wrapper, 0o755);
    const record = join(dir, 'rec.jsonl');
    // The server ignores the end of its stdin, so only a signal stops it: one that reaches the shell alone would orphan it.
    const running = x('node', [CLI, '--codex-bin', wrapper, '--record', record], { throwOnError: false, nodeOptions: { cwd: dir, env: fake('plain', { FAKE_IGNORE_EOF: '1' }) } });
    const lines = () => (existsSync(record) ? jsonLines(wholeLines(readFileSync(record, 'utf8'))) : []);
    const server = await waitFor('the server pid', () => pidsIn(lines())[0]);
    const shell = lines().find((l) => l.event === 'spawned')?.pid as number;
    expect(server).not.toBe(shell);
    await waitFor('the thread', () => (lines().some((l) => (l.message as { result?: { thread?: unknown } })?.result?.thread) ? true : undefined));
    running.kill('SIGTERM');
    const result = await running;
    expect(result.exitCode).toBe(143);
    expectNoTrace(result.stderr);
    readRecording(record);
    await expectGone([server, shell]);
  });
});

describe('6. a signal during the shutdown grace period', () => {
  test.each([
    ['SIGTERM', 'SIGTERM', 143],
    ['SIGTERM', 'SIGINT', 143],
    ['SIGINT', 'SIGINT', 130],
  ] as const)('%s then %s while the server ignores EOF and SIGTERM: it is stopped now, exit %i, nothing orphaned', async (first, second, code) => {
    const dir = tempDir('grace');
    const record = join(dir, 'rec.jsonl');
    const running = x('node', [CLI, '--codex-bin', FAKE_SERVER, '--record', record], {
      throwOnError: false,
      nodeOptions: { cwd: dir, env: fake('plain', { FAKE_IGNORE_EOF: '1', FAKE_IGNORE_TERM: '1' }) },
    });
    const lines = () => (existsSync(record) ? jsonLines(wholeLines(readFileSync(record, 'utf8'))) : []);
    const server = await waitFor('the server pid', () => pidsIn(lines())[0]);
    await waitFor('the thread', () => (lines().some((l) => (l.message as { result?: { thread?: unknown } })?.result?.thread) ? true : undefined));
    running.kill(first);
    await waitFor('the server to be told its stdin ended', () => (lines().some((l) => l.type === 'stderr' && l.line === 'fake server ignores the end of its stdin') ? true : undefined));
    running.kill(second);
    const result = await running;
    expect(result.exitCode).toBe(code);
    expect(result.stderr).toContain('codex-dbg: stopping the server now');
    expectNoTrace(result.stderr);
    // Gone when codex-dbg exits, not later: the old handlers exited at once and left it running.
    expect(isRunning(server)).toBe(false);
    expect(readRecording(record).find((l) => l.event === 'server-exit')).toMatchObject({ signal: 'SIGKILL' });
  });
});

describe('7. long stderr lines', () => {
  test('a 100,008-character line written in pieces is recorded and logged whole; a 3,000,000-character one is cut with a marker', async () => {
    const { result, lines } = await fault('stderr-pieces', ['--server-log', '--format', 'final']);
    expect(result.exitCode).toBe(0);
    const stderrLines = lines.filter((l) => l.type === 'stderr').map((l) => String(l.line));
    const whole = `START${'y'.repeat(100_000)}END`;
    expect(stderrLines).toContain(whole);
    const cut = stderrLines.find((l) => l.startsWith('LONG')) as string;
    expect(cut.length).toBeLessThan(1024 * 1024 + 200);
    expect(cut).toMatch(/^LONGz+… \[cut by codex-dbg: a line of 3000004 characters, the first 1048576 kept\]$/);
    expect(stderrLines).toContain('after the long line');
    expect(result.stderr).toContain(whole);
    expect(result.stderr).toContain('[cut by codex-dbg: a line of 3000004 characters, the first 1048576 kept]');
  });
});

describe('8. timeouts of 2^31 ms and more', () => {
  test('--request-timeout 2147483648, --handler-timeout 2147483648, exec --turn-timeout 2147484 wait as asked', async () => {
    const dir = tempDir('long');
    writeFileSync(
      join(dir, 'slow.mjs'),
      `export default { name: 'slow', handlers: { 'item/commandExecution/requestApproval': () => new Promise((r) => setTimeout(() => r({ decision: 'accept' }), 50)) } };`,
    );
    const call = await runCli(['--codex-bin', FAKE_SERVER, '--request-timeout', '2147483648', 'call', 'thread/start', '{}'], { env: fake('plain') });
    expect(call.exitCode).toBe(0);
    expect(JSON.parse(call.stdout)).toEqual({ thread: { id: '00000000-0000-4000-8000-000000000001' } });
    const { result, lines } = await fault('requests', ['--handler-timeout', '2147483648', '--plugin', join(dir, 'slow.mjs'), 'exec', 'hi', '--turn-timeout', '2147484']);
    expect(result.exitCode).toBe(0);
    const answer = lines.find((l) => l.type === 'message' && l.dir === 'out' && (l.message as { result?: { decision?: string } }).result?.decision === 'accept');
    expect(answer).toBeDefined();
  });

  test.each([
    [['--request-timeout', 'Infinity'], /--request-timeout Infinity: expected a whole number/],
    [['--handler-timeout', 'Infinity'], /--handler-timeout Infinity: expected a whole number/],
    [['exec', 'hi', '--turn-timeout', 'Infinity'], /--turn-timeout Infinity: expected a number of seconds above 0/],
  ])('%j is refused (exit 2): leave the flag out (or --handler-timeout 0) for no limit', async (args, message) => {
    const result = await runCli(['--codex-bin', FAKE_SERVER, ...args]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

describe('9. plugin results that cannot be sent as JSON', () => {
  test.each([
    ['a BigInt', '({ decision: 1n })'],
    ['a circular object', '(() => { const o = { decision: "accept" }; o.self = o; return o; })()'],
    ['a throwing toJSON', '({ toJSON() { throw new Error("no JSON"); } })'],
    ['a function', '(() => 1)'],
    ['a symbol', 'Symbol("accept")'],
  ])('%s: the safe reply, once, and a line naming the plugin', async (_name, value) => {
    const dir = tempDir('odd');
    writeFileSync(join(dir, 'odd.mjs'), `export default { name: 'odd', handlers: { '*': () => ${value} } };`);
    const { result, lines } = await fault('requests', ['--plugin', join(dir, 'odd.mjs'), 'exec', 'hi']);
    expect(result.exitCode).toBe(0);
    expectAnsweredOnce(lines);
    expect(result.stderr).toMatch(/plugin "odd" gave an invalid result for item\/commandExecution\/requestApproval \(id \d+\) \(it cannot be sent as JSON: /);
    const approval = lines.find((l) => l.type === 'message' && l.dir === 'in' && (l.message as { method?: string }).method === 'item/commandExecution/requestApproval') as { message: { id: number } };
    const reply = lines.find((l) => l.type === 'message' && l.dir === 'out' && (l.message as { id?: number }).id === approval.message.id && !('method' in (l.message as object)));
    expect(reply?.message).toEqual({ id: approval.message.id, result: { decision: 'decline' } });
  });
});

describe('11. smaller faults', () => {
  test('raw output of a line that is not UTF-8 is the bytes received', async () => {
    // tinyexec decodes stdout as text: the bytes need a child of our own.
    const run = spawnSync('node', [CLI, '--codex-bin', FAKE_SERVER, '--format', 'raw'], { input: 'go\n', env: fake('invalid-utf8'), timeout: 45_000 });
    expect(run.status).toBe(0);
    const bytes = run.stdout;
    const expected = Buffer.concat([Buffer.from('{"method":"fake/bytes","params":{"text":"'), Buffer.from([0xff, 0xfe, 0x41, 0xc3]), Buffer.from('"}}\n')]);
    expect(bytes.includes(expected)).toBe(true);
  });

  test('an error reply whose code is not an integer fails the call at once as malformed (not at its timeout)', async () => {
    for (const method of ['fake/bad-error', 'fake/float-error']) {
      const result = await runCli(['--codex-bin', FAKE_SERVER, '--request-timeout', '600000', 'call', method], { env: fake('plain') });
      expectNoTrace(result.stderr);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`error \\[E_RPC\\]: ${method} \\(id \\d+\\): the server's reply is malformed \\(malformed error: error\\.code: `));
    }
  });

  test('exec --turn-timeout with a server that never answers turn/interrupt: exit 4 after a bounded wait', async () => {
    const { result } = await fault('hang-turn', ['exec', 'hi', '--turn-timeout', '1']);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/E_TIMEOUT\]: the turn did not complete within --turn-timeout 1 s \(interrupted it; the server did not confirm within 2 s\)/);
  });

  test('piped REPL input at end of file: --turn-timeout ends a turn that never completes', async () => {
    const { result } = await fault('hang-turn', ['--turn-timeout', '1', '--format', 'final']);
    expect(result.stderr).toMatch(/E_TIMEOUT\]: the turn did not complete within --turn-timeout 1 s/);
  });

  test('initialize answered with an error: exec exits 3 (the server failed to start)', async () => {
    const result = await runCli(['--codex-bin', FAKE_SERVER, 'exec', 'hi'], { env: fake('init-error') });
    expectNoTrace(result.stderr);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/the server failed to start: initialize failed: fake server: initialize refused/);
  });

  test("a plugin whose setup throws: E_PLUGIN, exit 2, naming it", async () => {
    const dir = tempDir('setup');
    writeFileSync(join(dir, 'p.mjs'), `export default { name: 'fragile', setup() { throw new Error('no config found'); } };`);
    const result = await runCli(['--codex-bin', FAKE_SERVER, '--plugin', join(dir, 'p.mjs'), 'exec', 'hi'], { env: fake('plain') });
    expectNoTrace(result.stderr);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe('codex-dbg: error [E_PLUGIN]: plugin "fragile": setup failed: no config found');
  });

  test('| head -1 during a burst of server requests: at most one "could not answer" line', async () => {
    const dir = tempDir('burst');
    const result = await x('sh', ['-c', `printf 'go\\n' | node ${JSON.stringify(CLI)} --codex-bin ${JSON.stringify(FAKE_SERVER)} --record rec.jsonl --format jsonl | head -1`], {
      throwOnError: false,
      nodeOptions: { cwd: dir, env: fake('generated', { FAKE_COUNT: '20000', FAKE_CONCURRENCY: '2000' }) },
    });
    expect(result.exitCode).toBe(0);
    expectNoTrace(result.stderr);
    expect(result.stderr.split('\n').filter((l) => l.includes('could not answer')).length).toBeLessThanOrEqual(1);
    await expectGone(pidsIn(readRecording(join(dir, 'rec.jsonl'))));
  });
});

describe('issue 14: what reaches a handler and what leaves it is checked', () => {
  const repliesById = (lines: Line[]) =>
    new Map(
      (lines.filter((l) => l.type === 'message' && l.dir === 'out' && !('method' in (l.message as object))) as { message: Record<string, unknown> }[]).map(({ message }) => {
        const { id, ...reply } = message;
        // currentTime/read's safe reply is the time: compare its shape.
        const result = reply.result as { currentTimeAt?: unknown } | undefined;
        return [id, typeof result?.currentTimeAt === 'number' ? { result: { currentTimeAt: 'a number' } } : reply];
      }),
    );

  test('malformed params of each of the 11 methods: with ask, policy and auto-approve, the same safe replies as with no plugin; one line per method and a sum', async () => {
    const dir = tempDir('rules');
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify({ commands: [{ match: '*', decision: 'allow' }], files: [{ path: '**', decision: 'allow' }] }));
    const bare = await fault('malformed', ['exec', 'hi']);
    expect(bare.result.exitCode).toBe(0);
    const plugged = await fault('malformed', ['exec', 'hi', '--plugin', 'ask', '--plugin', `policy:file=${rules}`, '--auto-approve']);
    expect(plugged.result.exitCode).toBe(0);
    expectAnsweredOnce(plugged.lines);
    const expected = repliesById(bare.lines);
    expect(expected.size).toBe(21);
    expect(repliesById(plugged.lines)).toEqual(expected);
    for (const [, reply] of expected) expect((reply as { error?: { code: number } }).error?.code).not.toBe(-32603);
    const told = plugged.result.stderr.split('\n').filter((l) => l.includes('has malformed params'));
    expect(told).toHaveLength(11);
    expect(plugged.result.stderr).toContain('the safe reply was sent instead for 0 invalid plugin results and 21 server requests with malformed params');
  });

  test('a handler result of the wrong shape is replaced by the safe reply, and the user is told once', async () => {
    const dir = tempDir('shape');
    const plugin = join(dir, 'legacy-words.mjs');
    writeFileSync(
      plugin,
      `export default { name: 'legacy-words', handlers: { 'item/commandExecution/requestApproval': () => ({ decision: 'approved' }), 'item/fileChange/requestApproval': () => null, 'item/permissions/requestApproval': () => ({ permissions: {}, scope: 'forever' }) } };`,
    );
    const { result, lines } = await fault('requests', ['--plugin', plugin, 'exec', 'hi']);
    expect(result.exitCode).toBe(0);
    expectAnsweredOnce(lines);
    const told = result.stderr.split('\n').filter((l) => l.includes('gave an invalid result'));
    expect(told).toHaveLength(3);
    expect(told[0]).toMatch(/^(codex-dbg: )?plugin "legacy-words" gave an invalid result for item\/commandExecution\/requestApproval \(id \d+\) \(decision: .*"approved".*\); sending the safe reply instead$/);
    expect(result.stderr).toContain('the safe reply was sent instead for 3 invalid plugin results and 0 server requests with malformed params');
    const sent = (method: string) => {
      const asked = lines.find((l) => l.type === 'message' && l.dir === 'in' && (l.message as { method?: string }).method === method) as { message: { id: number } };
      return (lines.find((l) => l.type === 'message' && l.dir === 'out' && (l.message as { id?: number }).id === asked.message.id && !('method' in (l.message as object))) as { message: unknown }).message;
    };
    expect(sent('item/commandExecution/requestApproval')).toMatchObject({ result: { decision: 'decline' } });
    expect(sent('item/fileChange/requestApproval')).toMatchObject({ result: { decision: 'decline' } });
    expect(sent('item/permissions/requestApproval')).toMatchObject({ result: { permissions: {}, scope: 'turn' } });
  });
});
