// Throughput: a flood of agent-message deltas from the load server, codex-dbg against minimal readers.
import { CLI, count, LOAD, log, medianOf, QUICK, REF, round, RUNS, type Measured, measure, type Section } from '../measure.ts';

const MESSAGES = QUICK ? 200_000 : 1_000_000;

export const throughput: Section = {
  name: 'throughput',
  async run() {
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
    return {
      markdown:
        `## Throughput: ${count(MESSAGES)} item/agentMessage/delta (~215 bytes each), then turn/completed, stdout to /dev/null\n\n` +
        '| reader | wall (median) | messages/s | vs minimal |\n|---|---|---|---|\n' +
        rows.map(([name, m]) => `| ${name} | ${round(m.ms / 1000)} s | ${count(rate(m))} | ${round(minimal.ms / m.ms)} |`).join('\n'),
      verdicts: [
        { met: minimal.ms / raw.ms >= 0.8, text: `raw at least 0.8 of the minimal reader: ${round(minimal.ms / raw.ms)}` },
        { met: raw.ms < readline.ms, text: `raw ahead of the readline reader: ${round(readline.ms / raw.ms)}× its speed` },
      ],
    };
  },
};
