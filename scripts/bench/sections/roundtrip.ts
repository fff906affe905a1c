// Server-request round trip: approvals sent one at a time by the load server, which times each answer.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, count, LOAD, log, QUICK, REF, round, measure, type Section } from '../measure.ts';

const ROUNDTRIPS = QUICK ? 20_000 : 100_000;

export const roundtrip: Section = {
  name: 'roundtrip',
  async run() {
    log(`round trip: ${ROUNDTRIPS} approvals`);
    const dir = mkdtempSync(join(tmpdir(), 'codex-dbg-bench-'));
    const run = async (command: string[], name: string) => {
      const out = join(dir, `${name}.json`);
      const m = await measure('node', command, { env: { LOAD_MODE: 'roundtrip', LOAD_COUNT: String(ROUNDTRIPS), LOAD_OUT: out, REF: 'echo' }, stdin: 'go\n', devNull: true });
      return { ...JSON.parse(readFileSync(out, 'utf8')), ms: m.ms } as { p50: number; p99: number; max: number; ms: number };
    };
    try {
      const echo = await run([REF, LOAD], 'echo');
      const dbg = await run([CLI, '--codex-bin', LOAD, '--auto-approve', '--format', 'raw'], 'dbg');
      return {
        markdown:
          `## Server-request round trip: ${count(ROUNDTRIPS)} command approvals, each sent when the previous reply arrived (timed by the server)\n\n` +
          '| client | p50 | p99 | max | p99 vs echo |\n|---|---|---|---|---|\n' +
          `| echo reference (answers inline) | ${round(echo.p50, 3)} ms | ${round(echo.p99, 3)} ms | ${round(echo.max, 1)} ms | 1 |\n` +
          `| codex-dbg --auto-approve | ${round(dbg.p50, 3)} ms | ${round(dbg.p99, 3)} ms | ${round(dbg.max, 1)} ms | ${round(dbg.p99 / echo.p99)} |`,
        verdicts: [{ met: dbg.p99 < 2, text: `round-trip p99 under 2 ms: ${round(dbg.p99, 3)} ms` }],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
