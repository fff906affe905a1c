// `codex-dbg stats <recording>`: one screen on what happened in a recorded session (src/recording/stats.ts),
// or with --json the same as one JSON object for scripts. Reads the recording as a stream; no codex needed.
import { DbgError, ExitCode } from '../../core/errors.ts';
import { collectStats } from '../../recording/stats.ts';
import { formatStats } from '../../recording/stats-report.ts';

export async function statsCommand(file: string, options: { json: boolean; top?: unknown }): Promise<number> {
  const top = options.top === undefined ? 10 : Number(options.top);
  if (!Number.isInteger(top) || top < 1) throw new DbgError('E_USAGE', `--top ${String(options.top)}: expected a whole number above 0`);
  const stats = await collectStats(file, { top });
  const text = options.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats);
  await new Promise((resolve) => process.stdout.write(text, resolve));
  return ExitCode.ok;
}
