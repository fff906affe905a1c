// Finds the codex executable: --codex-bin, then $CODEX_BIN, then `codex` on PATH, then the native binary
// inside an installed @openai/codex npm package. The npm package's own bin is a Node script; we go to the
// native binary it wraps so that nothing here ever depends on a Node executable.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { DbgError } from '../core/errors.ts';

export interface CodexLocation {
  path: string;
  source: '--codex-bin' | '$CODEX_BIN' | 'PATH' | '@openai/codex package';
}

export interface LocateOptions {
  codexBin?: string;
  env?: NodeJS.ProcessEnv;
  /** Directories from which to look for node_modules/@openai/codex (each and its parents). */
  searchRoots?: string[];
}

const isWindows = process.platform === 'win32';

export function locateCodex(options: LocateOptions = {}): CodexLocation {
  const env = options.env ?? process.env;
  if (options.codexBin) {
    const path = explicitPath(options.codexBin, env);
    if (!path) throw notFound(`${options.codexBin} (from --codex-bin) does not exist or is not executable`);
    return { path, source: '--codex-bin' };
  }
  if (env.CODEX_BIN) {
    const path = explicitPath(env.CODEX_BIN, env);
    if (!path) throw notFound(`${env.CODEX_BIN} (from $CODEX_BIN) does not exist or is not executable`);
    return { path, source: '$CODEX_BIN' };
  }
  const onPath = searchPath('codex', env);
  if (onPath) return { path: onPath, source: 'PATH' };
  const roots = options.searchRoots ?? [process.cwd(), dirname(process.argv[1] ?? process.cwd())];
  for (const root of roots) {
    const path = findInNpmPackage(root);
    if (path) return { path, source: '@openai/codex package' };
  }
  throw notFound('tried --codex-bin (not given), $CODEX_BIN (not set), `codex` on PATH and the @openai/codex npm package');
}

function notFound(what: string): DbgError {
  return new DbgError(
    'E_CODEX_NOT_FOUND',
    `codex not found: ${what}. Install it with \`npm install -g @openai/codex\`, or pass --codex-bin <path>.`,
  );
}

/** A path with a slash is taken as is; a bare name is looked up on PATH. */
function explicitPath(given: string, env: NodeJS.ProcessEnv): string | undefined {
  if (given.includes('/') || given.includes('\\')) {
    const path = resolve(given);
    return isExecutable(path) ? path : undefined;
  }
  return searchPath(given, env);
}

function searchPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter(Boolean);
  const extensions = isWindows ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of dirs) {
    for (const ext of extensions) {
      const candidate = join(dir, name + ext);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function findInNpmPackage(start: string): string | undefined {
  const platformPackage = `codex-${process.platform}-${process.arch}`;
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const scope = join(dir, 'node_modules', '@openai');
    for (const pkg of [join(scope, platformPackage), join(scope, 'codex', 'node_modules', '@openai', platformPackage)]) {
      const binary = nativeBinaryIn(pkg);
      if (binary) return binary;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The platform package keeps the binary at vendor/<target-triple>/bin/codex[.exe]. */
function nativeBinaryIn(pkg: string): string | undefined {
  const vendor = join(pkg, 'vendor');
  if (!existsSync(vendor)) return undefined;
  for (const triple of readdirSync(vendor)) {
    const candidate = join(vendor, triple, 'bin', isWindows ? 'codex.exe' : 'codex');
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

// The mode bits rather than access(X_OK): Deno asks for --allow-sys to look up the uid that needs.
function isExecutable(path: string): boolean {
  try {
    const stat = statSync(path);
    return stat.isFile() && (isWindows || (stat.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}
