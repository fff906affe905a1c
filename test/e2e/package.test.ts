// The npm package as a user gets it. A clean copy of the repository is packed with `npm pack` (its
// "prepack" script builds the JavaScript and the types; a copy, so the build does not rewrite the dist/
// that other test files are running), and the tarball is installed into an empty directory and globally
// into a temporary prefix by npm offline with an empty cache: the package needs nothing else. There, under
// Node from PATH (20) and Node 22: `codex-dbg --help`, `codex-dbg demo` with CODEX_BIN and a .mjs and a .ts
// plugin that import from 'codex-dbg', scripts that import the API with plain node (ESM and CommonJS), and
// tsc compiling plugins against the shipped types.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { x } from 'tinyexec';
import { afterAll, describe, expect, test } from 'vitest';
import { haveNode22, NODE22 } from '../helpers/runtimes.ts';
import { CODEX, ROOT, removeTempDirs, tempDir } from '../helpers/world.ts';

afterAll(removeTempDirs);

const VERSION = (await import('../../package.json', { with: { type: 'json' } })).default.version;
const METHODS = 11;
/** Packing type-checks the API and builds everything, and the machine may be busy. */
const SLOW = 300_000;

/** Exactly what a user needs: the program, the plugin API as ESM and CommonJS with its types, the docs. */
const SHIPPED = [
  'README.md',
  'bin/codex-dbg.js',
  'dist/api.cjs',
  'dist/api.d.cts',
  'dist/api.d.ts',
  'dist/api.mjs',
  'dist/codex-dbg.mjs',
  'dist/off-thread-hooks.mjs',
  'dist/transpile.cjs',
  'docs/plugins.md',
  'package.json',
];

/** npm's own settings from `npm test` (npm_config_prefix, npm_lifecycle_event, …) would steer the npm we run. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key))) as Record<string, string>;

async function run(command: string, args: string[], cwd: string, env: Record<string, string> = cleanEnv) {
  // nodePath: false, or tinyexec puts the directory of the Node running the tests first on PATH.
  return x(command, args, { throwOnError: false, timeout: SLOW, nodePath: false, nodeOptions: { cwd, env } });
}

/** The files git would commit (tracked and new, not ignored), copied; node_modules linked, not copied. */
async function cleanCopy(): Promise<string> {
  const copy = tempDir('package-source');
  const listed = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT);
  expect(listed.exitCode, listed.stderr).toBe(0);
  for (const path of listed.stdout.split('\0')) {
    const from = join(ROOT, path);
    if (path === '' || !existsSync(from) || !statSync(from).isFile()) continue;
    mkdirSync(dirname(join(copy, path)), { recursive: true });
    copyFileSync(from, join(copy, path));
  }
  await run('ln', ['-s', join(ROOT, 'node_modules'), join(copy, 'node_modules')], ROOT);
  return copy;
}

interface Installed {
  packed: { files: { path: string }[]; filename: string };
  /** The empty directory the tarball went into, and the global prefix. */
  app: string;
  prefix: string;
  installLog: string;
  cache: string;
}

let installing: Promise<Installed> | undefined;
/** Packs and installs once, for every test in this file. */
function installed(): Promise<Installed> {
  installing ??= (async () => {
    const copy = await cleanCopy();
    const out = tempDir('package-tarball');
    const pack = await run('npm', ['pack', '--json', '--pack-destination', out], copy);
    expect(pack.exitCode, pack.stderr).toBe(0);
    // --json prints the result after the scripts' own output.
    const packed = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[\n')))[0] as Installed['packed'];
    const tarball = join(out, packed.filename);
    const offline = ['--offline', '--no-audit', '--no-fund', '--cache', join(tempDir('package-npm-cache'), 'cache')];
    const app = tempDir('package-app');
    const local = await run('npm', ['install', '--prefix', app, ...offline, tarball], app);
    expect(local.exitCode, local.stderr).toBe(0);
    const prefix = tempDir('package-global');
    const global = await run('npm', ['install', '--global', '--prefix', prefix, ...offline, tarball], app);
    expect(global.exitCode, global.stderr).toBe(0);
    writePlugins(app);
    return { packed, app, prefix, installLog: local.stderr + global.stderr, cache: join(tempDir('package-compile-cache'), 'codex-dbg') };
  })();
  return installing;
}

/** Two plugins a user would write beside their project; each answers one of the demo's approvals. */
function writePlugins(app: string) {
  mkdirSync(join(app, 'plugins'));
  writeFileSync(
    join(app, 'plugins', 'hello.mjs'),
    `import { definePlugin, VERSION, SERVER_REQUEST_METHODS } from 'codex-dbg';
export default definePlugin({
  name: 'hello-mjs',
  setup(ctx) { ctx.log(\`codex-dbg \${VERSION}, \${SERVER_REQUEST_METHODS.length} request methods, on Node \${process.versions.node.split('.')[0]}\`); },
  handlers: { 'item/fileChange/requestApproval': (params, ctx) => { ctx.log('accepted a file change'); return { decision: 'accept' }; } },
});
`,
  );
  writeFileSync(
    join(app, 'plugins', 'hello.ts'),
    `import { definePlugin, VERSION } from 'codex-dbg';
import type { Plugin } from 'codex-dbg';
const greeting: string = \`typed, codex-dbg \${VERSION}\`;
const plugin: Plugin = definePlugin({
  name: 'hello-ts',
  setup(ctx) { ctx.log(greeting); },
  handlers: { 'item/commandExecution/requestApproval': (params, ctx) => { ctx.log(\`accepted \${params.command}\`); return { decision: 'accept' }; } },
});
export default plugin;
`,
  );
}

describe('npm pack', () => {
  test(
    'ships exactly what a user needs, with no dependency, and installs from the tarball offline without a warning about scripts',
    async () => {
      const { packed, app, installLog } = await installed();
      expect(packed.files.map((file) => file.path).sort()).toEqual(SHIPPED);
      const manifest = JSON.parse(readFileSync(join(app, 'node_modules', 'codex-dbg', 'package.json'), 'utf8'));
      expect(manifest.dependencies).toBeUndefined();
      expect(manifest.version).toBe(VERSION);
      // npm 11 warns about a "prepare" script in an installed package; the build runs as "dependencies" instead.
      expect(installLog).not.toMatch(/install-scripts|EBADENGINE|ERR/);
      expect(readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['codex-dbg']);
    },
    SLOW,
  );
});

const NODES: [string, string, number, boolean][] = [
  ['node from PATH', 'node', 20, true],
  ['node 22', NODE22, 22, haveNode22],
];

describe.each(NODES)('the installed package under %s', (_name, node, major, available) => {
  /** The environment a user of this Node has: it is first on PATH, so the bin's `#!/usr/bin/env node` finds it. */
  const userEnv = (cache: string): Record<string, string> => ({
    ...cleanEnv,
    PATH: node === 'node' ? (cleanEnv.PATH ?? '') : `${dirname(node)}:${cleanEnv.PATH ?? ''}`,
    NO_COLOR: '1',
    CODEX_BIN: CODEX ?? '',
    CODEX_DBG_CACHE_DIR: cache,
  });

  test.skipIf(!available)(
    `is run by Node ${major}: --help and --version from the local and the global bin`,
    async () => {
      if (node !== 'node') expect(existsSync(node), `${node} was not seeded (npm run build:bin)`).toBe(true);
      const { app, prefix, cache } = await installed();
      const env = userEnv(cache);
      const version = await run('node', ['--version'], app, env);
      expect(version.stdout).toMatch(new RegExp(`^v${major}\\.`));
      for (const bin of [join(app, 'node_modules', '.bin', 'codex-dbg'), join(prefix, 'bin', 'codex-dbg')]) {
        const help = await run(bin, ['--help'], app, env);
        expect(help.stderr, bin).toBe('');
        expect(help.stdout).toContain('Usage:');
        expect(help.stdout).toContain('demo');
        expect(help.exitCode).toBe(0);
        expect((await run(bin, ['--version'], app, env)).stdout.trim()).toBe(`codex-dbg ${VERSION}`);
      }
    },
    SLOW,
  );

  const demoFrom: [string, (i: Installed) => string][] = [['the local bin', (i) => join(i.app, 'node_modules', '.bin', 'codex-dbg')]];
  // The global bin is the same files through another link; once is enough.
  if (node === 'node') demoFrom.push(['the global bin', (i) => join(i.prefix, 'bin', 'codex-dbg')]);

  for (const [where, binOf] of demoFrom) {
    test.skipIf(!available)(
    `demo from ${where} with CODEX_BIN, a .mjs and a .ts plugin importing codex-dbg, each answering an approval`,
    async () => {
      const i = await installed();
      const before = readdirSync(i.app).sort();
      const result = await run(binOf(i), ['demo', '--plugin', './plugins/hello.mjs', '--plugin', './plugins/hello.ts'], i.app, userEnv(i.cache));
      const lines = result.stderr.split('\n');
      expect(lines, result.stderr).toContain(`[hello-mjs] codex-dbg ${VERSION}, ${METHODS} request methods, on Node ${major}`);
      expect(lines).toContain(`[hello-ts] typed, codex-dbg ${VERSION}`);
      expect(lines).toContain('[hello-mjs] accepted a file change');
      expect(lines.some((line) => line.startsWith('[hello-ts] accepted ') && line.includes('hello.txt'))).toBe(true);
      expect(result.stderr).not.toMatch(/warning|error|at .*:\d+:\d+/i);
      expect(result.stderr).toContain('cleaned up');
      expect(result.stdout).not.toBe('');
      expect(result.exitCode).toBe(0);
      expect(readdirSync(i.app).sort()).toEqual(before);
    },
    SLOW,
  );
  }

  test.skipIf(!available)(
    `plain node ${major} imports the API from the installed package, as ESM and with require`,
    async () => {
      const { app, cache } = await installed();
      const show = `JSON.stringify({ version: VERSION, methods: SERVER_REQUEST_METHODS.length, name: definePlugin({ name: 'p' }).name, safe: typeof safeReply, error: new DbgError('E_USAGE', 'x') instanceof Error })`;
      writeFileSync(join(app, 'use-api.mjs'), `import { definePlugin, VERSION, SERVER_REQUEST_METHODS, safeReply, DbgError } from 'codex-dbg';\nconsole.log(${show});\n`);
      writeFileSync(join(app, 'use-api.cjs'), `const { definePlugin, VERSION, SERVER_REQUEST_METHODS, safeReply, DbgError } = require('codex-dbg');\nconsole.log(${show});\n`);
      const expected = { version: VERSION, methods: METHODS, name: 'p', safe: 'function', error: true };
      for (const script of ['use-api.mjs', 'use-api.cjs']) {
        const result = await run('node', [script], app, userEnv(cache));
        expect(result.stderr, script).toBe('');
        expect(JSON.parse(result.stdout), script).toEqual(expected);
      }
    },
    SLOW,
  );
});

describe('the shipped types', () => {
  const tsc = (app: string, files: string[]) => {
    writeFileSync(
      join(app, 'typed', 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [] }, files }),
    );
    return run('node', [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(app, 'typed')], app);
  };
  const plugin = (importLine: string, decision: string) => `${importLine}
export default definePlugin({
  name: 'typed',
  setup(ctx) { ctx.log(VERSION.toUpperCase()); },
  handlers: { 'item/commandExecution/requestApproval': (params) => (params.command ? { decision: ${decision} } : undefined) },
});
`;

  test(
    'compile a plugin as ESM (.mts) and as CommonJS (.cts) against the package, and catch a wrong reply',
    async () => {
      const { app } = await installed();
      mkdirSync(join(app, 'typed'), { recursive: true });
      const esm = `import { definePlugin, VERSION } from 'codex-dbg';`;
      writeFileSync(join(app, 'typed', 'plugin.mts'), plugin(esm, `'accept'`));
      writeFileSync(join(app, 'typed', 'plugin.cts'), plugin(esm, `'decline'`));
      // The types are real: a reply the protocol does not allow is an error, in the file that makes it, and only there.
      writeFileSync(join(app, 'typed', 'wrong.cts'), plugin(esm, `'maybe'`));
      const result = await tsc(app, ['plugin.mts', 'plugin.cts', 'wrong.cts']);
      const errors = result.stdout.split('\n').filter((line) => /error TS/.test(line));
      expect(errors.length, result.stdout).toBeGreaterThan(0);
      for (const error of errors) expect(error).toMatch(/^typed\/wrong\.cts\(\d+,\d+\): error TS2322: /);
      // The reply types come from the schemas the host checks replies with (src/codex/server-requests.ts).
      expect(result.stdout).toMatch(/Type '"maybe"' is not assignable to type '"cancel" \| "accept" \| "acceptForSession" \| "decline"/);
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(2);
    },
    SLOW,
  );
});
