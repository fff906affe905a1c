// WebSocket: a flood of agent-message deltas over ws from a fast fake server, codex-dbg --connect against
// a minimal reader built on the same WebSocket library, in the same run; and codex-dbg's peak memory.
// The two readers take turns (reference, codex-dbg, reference, …) so that a burst of load from whoever
// else shares the machine falls on both alike; their CPU time is shown beside the wall time for the same
// reason.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { CLI, count, log, median, QUICK, ROOT, round, RUNS, type Measured, measure, type Section } from '../measure.ts';

const MESSAGES = QUICK ? 200_000 : 1_000_000;
const LOAD = `${ROOT}/scripts/bench/ws-load-server.mjs`;
const REF = `${ROOT}/scripts/bench/ws-reference-reader.mjs`;
/** Linux counts CPU time in clock ticks of 10 ms (USER_HZ is 100 on every architecture Node runs on). */
const TICK_MS = 10;

interface Timed extends Measured {
  /** User + system CPU time of the measured process. */
  cpuMs: number;
}

/** Starts the ws load server; resolves with its URL and a way to stop it. */
function startLoadServer(): Promise<{ url: string; stop(): void }> {
  const child = spawn('node', [LOAD], { env: { ...process.env, WS_LOAD_COUNT: String(MESSAGES) }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    createInterface({ input: child.stdout }).once('line', (port) => resolve({ url: `ws://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') }));
  });
}

/** CPU time of this process's waited-for children so far (cutime + cstime of /proc/self/stat), in ms. */
function childrenCpuMs(): number {
  // The command name, in parentheses, may hold spaces: count fields after its closing parenthesis.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

/** measure(), and the CPU time the command used: the only child reaped meanwhile is the measured one. */
async function measureCpu(...args: Parameters<typeof measure>): Promise<Timed> {
  const before = childrenCpuMs();
  const measured = await measure(...args);
  return { ...measured, cpuMs: childrenCpuMs() - before };
}

const medians = (runs: Timed[]) => ({
  ms: median(runs.map((r) => r.ms)),
  cpuMs: median(runs.map((r) => r.cpuMs)),
  peakRssMb: median(runs.map((r) => r.peakRssMb)),
});

export const websocket: Section = {
  name: 'websocket',
  async run() {
    log(`websocket: ${MESSAGES} deltas over ws, ${RUNS} runs each, taking turns`);
    const server = await startLoadServer();
    const referenceRuns: Timed[] = [];
    const rawRuns: Timed[] = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        referenceRuns.push(await measureCpu('node', [REF, server.url], { devNull: true }));
        rawRuns.push(await measureCpu('node', [CLI, '--connect', server.url, '--format', 'raw'], { stdin: 'go\n', devNull: true }));
      }
    } finally {
      server.stop();
    }
    const reference = medians(referenceRuns);
    const raw = medians(rawRuns);
    const rate = (m: { ms: number }) => Math.round(MESSAGES / (m.ms / 1000));
    const rows = [
      ['minimal `ws` reader (reference)', reference],
      ['codex-dbg --connect --format raw', raw],
    ] as const;
    const speed = reference.ms / raw.ms;
    return {
      markdown:
        `## WebSocket: ${count(MESSAGES)} item/agentMessage/delta (~215 bytes, one per text frame), then turn/completed, stdout to /dev/null\n\n` +
        'Served by `scripts/bench/ws-load-server.mjs` (handshake and frames by hand, so the server is not the bottleneck); ' +
        'the reference is `scripts/bench/ws-reference-reader.mjs`, built on the same `ws` library. The two take turns, run by run.\n\n' +
        '| reader | wall (median) | messages/s | vs reference | CPU time (median) | vs reference | peak RSS (median) |\n|---|---|---|---|---|---|---|\n' +
        rows
          .map(
            ([name, m]) =>
              `| ${name} | ${round(m.ms / 1000)} s | ${count(rate(m))} | ${round(reference.ms / m.ms)} | ${round(m.cpuMs / 1000)} s | ${round(reference.cpuMs / m.cpuMs)} | ${m.peakRssMb} MB |`,
          )
          .join('\n'),
      verdicts: [
        { met: speed >= 0.8, text: `ws: raw at least 0.8 of the minimal ws reader: ${round(speed)} (CPU time: ${round(reference.cpuMs / raw.cpuMs)})` },
        { met: raw.peakRssMb < 100, text: `ws: peak RSS under 100 MB while ${count(MESSAGES)} messages stream: ${raw.peakRssMb} MB` },
      ],
    };
  },
};
