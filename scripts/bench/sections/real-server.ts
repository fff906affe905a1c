// Real server: text turns on the real codex app-server and the scripted model, codex-dbg against a bare client.
import { CLI, CODEX, BARE, log, median, QUICK, round, measure, type Section } from '../measure.ts';
import { startScriptedWorld } from '../../../src/scripted/world.ts';

const TURNS = QUICK ? 10 : 30;

export const realServer: Section = {
  name: 'real-server',
  async run() {
    log(`real server: ${TURNS} text turns`);
    const world = await startScriptedWorld({ steps: Array.from({ length: TURNS * 2 + 2 }, (_, i) => ({ text: `answer ${i} in a few pieces`, chunks: 4 })) });
    try {
      const env = world.env as Record<string, string>;
      const bare = JSON.parse((await measure('node', [BARE, CODEX, ...world.overrides], { env: { BARE_TURNS: String(TURNS), ...env } })).stdout) as number[];
      const input = Array.from({ length: TURNS }, (_, i) => `turn ${i}\n`).join('');
      const dbg = await measure('node', [CLI, '--codex-bin', CODEX, ...world.overrides.flatMap((kv) => ['-c', kv]), '--format', 'jsonl'], { env, stdin: input });
      const entries = dbg.stdout.trim().split('\n').map((line) => JSON.parse(line));
      const starts = entries.filter((e) => e.dir === 'out' && e.message.method === 'turn/start').map((e) => e.at);
      const ends = entries.filter((e) => e.dir === 'in' && e.message.method === 'turn/completed').map((e) => e.at);
      const latencies = starts.map((start: number, i: number) => ends[i] - start);
      const b = median(bare);
      const d = median(latencies);
      return {
        markdown:
          `## Real server: ${TURNS} text turns on the real codex app-server and the scripted model (turn/start sent → turn/completed received, median)\n\n` +
          '| client | median turn | vs bare |\n|---|---|---|\n' +
          `| bare client (reference) | ${round(b, 1)} ms | 1 |\n| codex-dbg (piped, --format jsonl) | ${round(d, 1)} ms | ${round(d / b, 3)} |`,
        verdicts: [{ met: d / b < 1.05, text: `turn latency overhead under 5%: ${round((d / b - 1) * 100, 1)}%` }],
      };
    } finally {
      await world.dispose();
    }
  },
};
