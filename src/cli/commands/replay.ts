// `codex-dbg replay <recording>`: plays a recording through the loaded plugins, no codex needed, and
// compares their answers with the recorded ones (src/recording/replay.ts). Exit 0 when there is no
// difference, 1 otherwise. With --format the session is shown as it would have been.
import { ExitCode } from '../../core/errors.ts';
import { replayRecording } from '../../recording/replay.ts';
import type { CommonOptions } from '../options.ts';
import { prepare } from '../lifecycle.ts';
import { shutdown } from '../shutdown.ts';

export async function replayCommand(file: string, options: CommonOptions): Promise<number> {
  const prepared = await prepare(options, undefined);
  try {
    await prepared.host.setup();
    const { differences } = await replayRecording(file, prepared.host, prepared.output);
    return differences === 0 ? ExitCode.ok : ExitCode.failure;
  } finally {
    await shutdown(prepared, undefined);
  }
}
