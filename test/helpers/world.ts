// One isolated world per end-to-end test: a scripted model on 127.0.0.1, a fresh CODEX_HOME and working
// directory, and a way to run the built CLI against the real codex app-server. Everything is removed after.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { x } from 'tinyexec';
import { locateCodex } from '../../src/transports/locate-codex.ts';
import type { Script, ScriptedModel } from '../../src/scripted/model.ts';
import { startScriptedWorld } from '../../src/scripted/world.ts';

export const ROOT = resolve(import.meta.dirname ?? __dirname, '../..');
export const CLI = join(ROOT, 'dist', 'codex-dbg.mjs');
/** A server that misbehaves on purpose, for the faults the real codex cannot be made to show. */
export const FAKE_SERVER = join(ROOT, 'test', 'helpers', 'fake-server.mjs');
/**
 * The codex under test: $CODEX_DBG_TEST_CODEX (a path; `npm run test:compat` sets it to each older release),
 * else the real codex from the pinned @openai/codex dev dependency.
 */
export const CODEX = process.env.CODEX_DBG_TEST_CODEX || locateCodex({ env: {}, searchRoots: [ROOT] }).path;
/** The version of the codex under test, as `codex --version` says it ("0.169.0"). */
export const CODEX_VERSION = String(execFileSync(CODEX, ['--version'])).trim().split(/\s+/).pop() as string;
/** The pinned codex, whatever CODEX is. */
export const PINNED_CODEX_VERSION = '0.169.0';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
}

export interface World {
  model: ScriptedModel;
  home: string;
  workdir: string;
  env: NodeJS.ProcessEnv;
  /** --codex-bin and the -c overrides that point codex at the scripted model. */
  args: string[];
  run(args: string[], options?: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  dispose(): Promise<void>;
}

const made: string[] = [];
/** Each file that makes temporary directories calls afterAll(removeTempDirs): bun shares this module between files. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  testCache = undefined;
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `codex-dbg-${prefix}-`));
  made.push(dir);
  return dir;
}

/**
 * The user cache the CLI sees in tests (for --validate's schemas): one per test process, never the user's
 * own ~/.cache. Made on first use; removed with the other temporary directories.
 */
let testCache: string | undefined;
export function testCacheHome(): string {
  testCache ??= tempDir('cache');
  return testCache;
}

export async function makeWorld(script: Script): Promise<World> {
  const scripted = await startScriptedWorld(script);
  const workdir = tempDir('work');
  const env = { ...scripted.env, NO_COLOR: '1', RUST_LOG: 'warn', XDG_CACHE_HOME: testCacheHome() };
  const args = ['--codex-bin', CODEX, ...scripted.overrides.flatMap((kv) => ['-c', kv])];
  return {
    model: scripted.model,
    home: scripted.home,
    workdir,
    env,
    args,
    run: (cliArgs, options = {}) => runCli([...cliArgs], { cwd: workdir, env: { ...env, ...options.env }, input: options.input, timeoutMs: options.timeoutMs }),
    async dispose() {
      await scripted.dispose();
      rmSync(workdir, { recursive: true, force: true });
    },
  };
}

/** Runs the built CLI with `node` from PATH (never process.execPath: under bun that is bun). */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const result = await x('node', [CLI, ...args], {
    timeout: options.timeoutMs ?? 45_000,
    throwOnError: false,
    stdin: options.input ?? '',
    nodeOptions: { cwd: options.cwd ?? ROOT, env: options.env ?? process.env },
  });
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
}

/** One line of `--format jsonl` output. */
// biome-ignore lint: message fields are whatever the server sent
export type Entry = { dir: 'in' | 'out'; kind: string; message: { id?: number; method?: string; params?: any; result?: any; error?: any } };

/** The whole lines of a file that may be mid-write: a last line still being written is left for later. */
export function wholeLines(text: string): string {
  return text.slice(0, text.lastIndexOf('\n') + 1);
}

/** Parses JSON Lines output, skipping nothing: a bad line fails the test. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/** Whether a process (by pid) is still alive. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it returns something other than undefined, or fails after timeoutMs. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
