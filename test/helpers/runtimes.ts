// How each runtime runs codex-dbg, for the end-to-end tests that repeat a session in every one: the
// standalone binary, Deno and Bun on the source (Node runs the bundle, see world.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './world.ts';

export const BINARY = join(ROOT, 'dist', 'bin', `codex-dbg-${process.platform === 'darwin' ? 'macos' : process.platform}-${process.arch}`);
// CI builds the binaries before the tests; elsewhere these tests need `npm run build:bin` first.
export const haveBinary = existsSync(BINARY) || Boolean(process.env.CI);

export const RUNTIMES: [string, string[]][] = [
  ['standalone binary', [BINARY]],
  ['deno', [join(ROOT, 'node_modules/.bin/deno'), 'run', '--allow-env', '--allow-read', '--allow-write', '--allow-run', '--allow-net=127.0.0.1', join(ROOT, 'src/cli.ts')]],
  ['bun', [join(ROOT, 'node_modules/.bin/bun'), join(ROOT, 'src/cli.ts')]],
];
