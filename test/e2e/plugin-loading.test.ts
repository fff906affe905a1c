// User plugins load the same in every runtime and folder: each extension, a multi-file TypeScript plugin
// whose every module imports 'codex-dbg', TypeScript that must be compiled (enum, parameter properties),
// plugins in "type": "commonjs", untyped and "type": "module" package folders, and a read-only folder that
// nothing is written into. One `replay` per runtime loads them all (no codex needed): each plugin's setup
// logs a line built from what it imported, and one of them answers the recorded request.
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { x } from 'tinyexec';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RUNTIMES } from '../helpers/runtimes.ts';
import { removeTempDirs, tempDir } from '../helpers/world.ts';

const VERSION = (await import('../../package.json', { with: { type: 'json' } })).default.version;
const METHODS = 11;

/** One plugin: its setup logs `[name] text`; `text` can only come out right if every import worked. */
function pluginSource(style: 'esm-ts' | 'esm-js' | 'cjs-ts' | 'cjs-js', name: string, text: string, imports = ''): string {
  const body = `name: '${name}', setup(ctx) { ctx.log(${text}); }`;
  if (style === 'cjs-ts') {
    return `const { definePlugin, VERSION, SERVER_REQUEST_METHODS } = require('codex-dbg');\n${imports}const version: string = VERSION;\nmodule.exports = definePlugin({ ${body.replace('VERSION', 'version')} });\n`;
  }
  if (style === 'cjs-js') return `const { definePlugin, VERSION, SERVER_REQUEST_METHODS } = require('codex-dbg');\n${imports}module.exports = definePlugin({ ${body} });\n`;
  const head = `import { definePlugin, VERSION, SERVER_REQUEST_METHODS } from 'codex-dbg';\n${imports}`;
  return style === 'esm-js' ? `${head}export default definePlugin({ ${body} });\n` : `${head}const version: string = VERSION;\nexport default definePlugin({ ${body.replace('VERSION', 'version')} });\n`;
}

const SUMMARY = '`${VERSION} ${SERVER_REQUEST_METHODS.length}`';
/** path → contents; and the line each plugin file logs. */
const files: Record<string, string> = {};
const expected: Record<string, string> = {};

function plugin(path: string, contents: string, line: string) {
  files[path] = contents;
  expected[path] = line;
}

// Every extension, at the top (no package.json above it but the temporary directory's).
plugin('ext/plain.mjs', pluginSource('esm-js', 'ext-mjs', SUMMARY), `[ext-mjs] ${VERSION} ${METHODS}`);
plugin('ext/plain.cjs', pluginSource('cjs-js', 'ext-cjs', SUMMARY), `[ext-cjs] ${VERSION} ${METHODS}`);
plugin('ext/plain.mts', pluginSource('esm-ts', 'ext-mts', SUMMARY), `[ext-mts] ${VERSION} ${METHODS}`);
// A .cts file is CommonJS with types (Deno and Bun run it as such; so does Node's own type stripping).
plugin('ext/plain.cts', pluginSource('cjs-ts', 'ext-cts', SUMMARY), `[ext-cts] ${VERSION} ${METHODS}`);

// A multi-file plugin: the entry, a helper two folders down and an enum module each import 'codex-dbg'.
plugin(
  'multi/main.ts',
  `import { definePlugin } from 'codex-dbg';
import type { Plugin } from 'codex-dbg';
import { describeHelper, ANSWER } from './lib/deep/helper.ts';
const plugin: Plugin = {
  name: 'multi',
  setup(ctx) { ctx.log(describeHelper()); },
  handlers: { 'currentTime/read': () => ({ currentTimeAt: ANSWER }) },
};
export default definePlugin(plugin);
`,
  `[multi] helper ${VERSION}, kind Second=2 from ${VERSION}`,
);
files['multi/lib/deep/helper.ts'] = `import { VERSION } from 'codex-dbg';
import { Kind, kindVersion } from '../kinds.mts';
export const ANSWER: number = 42;
export function describeHelper(): string { return \`helper \${VERSION}, kind \${Kind[Kind.Second]}=\${Kind.Second} from \${kindVersion}\`; }
`;
files['multi/lib/kinds.mts'] = `import * as api from 'codex-dbg';
export enum Kind { First = 1, Second }
export const kindVersion: string = api.VERSION;
`;

// TypeScript that type stripping alone refuses: enums (also const) and parameter properties.
plugin(
  'enum/plugin.ts',
  `import { definePlugin } from 'codex-dbg';
enum Decision { Accept = 'accept', Decline = 'decline' }
const enum Level { Low = 1, High = 5 }
class Counter { constructor(private readonly start: number, public step = 2) {} next(): number { return this.start + this.step; } }
export default definePlugin({ name: 'enum', setup(ctx) { ctx.log(\`\${Decision.Accept} \${Level.High} \${new Counter(40).next()}\`); } });
`,
  '[enum] accept 5 42',
);

// The same plugins in each kind of package folder; a CommonJS helper beside each requires 'codex-dbg'.
const FOLDERS = { commonjs: '{"name":"c","type":"commonjs"}', untyped: '{"name":"u"}', module: '{"name":"m","type":"module"}' };
for (const [folder, manifest] of Object.entries(FOLDERS)) {
  files[`${folder}/package.json`] = manifest;
  files[`${folder}/helper.cjs`] = `const { VERSION } = require('codex-dbg');\nmodule.exports = () => 'helper ' + VERSION;\n`;
  const imports = `import helper from './helper.cjs';\n`;
  const text = '`${helper()} ${SERVER_REQUEST_METHODS.length}`';
  const line = (name: string) => `[${name}] helper ${VERSION} ${METHODS}`;
  plugin(`${folder}/plugin.ts`, pluginSource('esm-ts', `${folder}-ts`, text, imports), line(`${folder}-ts`));
  plugin(`${folder}/plugin.js`, pluginSource('esm-js', `${folder}-js`, text, imports), line(`${folder}-js`));
}
// CommonJS written as such, where the folder says CommonJS or nothing.
plugin('commonjs/legacy.js', pluginSource('cjs-js', 'commonjs-legacy', SUMMARY), `[commonjs-legacy] ${VERSION} ${METHODS}`);
plugin('untyped/legacy.cts', pluginSource('cjs-ts', 'untyped-legacy', SUMMARY), `[untyped-legacy] ${VERSION} ${METHODS}`);

// A read-only folder: nothing may be written beside the plugin.
const READ_ONLY = 'read-only';
plugin(`${READ_ONLY}/plugin.ts`, pluginSource('esm-ts', 'read-only', SUMMARY, `import './side.ts';\n`), `[read-only] ${VERSION} ${METHODS}`);
files[`${READ_ONLY}/side.ts`] = `import { VERSION } from 'codex-dbg';\nconst seen: string = VERSION;\nexport default seen;\n`;

const RECORDING = [
  { type: 'header', format: 'codex-dbg-recording', version: 1, startedAt: '2025-01-01T00:00:00.000Z', codexDbg: VERSION, redacted: true },
  { type: 'message', dir: 'in', t: 1, message: { id: 0, method: 'currentTime/read', params: { threadId: 'th-1' } } },
  { type: 'message', dir: 'out', t: 2, message: { id: 0, result: { currentTimeAt: 42 } } },
];

let root = '';
let cache = '';
let readOnlyBefore = '';

/** Names, sizes and modification times of everything under dir. */
function snapshot(dir: string): string {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((entry) => {
      const path = join(d, entry.name);
      const { size, mtimeMs } = statSync(path);
      return [`${relative(dir, path)} ${size} ${mtimeMs}`, ...(entry.isDirectory() ? walk(path) : [])];
    });
  return walk(dir).sort().join('\n');
}

beforeAll(() => {
  root = tempDir('plugin-loading');
  cache = join(tempDir('plugin-cache'), 'codex-dbg');
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents);
  }
  writeFileSync(join(root, 'recording.jsonl'), RECORDING.map((line) => JSON.stringify(line)).join('\n') + '\n');
  for (const file of readdirSync(join(root, READ_ONLY))) chmodSync(join(root, READ_ONLY, file), 0o444);
  chmodSync(join(root, READ_ONLY), 0o555);
  readOnlyBefore = snapshot(join(root, READ_ONLY));
});

afterAll(() => {
  chmodSync(join(root, READ_ONLY), 0o755);
  removeTempDirs();
});

describe.each(RUNTIMES)('$name', ({ name, command, available }) => {
  test.skipIf(!available)('loads every plugin, each line from its own imports, with no warning and nothing written beside them', async () => {
    const [bin, ...pre] = command;
    const pluginArgs = Object.keys(expected).flatMap((path) => ['--plugin', `./${path}`]);
    const result = await x(bin, [...pre, 'replay', 'recording.jsonl', ...pluginArgs], {
      throwOnError: false,
      timeout: 60_000,
      nodeOptions: { cwd: root, env: { ...process.env, NO_COLOR: '1', CODEX_DBG_CACHE_DIR: cache } },
    });
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    // Exactly the plugins' lines and replay's verdict: no warning, no stack, nothing else.
    expect(lines.filter((line) => !line.startsWith('replayed ')), result.stderr).toEqual(Object.values(expected));
    expect(result.stdout).toBe('');
    expect(lines.at(-1)).toBe('replayed 1 server request: no differences');
    expect(result.exitCode, name).toBe(0);
    expect(snapshot(join(root, READ_ONLY))).toBe(readOnlyBefore);
    expect(readdirSync(root).sort()).toEqual([...Object.keys(FOLDERS), 'enum', 'ext', 'multi', READ_ONLY, 'recording.jsonl'].sort());
  });
});

describe('the compile cache (Node and the binary compile TypeScript; Deno and Bun do it themselves)', () => {
  test('is private, keyed by content, and holds only whole files', () => {
    const compiled = join(cache, 'compiled');
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    expect(statSync(compiled).mode & 0o777).toBe(0o700);
    const entries = readdirSync(compiled);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(entry).toMatch(/^[0-9a-f]{64}\.js$/);
      expect(statSync(join(compiled, entry)).mode & 0o777).toBe(0o600);
    }
    // The enum plugin, compiled: the enum is real code now.
    expect(entries.map((entry) => readFileSync(join(compiled, entry), 'utf8')).some((code) => code.includes('Decision["Accept"]'))).toBe(true);
  });
});

describe('TypeScript that cannot be compiled, and a cache that cannot be written (node from PATH)', () => {
  const run = (plugin: string, env: Record<string, string> = {}) =>
    x('node', [RUNTIMES[0].command[1], 'replay', 'recording.jsonl', '--plugin', plugin], {
      throwOnError: false,
      nodeOptions: { cwd: root, env: { ...process.env, NO_COLOR: '1', CODEX_DBG_CACHE_DIR: cache, ...env } },
    });

  test('a namespace with values and a syntax error are each one line naming the file', async () => {
    const dir = tempDir('plugin-errors');
    writeFileSync(join(dir, 'namespace.ts'), `export namespace Rules { export const limit = 3; }\nexport default { name: 'ns' };\n`);
    writeFileSync(join(dir, 'broken.ts'), `export default { name: 'broken', setup( };\n`);
    const namespace = await run(join(dir, 'namespace.ts'));
    expect(namespace.stderr).toBe(
      `codex-dbg: error [E_PLUGIN]: plugin file ${join(dir, 'namespace.ts')} failed to load: ${join(dir, 'namespace.ts')}: a TypeScript namespace with values cannot be compiled here (use a module or an object instead)\n`,
    );
    expect(namespace.exitCode).toBe(2);
    const broken = await run(join(dir, 'broken.ts'));
    expect(broken.stderr).toMatch(new RegExp(`^codex-dbg: error \\[E_PLUGIN\\]: plugin file ${join(dir, 'broken.ts')} failed to load: ${join(dir, 'broken.ts')} is not valid TypeScript: .*\\(1:\\d+\\)\\n$`));
    expect(broken.exitCode).toBe(2);
  });

  test('with no cache directory to be had, TypeScript is compiled in memory and loads all the same', async () => {
    const result = await run('./multi/main.ts', { CODEX_DBG_CACHE_DIR: join(root, 'recording.jsonl', 'not-a-directory') });
    expect(result.stderr).toBe(`${expected['multi/main.ts']}\nreplayed 1 server request: no differences\n`);
    expect(result.exitCode).toBe(0);
  });
});
