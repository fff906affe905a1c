// shim install / remove: a client that knows only "run `codex` from PATH" is tapped and recorded; the real
// codex is found once, never the shim (even with the shim's directory already on PATH); remove undoes install.
import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { runHandClient } from '../helpers/hand-client.ts';
import { CODEX, jsonLines, makeWorld, removeTempDirs, ROOT, runCli, tempDir, type World } from '../helpers/world.ts';

afterAll(removeTempDirs);
let world: World | undefined;
afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

const listing = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

test('install then remove leaves the directory as it was', async () => {
  const dir = tempDir('shim');
  writeFileSync(join(dir, 'already-here.txt'), 'mine');
  const before = listing(dir);
  const installed = await runCli(['shim', 'install', dir, '--codex-bin', CODEX]);
  expect(installed.exitCode).toBe(0);
  expect(installed.stdout).toContain(`CODEX_BIN="${join(dir, 'codex')}"`);
  expect(installed.stdout).toContain('"chatgpt.cliExecutable"');
  expect(listing(dir)).toEqual([...before, 'codex'].sort());
  const removed = await runCli(['shim', 'remove', dir]);
  expect(removed.exitCode).toBe(0);
  expect(listing(dir)).toEqual(before);
  expect(readFileSync(join(dir, 'already-here.txt'), 'utf8')).toBe('mine');
});

test('a client that only knows "codex" on PATH is tapped and recorded; the shim never finds itself', async () => {
  world = await makeWorld({ steps: [{ command: 'touch marker.txt' }, { text: 'made it' }] });
  const dir = tempDir('shim');
  const PATH = `${dir}${delimiter}${process.env.PATH}`;
  // Installed twice with its own directory first on PATH: the second install must still find the real codex.
  for (let i = 0; i < 2; i++) {
    const installed = await runCli(['shim', 'install', dir], { env: { ...process.env, PATH, CODEX_BIN: '' } });
    expect(installed.exitCode, installed.stderr).toBe(0);
  }
  const real = /-- '([^']+)' "\$@"/.exec(readFileSync(join(dir, 'codex'), 'utf8'))?.[1] as string;
  expect(real.startsWith(dir)).toBe(false);
  expect(real === CODEX || realpathSync(real).startsWith(join(ROOT, 'node_modules'))).toBe(true);
  const overrides = world.args.slice(2).filter((arg) => arg !== '-c').flatMap((kv) => ['--config', kv]);
  const run = await runHandClient({
    command: 'codex',
    args: [...overrides, 'app-server'],
    env: { ...world.env, PATH },
    cwd: world.workdir,
    decision: 'accept',
    prompt: 'make the marker',
  });
  expect(run.turnStatus).toBe('completed');
  expect(run.code).toBe(0);
  // The recording, and the index the recorder keeps beside it.
  const sessions = readdirSync(join(dir, 'sessions')).filter((name) => !name.endsWith('.idx'));
  expect(sessions).toHaveLength(1);
  expect(readdirSync(join(dir, 'sessions'))).toContain(`${sessions[0]}.idx`);
  const recorded = jsonLines(readFileSync(join(dir, 'sessions', sessions[0]), 'utf8')).filter((line) => line.type === 'message');
  expect(recorded.filter((line) => line.dir === 'in')).toHaveLength(run.messages.length);
  expect(recorded).toContainEqual(expect.objectContaining({ dir: 'out', message: expect.objectContaining({ result: { decision: 'accept' } }) }));

  const removed = await runCli(['shim', 'remove', dir]);
  expect(removed.stdout).toContain('kept 1 recording');
  expect(existsSync(join(dir, 'codex'))).toBe(false);
});

test('install refuses to overwrite a codex that is not a shim', async () => {
  const dir = tempDir('shim');
  writeFileSync(join(dir, 'codex'), '#!/bin/sh\necho real\n');
  const result = await runCli(['shim', 'install', dir, '--codex-bin', CODEX]);
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toMatch(/exists and is not a codex-dbg shim/);
  expect(readFileSync(join(dir, 'codex'), 'utf8')).toBe('#!/bin/sh\necho real\n');
});
