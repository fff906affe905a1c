// exec exit codes, call, recording, and the faults: against the real codex where it can show them,
// against the fake server where it cannot.
import { readFileSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { x } from 'tinyexec';
import { afterEach, describe, expect, test, afterAll } from 'vitest';
import { CLI, FAKE_SERVER, isRunning, jsonLines, makeWorld, removeTempDirs, runCli, tempDir, waitFor, wholeLines, type World } from '../helpers/world.ts';

afterAll(removeTempDirs);

let world: World | undefined;
afterEach(async () => {
  await world?.dispose();
  world = undefined;
});


describe('exec exit codes against the real codex', () => {
  test('0 when the turn completes, with the final answer on stdout', async () => {
    world = await makeWorld({ steps: [{ text: 'forty-two' }] });
    const result = await world.run([...world.args, 'exec', 'what is the answer?']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe('forty-two');
  });

  test('- reads the prompt from stdin', async () => {
    world = await makeWorld({ steps: [{ text: 'read it' }] });
    const result = await world.run([...world.args, 'exec', '-'], { input: 'a prompt from a pipe\n' });
    expect(result.exitCode).toBe(0);
    const body = world.model.requests[0].body;
    expect(JSON.stringify(body.input)).toContain('a prompt from a pipe');
  });

  test('1 when the model answers HTTP 500', async () => {
    world = await makeWorld({ steps: [{ httpError: 500 }] });
    const result = await world.run([...world.args, 'exec', 'fail please']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/turn failed: /);
  });

  test('3 when the server exits at once', async () => {
    const result = await runCli(['--codex-bin', '/bin/false', 'exec', 'hello']);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/error \[E_SERVER_EXITED\]: codex app-server exited with code 1 while waiting for a reply to initialize/);
  });

  test('4 when the turn outlives --turn-timeout', async () => {
    world = await makeWorld({ steps: [{ hang: true }] });
    const result = await world.run([...world.args, 'exec', '--turn-timeout', '2', 'never ends']);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/error \[E_TIMEOUT\]: the turn did not complete within --turn-timeout 2 s/);
  });
});

describe('call', () => {
  test('call thread/list pipes into a JSON parser', async () => {
    world = await makeWorld({ steps: [] });
    const piped = await x('sh', ['-c', `node ${JSON.stringify(CLI)} "$@" call thread/list '{}' | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log("threads:"+r.data.length)})'`, 'sh', ...world.args], {
      throwOnError: false,
      nodeOptions: { cwd: world.workdir, env: world.env },
    });
    expect(piped.exitCode).toBe(0);
    expect(piped.stdout.trim()).toBe('threads:0');
  });

  test('bad JSON params: exit 2 before anything is spawned, with the position', async () => {
    const result = await runCli(['--codex-bin', '/nonexistent', 'call', 'thread/list', '{"limit": 5,']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/call thread\/list: params are not valid JSON: .*position 12/);
  });
});

describe('faults', () => {
  test('a server killed mid-turn: a clear error, exit 1, its stderr tail, and a recording holding everything before it', async () => {
    world = await makeWorld({ steps: [{ hang: true }] });
    const record = join(world.workdir, 'rec.jsonl');
    const running = x('node', [CLI, ...world.args, '--record', record, '--format', 'final'], {
      throwOnError: false,
      stdin: 'this turn hangs\n',
      nodeOptions: { cwd: world.workdir, env: { ...world.env, RUST_LOG: 'info' } },
    });
    const lines = () => (existsSync(record) ? jsonLines(wholeLines(readFileSync(record, 'utf8'))) : []);
    await waitFor('turn/started in the recording', () => (lines().some((l) => (l.message as { method?: string })?.method === 'turn/started') ? true : undefined));
    const pid = lines().find((l) => l.event === 'spawned')?.pid as number;
    process.kill(pid, 'SIGKILL');
    const result = await running;
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/error \[E_SERVER_EXITED\]: codex app-server was killed by SIGKILL/);
    expect(result.stderr).toContain("last lines of the server's stderr:");
    expect(isRunning(pid)).toBe(false);
    const recorded = lines();
    expect(recorded[0]).toMatchObject({ type: 'header', format: 'codex-dbg-recording', version: 1 });
    const methods = recorded.filter((l) => l.type === 'message').map((l) => (l.message as { method?: string }).method);
    expect(methods).toContain('turn/started');
    expect(recorded.some((l) => l.event === 'server-exit' && l.signal === 'SIGKILL')).toBe(true);
  });

  test('Ctrl-C interrupts each running turn; Ctrl-C again on the same turn exits 130; the recording holds everything before it; no codex left', async () => {
    world = await makeWorld({ steps: [{ hang: true }, { hang: true }] });
    const record = join(world.workdir, 'rec.jsonl');
    const lines = () => (existsSync(record) ? jsonLines(wholeLines(readFileSync(record, 'utf8'))) : []);
    const methods = () => lines().filter((l) => l.type === 'message').map((l) => (l.message as { method?: string }).method);
    // stdin stays open (no EOF), as at a terminal: the session only ends by signal.
    const running = x('node', [CLI, ...world.args, '--record', record, '--format', 'final'], {
      throwOnError: false,
      nodeOptions: { cwd: world.workdir, env: world.env, stdio: ['pipe', 'pipe', 'pipe'] },
    });
    running.process?.stdin?.write('first turn hangs\n');
    await waitFor('turn/started', () => (methods().includes('turn/started') ? true : undefined));
    const codexPid = lines().find((l) => l.event === 'spawned')?.pid as number;
    running.kill('SIGINT');
    await waitFor('the interrupted turn', () =>
      lines().some((l) => (l.message as { method?: string; params?: { turn?: { status?: string } } })?.params?.turn?.status === 'interrupted') ? true : undefined,
    );
    expect(methods()).toContain('turn/interrupt');
    running.process?.stdin?.write('second turn hangs too\n');
    await waitFor('the second turn/started', () => (methods().filter((m) => m === 'turn/started').length === 2 ? true : undefined));
    running.kill('SIGINT');
    await waitFor('the second turn/interrupt', () => (methods().filter((m) => m === 'turn/interrupt').length === 2 ? true : undefined));
    running.kill('SIGINT');
    const result = await running;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('interrupting the turn (Ctrl-C again to quit)');
    expect(isRunning(codexPid)).toBe(false);
    const recorded = lines();
    expect(recorded.every((l) => typeof l.type === 'string')).toBe(true);
    expect(recorded.some((l) => l.event === 'shutdown')).toBe(true);
  });

  test('a server that exits during initialize: exit 3 with its stderr', async () => {
    const result = await runCli(['--codex-bin', FAKE_SERVER], { input: 'hi\n', env: { ...process.env, FAKE_MODE: 'exit-init' } });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('exited with code 3 while waiting for a reply to initialize');
    expect(result.stderr).toContain('fatal: fake server refuses to initialize');
  });

  // The timeout covers initialize too, which the fake answers at once; 2 s leaves room for a loaded machine.
  test('a server that never answers: the request timeout fires with a clear error', async () => {
    const result = await runCli(['--codex-bin', FAKE_SERVER, '--request-timeout', '2000', 'call', 'thread/list', '{}'], { env: { ...process.env, FAKE_MODE: 'no-reply' } });
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/error \[E_TIMEOUT\]: no reply to thread\/list \(id 2\) within 2000 ms/);
  });

  test('invalid JSON and a message of no known shape are reported and skipped; the session goes on', async () => {
    const result = await runCli(['--codex-bin', FAKE_SERVER, '--format', 'final'], { input: 'hi\n', env: { ...process.env, FAKE_MODE: 'garbage' } });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/skipped a server line: invalid JSON: .*: this is not json/);
    expect(result.stderr).toMatch(/skipped a server line: neither a request, a notification nor a response/);
  });

  test('--codex-bin pointing at a script that is not executable gives a clear error', async () => {
    const dir = tempDir('noexec');
    const file = join(dir, 'codex');
    writeFileSync(file, '#!/bin/sh\nexit 0\n');
    chmodSync(file, 0o644);
    const result = await runCli(['--codex-bin', file]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/is not executable/);
  });
});

describe('flags', () => {
  test('a dashed on/off flag before the command does not take the command as its value', async () => {
    const env = { ...process.env, FAKE_MODE: 'plain' };
    const result = await runCli(['--codex-bin', FAKE_SERVER, '--record-secrets', '--auto-approve', '--final-only', 'exec', 'hi'], { env });
    expect(result.stderr).not.toContain('unknown command');
    expect(result.exitCode).toBe(0);
  });
});

describe('recording', () => {
  test('secrets are redacted by default and kept with --record-secrets', async () => {
    const dir = tempDir('rec');
    const redacted = join(dir, 'redacted.jsonl');
    const kept = join(dir, 'kept.jsonl');
    const env = { ...process.env, FAKE_MODE: 'requests' };
    await runCli(['--codex-bin', FAKE_SERVER, '--plugin', 'attestation-stub:token=SECRET-TOKEN', '--record', redacted], { input: 'go\n', env });
    await runCli(['--codex-bin', FAKE_SERVER, '--plugin', 'attestation-stub:token=SECRET-TOKEN', '--record', kept, '--record-secrets'], { input: 'go\n', env });
    const redactedText = readFileSync(redacted, 'utf8');
    expect(redactedText).not.toContain('SECRET-TOKEN');
    expect(redactedText).toContain('"token":"[redacted]"');
    expect(readFileSync(kept, 'utf8')).toContain('"token":"SECRET-TOKEN"');
    // Every line parses, and the client's own events are in it.
    const events = jsonLines(redactedText).filter((l) => l.type === 'event').map((l) => l.event);
    expect(events).toEqual(expect.arrayContaining(['codex', 'spawn', 'spawned', 'answered', 'shutdown']));
  });
});
