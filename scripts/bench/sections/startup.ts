// Startup: `--version`, and spawn → initialize → thread/start reply against the real codex, per runtime.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BARE, BINARY, BUN, CLI, CODEX, DENO, log, medianOf, ROOT, round, RUNS, measure, type Section } from '../measure.ts';

export const startup: Section = {
  name: 'startup',
  async run() {
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
    try {
      const bare = await medianOf(RUNS, () => measure('node', [BARE, CODEX], { env: { BARE_TURNS: '0', CODEX_HOME: home } }));
      for (const [name, command, prefix] of runtimes) {
        const isReference = name.startsWith('node -e');
        const version = await medianOf(RUNS * 2, () => measure(command, isReference ? prefix : [...prefix, '--version'], {}));
        const call = isReference
          ? bare
          : await medianOf(RUNS, () => measure(command, [...prefix, '--codex-bin', CODEX, 'call', 'thread/start', '{}'], { env: { CODEX_HOME: home } }));
        rows.push(`| ${name} | ${Math.round(version.ms)} ms | ${Math.round(call.ms)} ms | ${round(call.ms / bare.ms)} |`);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
    return {
      markdown:
        '## Startup (median wall time)\n\n`--version`, and spawn → `initialize` → `thread/start` reply against the real codex (`codex-dbg call thread/start {}`; the reference row is `bare-client.mjs` doing the same with nothing else)\n\n' +
        '| runtime | `--version` | to a thread/start reply | vs bare client |\n|---|---|---|---|\n' +
        rows.join('\n'),
      verdicts: [],
    };
  },
};
