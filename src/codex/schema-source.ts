// The JSON Schema of the codex actually in use: `codex app-server generate-json-schema` run once per codex
// version and kept in the user's cache directory (<cache>/codex-dbg/schemas/<version>/<variant>.json), so
// every later run reads one file instead of spawning codex to write 47.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DbgError } from '../core/errors.ts';
import type { SchemaBundle } from './protocol-schema.ts';

/** The file of the generated bundle that holds every type (v1 and v2). */
const BUNDLE_FILE = 'codex_app_server_protocol.schemas.json';

export interface LoadedSchema {
  /** "0.169.0" (what `codex --version` says), or "unknown-<hash>" when it says something else. */
  version: string;
  /** With experimental methods and fields (`--experimental`), as a client with experimentalApi sees the protocol. */
  experimental: boolean;
  bundle: SchemaBundle;
  /** The cached file. */
  path: string;
  /** False when codex was run to generate it just now. */
  fromCache: boolean;
}

export interface SchemaSourceOptions {
  experimental: boolean;
  /** Where schemas are cached; default schemaCacheDir(). */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** $XDG_CACHE_HOME/codex-dbg/schemas, else the platform's cache folder (~/.cache, ~/Library/Caches, %LOCALAPPDATA%). */
export function schemaCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(userCacheDir(env), 'codex-dbg', 'schemas');
}

/** Where `npm run test:compat` installs older codex releases: <cache>/codex-dbg/compat/<version>/. */
export function compatCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(userCacheDir(env), 'codex-dbg', 'compat');
}

function userCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.XDG_CACHE_HOME) return env.XDG_CACHE_HOME;
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches');
  if (process.platform === 'win32') return env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local');
  return join(homedir(), '.cache');
}

function run(bin: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(bin, args, { env, timeout: 60_000, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const why = String(stderr).trim().split('\n').pop() || error.message;
        reject(new DbgError('E_PROTOCOL', `\`${bin} ${args.join(' ')}\` failed: ${why}`, { cause: error }));
      } else {
        resolve(String(stdout));
      }
    });
    // Nothing to say on stdin: a program that reads it must see its end, not wait.
    child.stdin?.end();
  });
}

/** "codex-cli 0.169.0" → "0.169.0"; anything else names the binary by a hash of its path, size and time. */
export async function codexVersion(bin: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const said = (await run(bin, ['--version'], env)).trim();
  const version = said.match(/(\d+\.\d+\.\d+[\w.+-]*)\s*$/)?.[1];
  if (version) return version;
  const stat = statSync(bin);
  return `unknown-${createHash('sha256').update(`${bin}\0${stat.size}\0${stat.mtimeMs}\0${said}`).digest('hex').slice(0, 12)}`;
}

/** The cached file for a version, whether or not it exists yet. */
export function cachedSchemaPath(cacheDir: string, version: string, experimental: boolean): string {
  return join(cacheDir, version, `${experimental ? 'experimental' : 'stable'}.json`);
}

/** Generates the bundle with `bin` into `target` (via a temporary folder beside it, then one rename). */
async function generate(bin: string, target: string, experimental: boolean, env?: NodeJS.ProcessEnv): Promise<void> {
  const parent = join(target, '..');
  let scratchRoot = parent;
  try {
    mkdirSync(parent, { recursive: true });
  } catch {
    scratchRoot = tmpdir();
  }
  const scratch = mkdtempSync(join(scratchRoot, '.generate-'));
  try {
    await run(bin, ['app-server', 'generate-json-schema', '--out', scratch, ...(experimental ? ['--experimental'] : [])], env);
    const generated = join(scratch, BUNDLE_FILE);
    if (!existsSync(generated)) throw new DbgError('E_PROTOCOL', `${bin} generated no ${BUNDLE_FILE}; this codex cannot describe its protocol`);
    renameSync(generated, target);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The schema bundle of the codex at `bin`: from the cache, or generated once and cached. */
export async function loadSchema(bin: string, options: SchemaSourceOptions): Promise<LoadedSchema> {
  const cacheDir = options.cacheDir ?? schemaCacheDir(options.env);
  const version = await codexVersion(bin, options.env);
  const path = cachedSchemaPath(cacheDir, version, options.experimental);
  const fromCache = existsSync(path);
  if (!fromCache) await generate(bin, path, options.experimental, options.env);
  return { version, experimental: options.experimental, bundle: readBundle(path), path, fromCache };
}

/** A cached bundle of a version, without any codex (for `schema diff` of versions seen before). */
export function cachedSchema(version: string, options: SchemaSourceOptions): LoadedSchema | undefined {
  const path = cachedSchemaPath(options.cacheDir ?? schemaCacheDir(options.env), version, options.experimental);
  if (!existsSync(path)) return undefined;
  return { version, experimental: options.experimental, bundle: readBundle(path), path, fromCache: true };
}

function readBundle(path: string): SchemaBundle {
  let bundle: SchemaBundle;
  try {
    bundle = JSON.parse(readFileSync(path, 'utf8')) as SchemaBundle;
  } catch (error) {
    throw new DbgError('E_PROTOCOL', `cannot read the cached schema ${path}: ${(error as Error).message} (delete it to regenerate)`);
  }
  if (!bundle || typeof bundle.definitions !== 'object') throw new DbgError('E_PROTOCOL', `${path} is not a codex schema bundle (delete it to regenerate)`);
  return bundle;
}
