// `codex-dbg replay <recording>`: plays a recording through the loaded plugins, no codex needed, and
// compares their answers with the recorded ones (src/recording/replay.ts). Exit 0 when there is no
// difference, 1 otherwise. With --format the session is shown as it would have been.
import { ExitCode } from '../../core/errors.ts';
import { readHeader } from '../../recording/reader.ts';
import { replayRecording } from '../../recording/replay.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import { loadPluginSet, openOutput, startPlugins, useColor } from '../setup.ts';
import { checkReadableFile } from '../../util/json-file.ts';

export function replayCommand(file: string, options: CommonOptions): Promise<number> {
  return runCommand(options, async (scope) => {
    checkReadableFile(file, `replay ${file}`);
    await readHeader(file); // a missing or foreign file is a usage error before any plugin starts
    const set = await loadPluginSet(options, undefined);
    const output = openOutput(scope);
    const host = await startPlugins(scope, set, options, { output, color: useColor(options) });
    const { differences } = await replayRecording(file, host, {
      write: (text) => output.stdout(text),
      drain: () => output.drain(),
      line: (text) => output.stderrLine(text),
    });
    return differences === 0 ? ExitCode.ok : ExitCode.failure;
  });
}
