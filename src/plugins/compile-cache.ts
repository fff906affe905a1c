// Compiled TypeScript plugin modules, kept by content in a private cache directory, so that a plugin that
// has not changed loads without the transpiler (about 40 ms to load). Never beside the user's files (a
// plugin folder may be read-only, and nothing should be left there), never half-written (written under a
// temporary name, then renamed), and optional: when the directory cannot be made, compiling goes on in memory.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ModuleFormat } from './transpile.ts';

/**
 * Part of every key: bump it with the transpiler's version (pinned in package.json) or its options in
 * transpile.ts, so entries compiled another way are not reused. (Not codex-dbg's version: src/plugins may
 * not import src/version.ts, and a release that compiles the same way can share the entries.)
 */
const RULES = 'sucrase 3.35.1, rules 1';
const KEY_PREFIX = `${RULES}\0`;

/** $CODEX_DBG_CACHE_DIR, else the platform's per-user cache directory, with codex-dbg under it. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CODEX_DBG_CACHE_DIR) return env.CODEX_DBG_CACHE_DIR;
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'codex-dbg', 'Cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'codex-dbg');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'codex-dbg');
}

let compiledDir: string | null | undefined;

/** <cache>/compiled, made private (0700); null when it cannot be made or written. */
function compiledDirectory(): string | null {
  if (compiledDir !== undefined) return compiledDir;
  try {
    const root = cacheDir();
    mkdirSync(root, { recursive: true, mode: 0o700 });
    if ((statSync(root).mode & 0o077) !== 0) chmodSync(root, 0o700);
    const dir = join(root, 'compiled');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    compiledDir = dir;
  } catch {
    compiledDir = null;
  }
  return compiledDir;
}

type Transpile = (source: string, path: string, format: ModuleFormat) => string;
let transpiler: Transpile | undefined;

/** The transpiler, loaded on first use: dist/transpile.cjs in the npm package, inline in the binary. */
function loadTranspiler(): Transpile {
  // Both bundles have `require` (scripts/build.mjs), and the literal call lets the bundler place the file.
  const load = () => (typeof require === 'function' ? require('./transpile.ts') : createRequire(import.meta.url)('./transpile.ts'));
  transpiler ??= (load() as { transpile: Transpile }).transpile;
  return transpiler;
}

/** The module compiled for `format`: from the cache when this exact source was compiled before. */
export function compiled(source: string, path: string, format: ModuleFormat): string {
  const key = createHash('sha256').update(`${KEY_PREFIX}${format}\0${source}`).digest('hex');
  const dir = compiledDirectory();
  const file = dir && join(dir, `${key}.js`);
  if (file) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      // not cached yet
    }
  }
  const code = loadTranspiler()(source, path, format);
  if (file) store(file, code);
  return code;
}

function store(file: string, code: string): void {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temporary, code, { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    rmSync(temporary, { force: true });
  }
}
