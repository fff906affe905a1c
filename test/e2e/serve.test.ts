// serve: a recording of a real session (codex-dbg exec against the real codex) played back to codex-dbg
// exec with the same prompt: exit 0 on both sides; a client that answers the approval differently makes
// serve exit 1 and name the divergence.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { CLI, makeWorld, removeTempDirs, runCli, tempDir, type World } from '../helpers/world.ts';

afterAll(removeTempDirs);
let world: World | undefined;
afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

const FLAGS = ['--approval-policy', 'untrusted', '--sandbox', 'workspace-write', '--format', 'final'];

/** A "codex" that is `codex-dbg serve <recording>`, keeping serve's exit code and stderr in files. */
function served(dir: string, recording: string): { bin: string; code: () => number; stderr: () => string } {
  const bin = join(dir, 'serve-as-codex');
  const code = join(dir, 'serve.code');
  const stderr = join(dir, 'serve.stderr');
  writeFileSync(bin, `#!/bin/sh\nnode "${CLI}" serve "${recording}" 2>"${stderr}"\necho $? > "${code}"\n`);
  chmodSync(bin, 0o755);
  return { bin, code: () => Number(readFileSync(code, 'utf8')), stderr: () => readFileSync(stderr, 'utf8') };
}

test('serve plays a real session back to codex-dbg exec (exit 0); a different approval answer is a named divergence (exit 1)', async () => {
  world = await makeWorld({ steps: [{ command: 'touch marker.txt' }, { text: 'made it' }] });
  const dir = tempDir('serve');
  const recording = join(dir, 'session.jsonl');
  const recorded = await world.run([...world.args, ...FLAGS, '--auto-approve', '--record', recording, 'exec', 'make the marker']);
  expect(recorded.exitCode).toBe(0);
  await world.dispose();
  world = undefined;

  // No codex, no model: only the recording answers.
  const same = served(join(dir), recording);
  const replayed = await runCli(['--codex-bin', same.bin, '--auto-approve', ...FLAGS, 'exec', 'make the marker'], { cwd: dir });
  expect(replayed.exitCode, replayed.stderr).toBe(0);
  expect(replayed.stdout).toBe(recorded.stdout);
  expect(same.stderr()).toContain('no divergence');
  expect(same.code()).toBe(0);

  const other = served(tempDir('serve'), recording);
  const declined = await runCli(['--codex-bin', other.bin, ...FLAGS, '--plugin', 'decline', 'exec', 'make the marker'], { cwd: dir });
  expect(declined.exitCode).toBe(0);
  expect(other.code()).toBe(1);
  expect(other.stderr()).toMatch(/divergence \(different answer\): server request 0 \(recording .*session\.jsonl:\d+\): recorded \{"decision":"accept"\}, the client answered \{"decision":"decline"\}/);
});
