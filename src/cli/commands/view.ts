// `codex-dbg view <recording>`: a recording in the inspector page. The file is read in the background (the
// first rows show at once), the page can filter, search and export it; Ctrl-C or SIGTERM stops the server.
import { ExitCode } from '../../core/errors.ts';
import type { SessionView } from '../../ui/session-view.ts';
import { openRecording } from '../../ui/recording-feed.ts';
import { serveInspector, stderrVoice } from '../inspector.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import { openOutput } from '../setup.ts';
import { watchSignals } from '../signals.ts';
import { checkReadableFile } from '../../util/json-file.ts';

export function viewCommand(file: string, options: CommonOptions): Promise<number> {
  return runCommand(options, async (scope) => {
    checkReadableFile(file, `view ${file}`);
    const output = openOutput(scope);
    const recording = await openRecording(file, options.uiSecrets);
    scope.defer('close the recording', () => recording.close());
    const signals = watchSignals(scope, output, { interactive: false });
    await serveInspector(scope, recording.view as SessionView<unknown>, options, stderrVoice(output));
    recording.done.then(
      () => output.stderrLine(`codex-dbg: read ${recording.view.timeline.count.toLocaleString('en')} rows of ${file}${recording.view.endedWith ? `; ${recording.view.endedWith}` : ''}`),
      (error: Error) => output.stderrLine(`codex-dbg: stopped reading ${file}: ${error.message}`),
    );
    output.stderrLine('codex-dbg: Ctrl-C stops the inspector');
    await signals.stop;
    return ExitCode.ok;
  });
}
