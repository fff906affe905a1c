// Protocol checks end to end: --validate flags a planted violation in each direction (the fake server plants
// one from the server, a person's :call one from the client), strict exits 5, replay validates too; the
// stall detector explains a turn that hears nothing; errors are short and said once; call sends {} when no
// JSON is given; schema diff lists a known change.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { CODEX, CODEX_VERSION, FAKE_SERVER, makeWorld, removeTempDirs, runCli, tempDir, testCacheHome, type World } from '../helpers/world.ts';

afterAll(removeTempDirs);

let world: World | undefined;
afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

/** The environment for the fake server: its mode, the real codex for its schema (and its version), the tests' cache. */
const fakeEnv = (mode: string) => ({ ...process.env, FAKE_MODE: mode, FAKE_REAL_CODEX: CODEX, FAKE_VERSION: CODEX_VERSION, XDG_CACHE_HOME: testCacheHome() });

const violationLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('codex-dbg: violation: '));

describe('--validate', () => {
  test('flags a planted violation from the server, counts it, and goes on; --validate=strict exits 5', async () => {
    const warn = await runCli(['--codex-bin', FAKE_SERVER, '--validate', '--format', 'final', 'exec', 'hi'], { env: fakeEnv('invalid') });
    expect(warn.exitCode).toBe(0);
    const lines = violationLines(warn.stderr);
    expect(lines).toContain('codex-dbg: violation: in notification item/agentMessage/delta: params.delta: must be string (got 5)');
    expect(lines).toContain(`codex-dbg: violation: in notification fake/unknownNotification: method: "fake/unknownNotification" is not a server notification of codex ${CODEX_VERSION}`);
    expect(warn.stderr).toMatch(new RegExp(`codex-dbg: --validate: \\d+ messages checked against codex ${CODEX_VERSION.replace(/\./g, '\\.')}, ${lines.length} violations`));

    const strict = await runCli(['--codex-bin', FAKE_SERVER, '--validate=strict', 'exec', 'hi'], { env: fakeEnv('invalid') });
    expect(strict.exitCode).toBe(5);
    expect(strict.stderr).toMatch(/codex-dbg: error \[E_PROTOCOL\]: \d+ protocol violations \(--validate=strict\)/);

    const clean = await runCli(['--codex-bin', FAKE_SERVER, '--validate=strict', 'exec', 'hi'], { env: fakeEnv('plain') });
    // The fake server's thread/start reply lacks most of ThreadStartResponse: even a plain run is flagged.
    expect(violationLines(clean.stderr).some((line) => line.startsWith('codex-dbg: violation: in response thread/start id '))).toBe(true);
  });

  test('flags a planted violation from the client (a :call with a wrong type), and the real server agrees it is wrong', async () => {
    world = await makeWorld({ steps: [] });
    const result = await world.run([...world.args, '--validate'], { input: ':call thread/start {"sandbox": 3}\n' });
    expect(result.exitCode).toBe(0);
    expect(violationLines(result.stderr)).toEqual([
      expect.stringMatching(/^codex-dbg: violation: out request thread\/start id \d+: params\.sandbox: must be "read-only" \| "workspace-write" \| "danger-full-access" \| null \(got 3\)$/),
    ]);
    expect(result.stderr).toMatch(/error \[E_RPC\]: thread\/start failed: .*\(code -32600\)/);
  });

  test('a clean session against the real codex: 0 violations, and the schema was generated once into the cache', async () => {
    world = await makeWorld({ steps: [{ text: 'fine' }] });
    const first = await world.run([...world.args, '--validate=strict', 'exec', 'all good?']);
    expect(first.exitCode).toBe(0);
    expect(first.stdout.trim()).toBe('fine');
    expect(violationLines(first.stderr)).toEqual([]);
    expect(first.stderr).toMatch(/codex-dbg: --validate: \d+ messages checked against codex \d+\.\d+\.\d+, 0 violations/);
    const version = first.stderr.match(/checked against codex (\S+),/)?.[1] as string;
    const cached = join(testCacheHome(), 'codex-dbg', 'schemas', version, 'experimental.json');
    expect(JSON.parse(readFileSync(cached, 'utf8')).definitions.ClientRequest.oneOf.length).toBeGreaterThan(100);
    const second = await world.run([...world.args, '--validate', 'call', 'thread/list']);
    expect(second.exitCode).toBe(0);
    expect(second.stderr).not.toContain('generated the schema');
  });

  test('replay --validate checks the recorded and the replayed messages', async () => {
    const dir = tempDir('replay-validate');
    const recording = join(dir, 'rec.jsonl');
    const recorded = await runCli(['--codex-bin', FAKE_SERVER, '--record', recording, 'exec', 'hi'], { env: fakeEnv('invalid') });
    expect(recorded.exitCode).toBe(0);
    const replayed = await runCli(['--codex-bin', CODEX, 'replay', recording, '--validate'], { env: { ...process.env, XDG_CACHE_HOME: testCacheHome() } });
    expect(replayed.exitCode).toBe(0);
    expect(violationLines(replayed.stderr)).toContain('codex-dbg: violation: in notification item/agentMessage/delta: params.delta: must be string (got 5)');
    const strict = await runCli(['--codex-bin', CODEX, 'replay', recording, '--validate=strict'], { env: { ...process.env, XDG_CACHE_HOME: testCacheHome() } });
    expect(strict.exitCode).toBe(5);
  });
});

describe('stall detector', () => {
  test('a turn the model never finishes: the warning says nothing is open on either side', async () => {
    world = await makeWorld({ steps: [{ hang: true }] });
    const result = await world.run([...world.args, '--stall-warn', '1', 'exec', '--turn-timeout', '4', 'never ends']);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/codex-dbg: stall: turn \S+ has heard nothing from the server for \d+ s; no request is open either way, so codex is waiting on the model or a tool/);
  });

  test('a server request no plugin answers: the warning names it, and the turn’s warning points at it', async () => {
    world = await makeWorld({ steps: [{ command: 'touch never.txt' }, { text: 'unreachable' }] });
    const plugin = join(world.workdir, 'never-answers.mjs');
    writeFileSync(plugin, "export default { name: 'never-answers', handlers: { 'item/commandExecution/requestApproval': () => new Promise(() => {}) } };\n");
    const result = await world.run([
      ...world.args,
      '--approval-policy',
      'untrusted',
      '--sandbox',
      'workspace-write',
      '--plugin',
      plugin,
      '--handler-timeout',
      '0',
      '--stall-warn',
      '1',
      'exec',
      '--turn-timeout',
      '4',
      'make the file',
    ]);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/codex-dbg: stall: server request item\/commandExecution\/requestApproval \(id 0\) unanswered for \d+ s; codex waits for the answer/);
    expect(result.stderr).toMatch(/codex-dbg: stall: turn \S+ has heard nothing from the server for \d+ s; codex is waiting for our answer to item\/commandExecution\/requestApproval \(id 0\)/);
  });

  test('--stall-warn 0 turns it off', async () => {
    world = await makeWorld({ steps: [{ hang: true }] });
    const result = await world.run([...world.args, '--stall-warn', '0', 'exec', '--turn-timeout', '2', 'never ends']);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).not.toContain('stall');
  });
});

describe('short errors, one message per failure', () => {
  test('an unknown method: one short line with the nearest names (REPL, pretty), whole only with --debug', async () => {
    world = await makeWorld({ steps: [] });
    const repl = await world.run([...world.args, '--format', 'pretty'], { input: ':call thread/lst\n' });
    expect(repl.exitCode).toBe(0);
    const mentions = `${repl.stdout}\n${repl.stderr}`.split('\n').filter((line) => line.includes('thread/lst'));
    expect(mentions).toEqual(['error [E_RPC]: thread/lst failed: Invalid request: unknown variant `thread/lst` (code -32600); did you mean thread/list?']);

    const call = await world.run([...world.args, 'call', 'thread/lst']);
    expect(call.exitCode).toBe(1);
    expect(JSON.parse(call.stderr.trim().split('\n').pop() as string)).toEqual({
      error: { code: -32600, message: 'Invalid request: unknown variant `thread/lst`; did you mean thread/list?' },
    });

    const debug = await world.run([...world.args, '--debug'], { input: ':call thread/lst\n' });
    expect(debug.stderr).toMatch(/unknown variant `thread\/lst`, expected one of `initialize`, .*`thread\/list`/);
  });

  test('a failed exec turn says "turn failed" once', async () => {
    world = await makeWorld({ steps: [{ httpError: 500 }, { httpError: 500 }] });
    const result = await world.run([...world.args, 'exec', 'fail please']);
    expect(result.exitCode).toBe(1);
    expect(`${result.stdout}${result.stderr}`.match(/turn failed/g)).toHaveLength(1);
    const raw = await world.run([...world.args, '--format', 'raw', 'exec', 'fail please']);
    expect(raw.exitCode).toBe(1);
    expect(raw.stderr.match(/codex-dbg: turn failed/g)).toHaveLength(1);
  });
});

describe('call builds valid messages', () => {
  test('no JSON sends {} (model/list, which requires params) and leaves params out for a method typed without', async () => {
    world = await makeWorld({ steps: [] });
    const listed = await world.run([...world.args, '--format', 'jsonl', 'call', 'model/list']);
    expect(listed.exitCode).toBe(0);
    expect(JSON.parse(listed.stdout).data.length).toBeGreaterThan(0);
    const sent = listed.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(sent.find((entry) => entry.message.method === 'model/list').message.params).toEqual({});

    const requirements = await world.run([...world.args, '--format', 'jsonl', 'call', 'configRequirements/read']);
    expect(requirements.exitCode).toBe(0);
    const request = requirements.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)).find((entry) => entry.message.method === 'configRequirements/read');
    expect(request.message).not.toHaveProperty('params');
  });

  test('JSON that is not an object is refused before anything is spawned', async () => {
    const result = await runCli(['--codex-bin', '/nonexistent', 'call', 'config/read', '[1, 2]']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe('codex-dbg: error [E_USAGE]: call config/read: params must be a JSON object such as {"key": "value"}, not an array');
  });
});

describe('schema diff', () => {
  test('lists the changes between the codex under test and a codex whose schema lost a method and gained an enum value', async () => {
    const dir = tempDir('schema-diff');
    const changed = join(dir, 'codex');
    // A codex of another version whose schema is the real one with two edits.
    writeFileSync(
      changed,
      `#!/bin/sh
if [ "$1" = "--version" ]; then echo "codex-cli 9.9.9-test"; exit 0; fi
"${CODEX}" "$@" || exit 1
while [ $# -gt 0 ]; do case "$1" in --out) out="$2"; shift;; esac; shift; done
node -e '
const fs = require("fs"), file = process.argv[1], s = JSON.parse(fs.readFileSync(file, "utf8"));
s.definitions.ClientRequest.oneOf = s.definitions.ClientRequest.oneOf.filter((v) => v.properties.method.enum[0] !== "model/list");
s.definitions.v2.SandboxMode.enum.push("sealed");
fs.writeFileSync(file, JSON.stringify(s));
' "$out/codex_app_server_protocol.schemas.json"
`,
    );
    chmodSync(changed, 0o755);
    const result = await runCli(['schema', 'diff', CODEX, changed], { env: { ...process.env, XDG_CACHE_HOME: testCacheHome() } });
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^codex \d+\.\d+\.\d+ → codex 9\.9\.9-test \(experimental API included\): 2 changes$/);
    expect(lines.slice(1)).toEqual(['- client request model/list', '+ value SandboxMode: "sealed"']);
  });

  test('a version that is neither cached nor installed: one line saying what to give instead', async () => {
    const result = await runCli(['--codex-bin', CODEX, 'schema', 'diff', '0.0.1', CODEX], { env: { ...process.env, XDG_CACHE_HOME: tempDir('empty-cache') } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(
      'codex-dbg: error [E_CODEX_NOT_FOUND]: no codex 0.0.1 found: its schema is not cached yet and no installed codex has that version; give the path to its binary instead',
    );
  });
});
