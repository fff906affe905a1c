// npm run bench: measures codex-dbg against references in the same run and writes BENCHMARKS.md.
// Runs under bun (it starts the scripted model, which is TypeScript); every measured process is `node`
// or a built binary, started with its stdout to /dev/null unless the figure needs it.
//   BENCH_QUICK=1 npm run bench     smaller counts, for a quick look
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { x } from 'tinyexec';
import { locateCodex } from '../src/core/locate-codex.ts';
import { startScriptedWorld } from '../src/scripted-world.ts';

const ROOT = resolve(import.meta.dirname, '..');
const QUICK = Boolean(process.env.BENCH_QUICK);
const CLI = join(ROOT, 'dist/codex-dbg.mjs');
const LOAD = join(ROOT, 'scripts/bench/load-server.mjs');
const REF = join(ROOT, 'scripts/bench/reference-reader.mjs');
const BARE = join(ROOT, 'scripts/bench/bare-client.mjs');
const BINARY = join(ROOT, 'dist/bin', `codex-dbg-${process.platform === 'darwin' ? 'macos' : process.platform}-${process.arch}`);
const DENO = join(ROOT, 'node_modules/.bin/deno');
const BUN = join(ROOT, 'node_modules/.bin/bun');
const CODEX = locateCodex({ env: {}, searchRoots: [ROOT] }).path;
const RUNS = QUICK ? 3 : 5;
const MESSAGES = QUICK ? 200_000 : 1_000_000;
const ROUNDTRIPS = QUICK ? 20_000 : 100_000;
const GIGABYTE_MESSAGES = QUICK ? 1_000_000 : 5_000_000; // × ~215 bytes
const TURNS = QUICK ? 10 : 30;

const log = (text: string) => process.stderr.write(`${text}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

interface Measured {
  ms: number;
  peakRssMb: number;
  stdout: string;
}

/** Runs a command to completion; wall time, peak RSS (VmHWM, polled) and stdout unless sent to /dev/null. */
function measure(command: string, args: string[], options: { env?: Record<string, string>; stdin?: string; devNull?: boolean } = {}): Promise<Measured> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const stdout = options.devNull ? openSync('/dev/null', 'w') : 'pipe';
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['pipe', stdout, 'ignore'] });
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    let peak = 0;
    const poll = setInterval(() => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (match) peak = Math.max(peak, Number(match[1]));
      } catch {
        // exited between polls
      }
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

async function medianOf(runs: number, run: () => Promise<Measured>): Promise<Measured> {
  const results: Measured[] = [];
  for (let i = 0; i < runs; i++) results.push(await run());
  const ms = median(results.map((r) => r.ms));
  return { ms, peakRssMb: median(results.map((r) => r.peakRssMb)), stdout: results[0].stdout };
}

const sections: string[] = [];
const verdicts: string[] = [];
const verdict = (met: boolean, text: string) => verdicts.push(`- ${met ? 'met' : '**missed**'}: ${text}`);

// 1. Throughput
{
  log(`throughput: ${MESSAGES} deltas, ${RUNS} runs each`);
  const env = { LOAD_COUNT: String(MESSAGES), LOAD_MODE: 'flood' };
  const minimal = await medianOf(RUNS, () => measure('node', [REF, LOAD], { env: { ...env, REF: 'minimal' }, devNull: true }));
  const readline = await medianOf(RUNS, () => measure('node', [REF, LOAD], { env: { ...env, REF: 'readline' }, devNull: true }));
  const raw = await medianOf(RUNS, () => measure('node', [CLI, '--codex-bin', LOAD, '--format', 'raw'], { env, stdin: 'go\n', devNull: true }));
  const final = await medianOf(RUNS, () => measure('node', [CLI, '--codex-bin', LOAD, '--format', 'final'], { env, stdin: 'go\n', devNull: true }));
  const rate = (m: Measured) => Math.round(MESSAGES / (m.ms / 1000));
  const rows = [
    ['minimal reader (reference)', minimal],
    ['node:readline reader (reference)', readline],
    ['codex-dbg --format raw', raw],
    ['codex-dbg --format final', final],
  ] as const;
  sections.push(
    `## Throughput: ${MESSAGES.toLocaleString('en')} item/agentMessage/delta (~215 bytes each), then turn/completed, stdout to /dev/null\n\n` +
      '| reader | wall (median) | messages/s | vs minimal |\n|---|---|---|---|\n' +
      rows.map(([name, m]) => `| ${name} | ${round(m.ms / 1000)} s | ${rate(m).toLocaleString('en')} | ${round(minimal.ms / m.ms)} |`).join('\n'),
  );
  verdict(minimal.ms / raw.ms >= 0.8, `raw at least 0.8 of the minimal reader: ${round(minimal.ms / raw.ms)}`);
  verdict(raw.ms < readline.ms, `raw ahead of the readline reader: ${round(readline.ms / raw.ms)}× its speed`);
}

// 2. Server-request round trip
{
  log(`round trip: ${ROUNDTRIPS} approvals`);
  const dir = mkdtempSync(join(tmpdir(), 'codex-dbg-bench-'));
  const run = async (command: string[], name: string) => {
    const out = join(dir, `${name}.json`);
    const m = await measure('node', command, { env: { LOAD_MODE: 'roundtrip', LOAD_COUNT: String(ROUNDTRIPS), LOAD_OUT: out, REF: 'echo' }, stdin: 'go\n', devNull: true });
    return { ...JSON.parse(readFileSync(out, 'utf8')), ms: m.ms } as { p50: number; p99: number; max: number; ms: number };
  };
  const echo = await run([REF, LOAD], 'echo');
  const dbg = await run([CLI, '--codex-bin', LOAD, '--auto-approve', '--format', 'raw'], 'dbg');
  rmSync(dir, { recursive: true, force: true });
  sections.push(
    `## Server-request round trip: ${ROUNDTRIPS.toLocaleString('en')} command approvals, each sent when the previous reply arrived (timed by the server)\n\n` +
      '| client | p50 | p99 | max | p99 vs echo |\n|---|---|---|---|---|\n' +
      `| echo reference (answers inline) | ${round(echo.p50, 3)} ms | ${round(echo.p99, 3)} ms | ${round(echo.max, 1)} ms | 1 |\n` +
      `| codex-dbg --auto-approve | ${round(dbg.p50, 3)} ms | ${round(dbg.p99, 3)} ms | ${round(dbg.max, 1)} ms | ${round(dbg.p99 / echo.p99)} |`,
  );
  verdict(dbg.p99 < 2, `round-trip p99 under 2 ms: ${round(dbg.p99, 3)} ms`);
}

// 3. Memory
{
  log(`memory: ${GIGABYTE_MESSAGES} deltas (~${Math.round((GIGABYTE_MESSAGES * 215) / 1e9 * 100) / 100} GB), and one 64 MB line`);
  const flood = { LOAD_COUNT: String(GIGABYTE_MESSAGES), LOAD_MODE: 'flood' };
  const reference = await measure('node', [REF, LOAD], { env: { ...flood, REF: 'minimal' }, devNull: true });
  const big = await measure('node', [CLI, '--codex-bin', LOAD, '--format', 'raw'], { env: flood, stdin: 'go\n', devNull: true });
  const small = await measure('node', [CLI, '--codex-bin', LOAD, '--format', 'raw'], { env: { ...flood, LOAD_COUNT: String(GIGABYTE_MESSAGES / 100) }, stdin: 'go\n', devNull: true });
  const huge = await measure('node', [CLI, '--codex-bin', LOAD, '--format', 'raw'], { env: { LOAD_COUNT: '100000', LOAD_MODE: 'huge', LOAD_HUGE_MB: '64' }, stdin: 'go\n', devNull: true });
  const hugeReference = await measure('node', [REF, LOAD], { env: { LOAD_COUNT: '100000', LOAD_MODE: 'huge', LOAD_HUGE_MB: '64', REF: 'minimal' }, devNull: true });
  const hugeFinal = await measure('node', [CLI, '--codex-bin', LOAD, '--format', 'final'], { env: { LOAD_COUNT: '100000', LOAD_MODE: 'huge', LOAD_HUGE_MB: '64' }, stdin: 'go\n', devNull: true });
  sections.push(
    '## Memory: peak RSS (VmHWM) of the codex-dbg process, stdout to /dev/null\n\n' +
      '| stream | peak RSS |\n|---|---|\n' +
      `| minimal reader (reference), ${GIGABYTE_MESSAGES.toLocaleString('en')} deltas | ${reference.peakRssMb} MB |\n` +
      `| codex-dbg raw, ${(GIGABYTE_MESSAGES / 100).toLocaleString('en')} deltas | ${small.peakRssMb} MB |\n` +
      `| codex-dbg raw, ${GIGABYTE_MESSAGES.toLocaleString('en')} deltas (100× more) | ${big.peakRssMb} MB |\n` +
      `| minimal reader (reference), 100,000 deltas and one 64 MB line | ${hugeReference.peakRssMb} MB |\n` +
      `| codex-dbg raw, 100,000 deltas and one 64 MB line | ${huge.peakRssMb} MB |\n` +
      `| codex-dbg final, 100,000 deltas and one 64 MB line | ${hugeFinal.peakRssMb} MB |`,
  );
  verdict(big.peakRssMb < 100, `peak RSS under 100 MB while ~1 GB streams: ${big.peakRssMb} MB (${round(big.peakRssMb / small.peakRssMb)}× the 100× smaller stream)`);
  verdict(
    huge.peakRssMb < 100 + 3 * 64,
    `with one 64 MB line under 100 MB + 3 × 64 MB = 292 MB: ${huge.peakRssMb} MB (raw), ${hugeFinal.peakRssMb} MB (final); the minimal reader needs ${hugeReference.peakRssMb} MB for the same stream`,
  );
}

// 4. Startup
{
  log('startup');
  const runtimes: [string, string, string[]][] = [
    ['node -e 0 (reference)', 'node', ['-e', '0']],
    ['Node bundle (dist/codex-dbg.mjs)', 'node', [CLI]],
    ['Deno (src/cli.ts)', DENO, ['run', '--allow-env', '--allow-read', '--allow-write', '--allow-run', '--allow-net=127.0.0.1', join(ROOT, 'src/cli.ts')]],
    ['Bun (src/cli.ts)', BUN, [join(ROOT, 'src/cli.ts')]],
    ...(existsSync(BINARY) ? ([['standalone binary', BINARY, []]] as [string, string, string[]][]) : []),
  ];
  const home = mkdtempSync(join(tmpdir(), 'codex-dbg-bench-home-'));
  const rows: string[] = [];
  const bare = await medianOf(RUNS, () => measure('node', [BARE, CODEX], { env: { BARE_TURNS: '0', CODEX_HOME: home } }));
  for (const [name, command, prefix] of runtimes) {
    const version = await medianOf(RUNS * 2, () => measure(command, name.startsWith('node -e') ? prefix : [...prefix, '--version'], {}));
    const call =
      name.startsWith('node -e')
        ? bare
        : await medianOf(RUNS, () => measure(command, [...prefix, '--codex-bin', CODEX, 'call', 'thread/start', '{}'], { env: { CODEX_HOME: home } }));
    rows.push(`| ${name} | ${Math.round(version.ms)} ms | ${Math.round(call.ms)} ms | ${round(call.ms / bare.ms)} |`);
  }
  rmSync(home, { recursive: true, force: true });
  sections.push(
    '## Startup (median wall time)\n\n`--version`, and spawn → `initialize` → `thread/start` reply against the real codex (`codex-dbg call thread/start {}`; the reference row is `bare-client.mjs` doing the same with nothing else)\n\n' +
      '| runtime | `--version` | to a thread/start reply | vs bare client |\n|---|---|---|---|\n' +
      rows.join('\n'),
  );
}

// 5. Real server: turn latency
{
  log(`real server: ${TURNS} text turns`);
  const world = await startScriptedWorld({ steps: Array.from({ length: TURNS * 2 + 2 }, (_, i) => ({ text: `answer ${i} in a few pieces`, chunks: 4 })) });
  try {
    const bare = JSON.parse((await measure('node', [BARE, CODEX, ...world.overrides], { env: { BARE_TURNS: String(TURNS), ...(world.env as Record<string, string>) } })).stdout) as number[];
    const input = Array.from({ length: TURNS }, (_, i) => `turn ${i}\n`).join('');
    const dbg = await measure('node', [CLI, '--codex-bin', CODEX, ...world.overrides.flatMap((kv) => ['-c', kv]), '--format', 'jsonl'], { env: world.env as Record<string, string>, stdin: input });
    const entries = dbg.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const starts = entries.filter((e) => e.dir === 'out' && e.message.method === 'turn/start').map((e) => e.at);
    const ends = entries.filter((e) => e.dir === 'in' && e.message.method === 'turn/completed').map((e) => e.at);
    const latencies = starts.map((start: number, i: number) => ends[i] - start);
    const b = median(bare);
    const d = median(latencies);
    sections.push(
      `## Real server: ${TURNS} text turns on the real codex app-server and the scripted model (turn/start sent → turn/completed received, median)\n\n` +
        '| client | median turn | vs bare |\n|---|---|---|\n' +
        `| bare client (reference) | ${round(b, 1)} ms | 1 |\n| codex-dbg (piped, --format jsonl) | ${round(d, 1)} ms | ${round(d / b, 3)} |`,
    );
    verdict(d / b < 1.05, `turn latency overhead under 5%: ${round((d / b - 1) * 100, 1)}%`);
  } finally {
    await world.dispose();
  }
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const versions = async (command: string, args: string[]) => (await x(command, args, { throwOnError: false })).stdout.trim().split('\n')[0];
const header = `# Benchmarks

Measured by \`npm run bench\` (\`bun scripts/bench.ts\`; \`BENCH_QUICK=1\` for smaller counts) on ${new Date().toISOString().slice(0, 10)}.
Each figure is compared with a reference measured in the same run; the machine is shared and noisy, so
read the ratios, not the absolute numbers.

Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB. Node ${process.versions.node ? (await versions('node', ['--version'])) : ''}, ${await versions(DENO, ['--version'])}, bun ${await versions(BUN, ['--version'])}, codex ${await versions(CODEX, ['--version'])}.
Load comes from \`scripts/bench/load-server.mjs\` (a fake app-server given as \`--codex-bin\`); the references are
\`scripts/bench/reference-reader.mjs\` (minimal, readline, echo) and \`scripts/bench/bare-client.mjs\`.

## Targets

${verdicts.join('\n')}
`;
const notes = readFileSync(join(ROOT, 'scripts/bench/NOTES.md'), 'utf8');
writeFileSync(join(ROOT, 'BENCHMARKS.md'), `${header}\n${sections.join('\n\n')}\n\n${notes}`);
log('wrote BENCHMARKS.md');
