// The ways codex-dbg runs, for tests that drive the same thing through each: the npm bundle on this
// machine's Node (20) and on Node 22, the standalone binary, Deno and Bun on the source.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hostTarget, NODE_VERSION } from '../../scripts/targets.mjs';
import { CLI, ROOT } from './world.ts';

const host = hostTarget() as { name: string; nodeOs: string; arch: string; exe: boolean } | undefined;

/** dist/bin/codex-dbg-<os>-<arch>, built by `npm run build:bin` (CI builds it before the tests). */
export const BINARY = join(ROOT, 'dist', 'bin', `codex-dbg-${host?.name ?? `${process.platform}-${process.arch}`}${host?.exe ? '.exe' : ''}`);
/**
 * Node 22, the one inside the binary: `npm run build:bin` seeds it from the npm package node-<os>-<arch>
 * into pkg's cache under .pkg-cache/ (the layout is scripts/build-bin.mjs's), so it is there offline.
 */
export const NODE22 = host
  ? join(ROOT, '.pkg-cache', 'home', '.pkg-cache', 'sea', `node-v${NODE_VERSION}-${host.nodeOs}-${host.arch}`, 'bin', host.exe ? 'node.exe' : 'node')
  : '';

// CI builds the binaries (and so seeds Node 22) before the tests; elsewhere these need `npm run build:bin`.
export const haveBinary = existsSync(BINARY) || Boolean(process.env.CI);
export const haveNode22 = (NODE22 !== '' && existsSync(NODE22)) || Boolean(process.env.CI);

/** What deno.json's tasks grant. */
export const DENO_FLAGS = ['--allow-env', '--allow-read', '--allow-write', '--allow-run', '--allow-net=127.0.0.1'];
export const DENO = join(ROOT, 'node_modules/.bin/deno');
export const BUN = join(ROOT, 'node_modules/.bin/bun');

export interface Runtime {
  name: string;
  command: string[];
  available: boolean;
}

/** Each way to run the CLI, as a command line before codex-dbg's own arguments. */
export const RUNTIMES: Runtime[] = [
  { name: 'node from PATH (npm bundle)', command: ['node', CLI], available: true },
  { name: 'node 22 (npm bundle)', command: [NODE22, CLI], available: haveNode22 },
  { name: 'standalone binary', command: [BINARY], available: haveBinary },
  { name: 'deno', command: [DENO, 'run', ...DENO_FLAGS, join(ROOT, 'src/cli.ts')], available: true },
  { name: 'bun', command: [BUN, join(ROOT, 'src/cli.ts')], available: true },
];
