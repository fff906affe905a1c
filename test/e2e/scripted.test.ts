// --scripted-model, replay and demo, against the real codex app-server.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CODEX, jsonLines, removeTempDirs, runCli, tempDir } from '../helpers/world.ts';

afterAll(removeTempDirs);

const APPROVALS = ['--approval-policy', 'untrusted', '--sandbox', 'workspace-write'];

describe('--scripted-model', () => {
  test('runs codex against the script in a throwaway CODEX_HOME, removed afterwards', async () => {
    const dir = tempDir('sm');
    writeFileSync(join(dir, 'script.json'), JSON.stringify({ steps: [{ text: 'from the script', chunks: 3 }] }));
    const result = await runCli(['--codex-bin', CODEX, '--scripted-model', 'script.json', '--record', 'rec.jsonl', 'exec', 'hello'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe('from the script');
    const home = jsonLines(readFileSync(join(dir, 'rec.jsonl'), 'utf8')).find((l) => l.event === 'scripted-model')?.codexHome as string;
    expect(home).toMatch(/codex-dbg-home-/);
    expect(existsSync(home)).toBe(false);
  });

  test('a bad script is a usage error naming the step', async () => {
    const dir = tempDir('sm');
    writeFileSync(join(dir, 'script.json'), JSON.stringify({ steps: [{ text: 'ok' }, { comand: 'ls' }] }));
    const result = await runCli(['--codex-bin', CODEX, '--scripted-model', 'script.json', 'exec', 'hello'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toMatch(/^codex-dbg: error \[E_USAGE\]: --scripted-model script\.json: steps\.1 is not a step/);
  });
});

describe('replay', () => {
  test('a recorded approval session passes with the same plugin and fails, readably, with the opposite one', async () => {
    const dir = tempDir('replay');
    writeFileSync(join(dir, 'script.json'), JSON.stringify({ steps: [{ command: 'touch replayed.txt' }, { text: 'done' }] }));
    const recorded = await runCli(['--codex-bin', CODEX, '--scripted-model', 'script.json', ...APPROVALS, '--auto-approve', '--record', 'rec.jsonl', '--format', 'final'], {
      cwd: dir,
      input: 'touch it\n',
    });
    expect(recorded.exitCode).toBe(0);
    expect(existsSync(join(dir, 'replayed.txt'))).toBe(true);

    // No codex at all: $CODEX_BIN points nowhere (replay takes no --codex-bin: it never starts codex).
    const same = await runCli(['replay', 'rec.jsonl', '--auto-approve'], { cwd: dir, env: { ...process.env, CODEX_BIN: '/nonexistent' } });
    expect(same.exitCode).toBe(0);
    expect(same.stderr).toContain('replayed 1 server request: no differences');

    const opposite = await runCli(['replay', 'rec.jsonl', '--plugin', 'decline'], { cwd: dir });
    expect(opposite.exitCode).toBe(1);
    expect(opposite.stderr).toMatch(
      /difference: item\/commandExecution\/requestApproval \(server request id 0, rec\.jsonl:\d+\)\n {2}recorded: \{"decision":"accept"\}\n {2}replayed: \{"decision":"decline"\} {2}\(answered by decline\)/,
    );
    expect(opposite.stderr).toContain('replayed 1 server request: 1 difference');

    const shown = await runCli(['replay', 'rec.jsonl', '--auto-approve', '--format', 'final'], { cwd: dir });
    expect(shown.stdout).toMatch(/touch replayed\.txt' \(completed, exit 0\)\n/);
  });

  test('a redacted attestation recording replays clean; a file that is not a recording is a usage error', async () => {
    const dir = tempDir('replay');
    writeFileSync(join(dir, 'script.json'), JSON.stringify({ chatgpt: true, steps: [{ text: 'hi' }] }));
    const recorded = await runCli(['--codex-bin', CODEX, '--scripted-model', 'script.json', '--plugin', 'attestation-stub', '--record', 'rec.jsonl'], { cwd: dir, input: 'hi\n' });
    expect(recorded.exitCode).toBe(0);
    const text = readFileSync(join(dir, 'rec.jsonl'), 'utf8');
    expect(text).not.toContain('v1.codex-dbg-fake-attestation');
    expect(jsonLines(text).some((l) => (l.message as { result?: { token?: string } })?.result?.token === '[redacted]')).toBe(true);
    const replayed = await runCli(['replay', 'rec.jsonl', '--plugin', 'attestation-stub:quiet=true'], { cwd: dir });
    expect(replayed.exitCode).toBe(0);
    expect(replayed.stderr).toContain('replayed 1 server request: no differences');
    const without = await runCli(['replay', 'rec.jsonl'], { cwd: dir });
    expect(without.exitCode).toBe(1);
    expect(without.stderr).toMatch(/recorded: \{"token":"\[redacted\]"\}\n {2}replayed: \{"code":-32601,/);

    const notRecording = await runCli(['replay', 'script.json'], { cwd: dir });
    expect(notRecording.exitCode).toBe(2);
    expect(notRecording.stderr).toMatch(/script\.json: not a codex-dbg recording/);
  });
});

describe('demo', () => {
  test('streams, approves a command, shows a diff, attests, explains each step, and cleans up', async () => {
    const result = await runCli(['--codex-bin', CODEX, 'demo', '--no-color']);
    expect(result.exitCode).toBe(0);
    for (const step of ['Step 1 of 3: a streamed answer', 'Step 2 of 3: a command approval', 'Step 3 of 3: a file change', 'What happened:']) {
      expect(result.stderr).toContain(step);
    }
    expect(result.stdout).toContain('assistant: Hello! I am a scripted model');
    expect(result.stdout).toContain('↳ answered item/commandExecution/requestApproval: decision "accept"');
    expect(result.stdout).toMatch(/add \/\S+\/notes\.md\n {4}\+# Notes/);
    expect(result.stdout).toContain('↳ answered attestation/generate: token (redacted)');
    expect(result.stderr).toContain('hello.txt: "hello from codex-dbg"');
    expect(result.stderr).toContain('notes.md: written');
    // Every attestation/generate was answered with the stub's token, and the model requests carried it. codex
    // waits only about 100 ms for an answer (then sends s:1 and goes on): on a loaded machine one may miss that
    // window, which is timing, not behaviour; an error (s:2) or a request without the header would be a fault.
    expect(result.stderr.match(/\[attestation-stub\] attestation\/generate #\d+ answered with the stub token/g)).toHaveLength(5);
    const attested = /attestation: 5 model requests; x-oai-attestation (.*)/.exec(result.stderr)?.[1] ?? '';
    const headers = [...attested.matchAll(/\{[^}]*\}/g)].map(([header]) => header);
    const token = '{"v":1,"s":0,"t":"v1.codex-dbg-fake-attestation"}';
    expect(headers).toContain(token);
    for (const header of headers) expect([token, '{"v":1,"s":1}']).toContain(header);
    expect(result.stderr).toContain('cleaned up');
    const [, home, workdir] = /throwaway CODEX_HOME (\S+) .*working directory (\S+)/.exec(result.stderr) ?? [];
    expect(home).toMatch(/codex-dbg-home-/);
    expect(workdir).toMatch(/codex-dbg-demo-/);
    expect(existsSync(home)).toBe(false);
    expect(existsSync(workdir)).toBe(false);
  });

  test.each([
    [['--codex-bin', '/nonexistent', 'demo'], 1, /^codex-dbg: error \[E_CODEX_NOT_FOUND\]: codex not found.*npm install -g @openai\/codex/],
    [['--codex-bin', CODEX, 'demo', '--plugin', 'no-such-plugin'], 2, /^codex-dbg: error \[E_USAGE\]: unknown plugin "no-such-plugin"/],
    [['--codex-bin', CODEX, 'demo', '--format', 'decline'], 2, /^codex-dbg: error \[E_USAGE\]: --format decline: "decline" is not a formatter/],
  ])('%j: checked before anything is made: one line, exit %i, nothing left behind', async (args, exitCode, message) => {
    const tmp = tempDir('demo-tmp');
    const result = await runCli(args, { env: { ...process.env, TMPDIR: tmp } });
    expect(result.exitCode).toBe(exitCode);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
