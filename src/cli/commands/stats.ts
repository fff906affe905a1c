// `codex-dbg stats <recording>`: one screen on what happened in a recorded session (src/recording/stats.ts),
// or with --json the same as one JSON object for scripts. Reads the recording as a stream; no codex needed.
import { ExitCode, usageError } from '../../core/errors.ts';
import { collectStats } from '../../recording/stats.ts';
import { formatStats } from '../../recording/stats-report.ts';
import { runCommand } from '../lifecycle.ts';
import { openOutput } from '../setup.ts';

export interface StatsOptions {
  json: boolean;
  /** --top as given: how many methods to list. */
  top?: unknown;
  debug: boolean;
}

export function statsCommand(file: string, options: StatsOptions): Promise<number> {
  return runCommand(options, async (scope) => {
    const top = options.top === undefined ? 10 : Number(options.top);
    if (!Number.isInteger(top) || top < 1) throw usageError(`--top ${String(options.top)}: expected a whole number above 0`);
    const output = openOutput(scope);
    const stats = await collectStats(file, { top }); // problems reading it are part of the report
    output.stdout(options.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats));
    return ExitCode.ok;
  });
}
