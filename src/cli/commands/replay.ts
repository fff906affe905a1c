// `codex-dbg replay <recording>`: plays a recording through the loaded plugins, no codex needed, and
// compares their answers with the recorded ones (src/recording/replay.ts). Exit 0 when there is no
// difference, 1 otherwise. With --format the session is shown as it would have been. With --validate every
// message shown (recorded and replayed) is checked against the schema of the codex codex-dbg would use.
import { ExitCode } from '../../core/errors.ts';
import { readHeader } from '../../recording/reader.ts';
import { replayRecording } from '../../recording/replay.ts';
import { locateCodex } from '../../transports/locate-codex.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import { loadPluginSet, openOutput, startPlugins, useColor } from '../setup.ts';
import { startValidation } from '../validation.ts';
import { checkReadableFile } from '../../util/json-file.ts';

export function replayCommand(file: string, options: CommonOptions): Promise<number> {
  return runCommand(options, async (scope) => {
    checkReadableFile(file, `replay ${file}`);
    await readHeader(file); // a missing or foreign file is a usage error before any plugin starts
    const set = await loadPluginSet(options, undefined);
    const output = openOutput(scope);
    const host = await startPlugins(scope, set, options, { output, color: useColor(options) });
    const validation =
      options.validate === 'off' ? undefined : await startValidation(scope, options, () => locateCodex({ codexBin: options.codexBin }).path, { log: (text) => output.stderrLine(text) });
    const checked = {
      answerWithSource: host.answerWithSource.bind(host),
      observe: (entry: Parameters<typeof host.observe>[0]) => {
        validation?.observe(entry);
        return host.observe(entry);
      },
    };
    const { differences } = await replayRecording(file, checked, {
      write: (text) => output.stdout(text),
      drain: () => output.drain(),
      line: (text) => output.stderrLine(text),
    });
    const code = differences === 0 ? ExitCode.ok : ExitCode.failure;
    return validation?.exitCode(code) ?? code;
  });
}
