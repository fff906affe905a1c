// What every benchmark section shares: the paths it measures, and a way to run a command to completion
// with its wall time and peak memory. Every measured process is `node` or a built binary.
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { locateCodex } from '../../src/transports/locate-codex.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const QUICK = Boolean(process.env.BENCH_QUICK);
export const RUNS = QUICK ? 3 : 5;
export const CLI = join(ROOT, 'dist/codex-dbg.mjs');
export const LOAD = join(ROOT, 'scripts/bench/load-server.mjs');
export const REF = join(ROOT, 'scripts/bench/reference-reader.mjs');
export const BARE = join(ROOT, 'scripts/bench/bare-client.mjs');
export const BINARY = join(ROOT, 'dist/bin', `codex-dbg-${process.platform === 'darwin' ? 'macos' : process.platform}-${process.arch}`);
export const DENO = join(ROOT, 'node_modules/.bin/deno');
export const BUN = join(ROOT, 'node_modules/.bin/bun');
export const CODEX = locateCodex({ env: {}, searchRoots: [ROOT] }).path;

export const log = (text: string) => process.stderr.write(`${text}\n`);
export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
export const round = (value: number, digits = 2) => Number(value.toFixed(digits));
export const count = (n: number) => n.toLocaleString('en');

export interface Measured {
  ms: number;
  peakRssMb: number;
  stdout: string;
}

/** One section of BENCHMARKS.md: its markdown, and one line per target it checks. */
export interface SectionResult {
  markdown: string;
  verdicts: { met: boolean; text: string }[];
}

export interface Section {
  /** Short name, for `npm run bench -- <name>`. */
  name: string;
  run(): Promise<SectionResult>;
}

/** Runs a command to completion; wall time, peak RSS (VmHWM, polled) and stdout unless sent to /dev/null. */
export function measure(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; stdin?: string; devNull?: boolean; cwd?: string } = {},
): Promise<Measured> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const stdout = options.devNull ? openSync('/dev/null', 'w') : 'pipe';
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ['pipe', stdout, 'ignore'] });
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    let peak = 0;
    const poll = setInterval(() => {
      peak = Math.max(peak, peakRssKb(child.pid));
    }, 20);
    child.stdin?.end(options.stdin ?? '');
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited ${code}`));
      resolvePromise({ ms: performance.now() - started, peakRssMb: round(peak / 1024, 1), stdout: out });
    });
  });
}

/** VmHWM of a live process in kB; 0 once it has exited. */
export function peakRssKb(pid: number | undefined): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

export async function medianOf(runs: number, run: () => Promise<Measured>): Promise<Measured> {
  const results: Measured[] = [];
  for (let i = 0; i < runs; i++) results.push(await run());
  const ms = median(results.map((r) => r.ms));
  return { ms, peakRssMb: median(results.map((r) => r.peakRssMb)), stdout: results[0].stdout };
}
