// Under Deno, each permission codex-dbg lacks is one line naming the flag to add, and exit 2: never a
// stack trace. env, read and run are checked before anything runs (even --help); write and the network
// where they are used (--record; --scripted-model and demo listen on 127.0.0.1). deno.json's install task
// installs a command that runs.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { x } from 'tinyexec';
import { afterAll, describe, expect, test } from 'vitest';
import { DENO, DENO_FLAGS } from '../helpers/runtimes.ts';
import { CODEX, ROOT, removeTempDirs, tempDir } from '../helpers/world.ts';

afterAll(removeTempDirs);

const ALL = DENO_FLAGS.join(' ');
const without = (...missing: string[]) => DENO_FLAGS.filter((flag) => !missing.some((name) => flag.startsWith(`--allow-${name}`)));

async function deno(flags: string[], args: string[], cwd = ROOT) {
  return x(DENO, ['run', ...flags, join(ROOT, 'src/cli.ts'), ...args], { throwOnError: false, timeout: 60_000, nodeOptions: { cwd, env: { ...process.env, NO_COLOR: '1' } } });
}

function expectOneLine(result: { stdout: string; stderr: string; exitCode: number | undefined }, refused: string, flags: string) {
  expect(result.stderr).toBe(`codex-dbg: error [E_USAGE]: Deno did not grant ${refused}: run deno with ${flags} (all that codex-dbg uses: ${ALL}, as in "deno task start")\n`);
  expect(result.stdout).toBe('');
  expect(result.exitCode).toBe(2);
}

describe('deno run src/cli.ts with permissions missing', () => {
  test('--help with no permission at all: one line naming the three every command needs', async () => {
    expectOneLine(await deno([], ['--help']), 'env, read, run access', '--allow-env --allow-read --allow-run');
  });

  test.each(['env', 'read', 'run'])('--help without --allow-%s: one line naming it', async (name) => {
    expectOneLine(await deno(without(name), ['--help']), `${name} access`, `--allow-${name}`);
  });

  test('without --allow-write: --help works, --record is one line naming --allow-write', async () => {
    const help = await deno(without('write'), ['--help']);
    expect(help.stdout).toContain('Usage:');
    expect(help.exitCode).toBe(0);
    const dir = tempDir('deno-write');
    writeFileSync(join(dir, 'script.json'), JSON.stringify({ steps: [{ text: 'hi' }] }));
    const record = await deno(without('write'), ['exec', 'hi', '--scripted-model', 'script.json', '--codex-bin', CODEX ?? 'codex', '--record', 'out.jsonl'], dir);
    expectOneLine(record, 'write access to "out.jsonl"', '--allow-write');
    expect(readdirSync(dir)).toEqual(['script.json']);
  });

  test('without --allow-net: --help works, --scripted-model is one line naming --allow-net=127.0.0.1', async () => {
    const help = await deno(without('net'), ['--help']);
    expect(help.exitCode).toBe(0);
    const dir = tempDir('deno-net');
    writeFileSync(join(dir, 'script.json'), JSON.stringify({ steps: [{ text: 'hi' }] }));
    const scripted = await deno(without('net'), ['exec', 'hi', '--scripted-model', 'script.json'], dir);
    expectOneLine(scripted, 'net access to "127.0.0.1:0"', '--allow-net=127.0.0.1');
  });
});

describe('deno install, as deno.json\'s "install" task runs it', () => {
  test('installs a codex-dbg command that runs from any folder with the whole permission set', async () => {
    const config = JSON.parse(readFileSync(join(ROOT, 'deno.json'), 'utf8')) as { tasks: { install: string } };
    const [program, ...args] = config.tasks.install.split(' ');
    expect(program).toBe('./node_modules/.bin/deno');
    const root = tempDir('deno-install');
    const installed = await x(DENO, [args[0], '--root', root, ...args.slice(1)], { throwOnError: false, timeout: 60_000, nodeOptions: { cwd: ROOT } });
    expect(installed.exitCode, installed.stderr).toBe(0);
    const launcher = readFileSync(join(root, 'bin', 'codex-dbg'), 'utf8');
    for (const flag of DENO_FLAGS) expect(launcher).toContain(flag);
    // The launcher runs `deno` from PATH, from a folder with no deno.json or node_modules.
    const env = { ...process.env, NO_COLOR: '1', PATH: `${dirname(DENO)}:${process.env.PATH ?? ''}` };
    const help = await x(join(root, 'bin', 'codex-dbg'), ['--help'], { throwOnError: false, timeout: 60_000, nodePath: false, nodeOptions: { cwd: tempDir('deno-elsewhere'), env } });
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain('Usage:');
    expect(help.exitCode).toBe(0);
  });
});
