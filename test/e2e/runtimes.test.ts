// The same end-to-end session (a command approval answered by a built-in plugin, then a user .ts plugin
// loaded from a temporary directory) through the standalone binary, Deno and Bun, against the real codex.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { x } from 'tinyexec';
import { afterAll, describe, expect, test } from 'vitest';
import { TARGETS } from '../../scripts/targets.mjs';
import { checkBinary } from '../../scripts/check-bin.mjs';
import { BINARY, haveBinary, RUNTIMES as ALL_RUNTIMES } from '../helpers/runtimes.ts';
import { buildPage } from '../../scripts/build-page.mjs';
import { ROOT, makeWorld, removeTempDirs, tempDir } from '../helpers/world.ts';

afterAll(removeTempDirs);

const PACKAGE_VERSION = (await import('../../package.json', { with: { type: 'json' } })).default.version;
// The npm bundle on Node runs this session in the other end-to-end files.
const RUNTIMES = ALL_RUNTIMES.filter((runtime) => ['standalone binary', 'deno', 'bun'].includes(runtime.name)).map(
  (runtime) => [runtime.name, runtime.command] as [string, string[]],
);

async function session(command: string[]) {
  const world = await makeWorld({ steps: [{ command: 'touch by-policy.txt' }, { command: 'touch by-user-plugin.txt' }, { text: 'both done' }] });
  try {
    const dir = tempDir('runtime-plugin');
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify({ commands: [{ match: '*by-policy*', decision: 'allow' }] }));
    writeFileSync(
      join(dir, 'user.ts'),
      `import { definePlugin } from 'codex-dbg';
const decision: 'accept' = 'accept';
export default definePlugin({
  name: 'user-ts',
  handlers: { 'item/commandExecution/requestApproval': (params, ctx) => { ctx.log('answered ' + params.command); return { decision }; } },
});
`,
    );
    const [bin, ...pre] = command;
    const args = [...pre, ...world.args, '--approval-policy', 'untrusted', '--sandbox', 'workspace-write', '--plugin', `policy:file=${rules}`, '--plugin', join(dir, 'user.ts'), '--format', 'final'];
    const result = await x(bin, args, { throwOnError: false, stdin: 'run both\n', timeout: 60_000, nodeOptions: { cwd: world.workdir, env: world.env } });
    return {
      result,
      byPolicy: existsSync(join(world.workdir, 'by-policy.txt')),
      byUserPlugin: existsSync(join(world.workdir, 'by-user-plugin.txt')),
    };
  } finally {
    await world.dispose();
  }
}

describe.each(RUNTIMES)('%s', (name, command) => {
  test.skipIf(name === 'standalone binary' && !haveBinary)('runs a session: a policy approval, then a user .ts plugin importing codex-dbg', async () => {
    if (name === 'standalone binary') expect(existsSync(BINARY), `${BINARY} was not built (npm run build:bin)`).toBe(true);
    const { result, byPolicy, byUserPlugin } = await session(command);
    expect(result.stderr).toMatch(/\[user-ts\] answered .*by-user-plugin\.txt/);
    expect(result.stdout).toContain('both done');
    expect(result.exitCode).toBe(0);
    expect(byPolicy).toBe(true);
    expect(byUserPlugin).toBe(true);
  });
});

describe.skipIf(!haveBinary)('standalone binary', () => {
  test('--version prints the package version, and codex is found the usual way', async () => {
    const version = await x(BINARY, ['--version'], { throwOnError: false });
    expect(version.stdout.trim()).toBe(`codex-dbg ${PACKAGE_VERSION}`);
    const missing = await x(BINARY, ['--codex-bin', '/nonexistent'], { throwOnError: false });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/codex not found/);
    // No --codex-bin, no $CODEX_BIN, no codex on PATH: the binary finds the @openai/codex package from its working directory.
    const home = tempDir('runtime-home');
    const found = await x(BINARY, ['call', 'configRequirements/read'], {
      throwOnError: false,
      nodeOptions: { cwd: ROOT, env: { PATH: '/usr/bin:/bin', HOME: home, CODEX_HOME: home } },
    });
    expect(found.stderr).toBe('');
    expect(found.exitCode).toBe(0);
    expect(JSON.parse(found.stdout)).toBeTypeOf('object');
  });

  test('serves the inspector page from inside itself, run from an empty folder', async () => {
    const dir = tempDir('binary-view');
    const recording = join(dir, 'r.jsonl');
    writeFileSync(recording, `${JSON.stringify({ type: 'header', format: 'codex-dbg-recording', version: 1, startedAt: '2026-01-01T00:00:00Z', codexDbg: 'x', redacted: true })}\n`);
    const view = spawn(BINARY, ['view', recording], { cwd: dir, env: { PATH: '/usr/bin:/bin', HOME: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise((resolve) => view.on('exit', resolve));
    try {
      let err = '';
      const address = await new Promise<URL>((resolve, reject) => {
        view.stderr?.on('data', (chunk) => {
          err += chunk;
          const found = /inspector at (\S+)/.exec(err);
          if (found) resolve(new URL(found[1]));
        });
        view.on('exit', () => reject(new Error(`view exited: ${err}`)));
      });
      const page = await fetch(`${address.origin}/${address.search}`, { redirect: 'manual' });
      const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
      const html = await (await fetch(`${address.origin}/`, { headers: { Cookie: cookie } })).text();
      expect(html).toContain('/assets/app.js');
      const served = await fetch(`${address.origin}/assets/app.js`, { headers: { Cookie: cookie } });
      expect(served.status).toBe(200);
      // The script the binary serves is the page built from this source, byte for byte.
      expect(await served.text()).toBe((await buildPage()).js);
    } finally {
      view.kill('SIGTERM');
      await exited;
    }
  });

  test('each built target has the right format, the injected application and its checksum', () => {
    type Check = { target: string; problems: string[] };
    const built = (TARGETS.map(checkBinary) as Check[]).filter((r) => !r.problems.includes('missing'));
    // CI builds all five (npm run build:bin -- --all).
    if (process.env.CI) expect(built.map((r) => r.target)).toEqual(TARGETS.map((t: { name: string }) => t.name));
    expect(built.length).toBeGreaterThan(0);
    for (const result of built) expect(result.problems, result.target).toEqual([]);
  });
});
