// `codex-dbg shim install [dir]` writes a `codex` into dir that runs `codex app-server` through
// `codex-dbg tap --record <dir>/sessions/<time>-<pid>.jsonl` (and anything else straight to the real codex),
// so a front end that lets you choose its codex executable is tapped without changing anything else.
// The real codex is found once, now, with dir left off PATH and any shim refused, so it can never loop.
// `shim remove [dir]` removes what install made; recordings made meanwhile are kept, and said so.
import { Buffer } from 'node:buffer';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { DbgError, usageError } from '../../core/errors.ts';
import { locateCodex } from '../../transports/locate-codex.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';

const MARKER = 'codex-dbg shim';
const isWindows = process.platform === 'win32';

export function defaultShimDir(): string {
  return join(homedir(), '.codex-dbg', 'shim');
}

export function shimCommand(action: string, dirArg: string | undefined, options: CommonOptions): Promise<number> {
  return runCommand(options, async () => {
    const dir = resolve(dirArg ?? defaultShimDir());
    if (action === 'install') return install(dir, options);
    if (action === 'remove') return remove(dir);
    throw usageError(`shim ${action}: expected install or remove`);
  });
}

function shimPath(dir: string): string {
  return join(dir, isWindows ? 'codex.cmd' : 'codex');
}

/** Looks at the first bytes only: the real codex is a 400 MB binary. */
function isOurShim(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(512);
    return head.toString('utf8', 0, readSync(fd, head, 0, head.length, 0)).includes(MARKER);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function install(dir: string, options: CommonOptions): number {
  const target = shimPath(dir);
  if (existsSync(target) && !isOurShim(target)) {
    throw new DbgError('E_USAGE', `${target} exists and is not a codex-dbg shim; choose another directory or move it away`);
  }
  const path = (process.env.PATH ?? '').split(delimiter).filter((entry) => entry && resolve(entry) !== dir).join(delimiter);
  const codex = locateCodex({ codexBin: options.codexBin, env: { ...process.env, PATH: path } });
  if (isOurShim(codex.path)) throw new DbgError('E_USAGE', `${codex.path} (from ${codex.source}) is itself a codex-dbg shim; pass the real codex with --codex-bin`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(target, isWindows ? windowsShim(dir, codex.path) : unixShim(dir, codex.path), { mode: 0o755 });
  process.stdout.write(
    [
      `installed ${target}: codex app-server → codex-dbg tap → ${codex.path} (found via ${codex.source})`,
      '',
      'Point a front end at it (any one of these):',
      `  PATH (any front end that runs "codex"):  export PATH="${dir}${delimiter}$PATH"`,
      `  SDKs (@openai/codex-sdk and others):      CODEX_BIN="${target}"`,
      `  VS Code extension (settings.json):        "chatgpt.cliExecutable": "${target}"`,
      `  desktop app:                              CODEX_CLI_PATH="${target}" (set in the app's environment, then restart it)`,
      '',
      `Recordings: ${join(dir, 'sessions')}; live view: codex-dbg watch; undo: codex-dbg shim remove ${dir}`,
      '',
    ].join('\n'),
  );
  return 0;
}

function remove(dir: string): number {
  const target = shimPath(dir);
  if (!existsSync(target)) throw new DbgError('E_USAGE', `no shim in ${dir} (nothing to remove)`);
  if (!isOurShim(target)) throw new DbgError('E_USAGE', `${target} is not a codex-dbg shim; left alone`);
  rmSync(target);
  const sessions = join(dir, 'sessions');
  const files = existsSync(sessions) ? readdirSync(sessions) : [];
  // A recording's index (.idx) is part of it, not another recording.
  const kept = files.filter((name) => !name.endsWith('.idx')).length;
  if (existsSync(sessions) && files.length === 0) rmdirSync(sessions);
  process.stdout.write(`removed ${target}${kept ? `; kept ${kept} recording${kept === 1 ? '' : 's'} in ${sessions}` : ''}\n`);
  return 0;
}

/** How to run this codex-dbg again: the binary alone, or the runtime with this script. */
function selfCommand(): string[] {
  const script = process.argv[1];
  const isScript = script !== undefined && script !== process.execPath && /\.(m?js|cjs|ts)$/.test(script) && existsSync(script);
  if (!isScript) return [process.execPath];
  if ('Deno' in globalThis) return [process.execPath, 'run', '--allow-env', '--allow-read', '--allow-write', '--allow-run', resolve(script)];
  return [process.execPath, resolve(script)];
}

const shQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function unixShim(dir: string, codex: string): string {
  const self = selfCommand().map(shQuote).join(' ');
  const sessions = shQuote(join(dir, 'sessions'));
  return `#!/bin/sh
# ${MARKER}: \`codex-dbg shim remove ${dir}\` removes it.
# codex app-server runs through codex-dbg tap (recorded in ${join(dir, 'sessions')}); anything else runs the real codex.
for arg in "$@"; do
  if [ "$arg" = app-server ]; then
    mkdir -p ${sessions}
    exec ${self} tap --record ${sessions}/"$(date +%Y%m%dT%H%M%S)-$$.jsonl" -- ${shQuote(codex)} "$@"
  fi
done
exec ${shQuote(codex)} "$@"
`;
}

function windowsShim(dir: string, codex: string): string {
  const self = selfCommand().map((part) => `"${part}"`).join(' ');
  const sessions = join(dir, 'sessions');
  return `@echo off\r
rem ${MARKER}: "codex-dbg shim remove ${dir}" removes it.\r
if not exist "${sessions}" mkdir "${sessions}"\r
${self} tap --record "${sessions}\\%RANDOM%%RANDOM%.jsonl" -- "${codex}" %*\r
`;
}
