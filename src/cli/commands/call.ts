// `codex-dbg call <method> [json-params]`: initialize, send one client request, print its result as JSON
// on stdout (exit 0) or its error on stderr (exit 1). The params are checked before anything is spawned
// (no JSON: {}, or nothing for a method that takes no params); formatted traffic (--format) goes to stderr
// so stdout holds the result alone. A result too deep to indent is printed compactly. The error's message is
// cut to its first line unless --debug. Ctrl-C or SIGTERM stops the server before exiting.
import { ExitCode, RpcError } from '../../core/errors.ts';
import { toJson } from '../../core/json.ts';
import { paramsFor } from '../../codex/params.ts';
import { serverMessageText } from '../../codex/rpc-errors.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import { openOutput, startSession } from '../setup.ts';
import { watchSignals } from '../signals.ts';

export function callCommand(method: string, json: string | undefined, options: CommonOptions): Promise<number> {
  return runCommand(options, async (scope) => {
    const params = paramsFor(`call ${method}`, method, json);
    const output = openOutput(scope, process.stderr);
    const signals = watchSignals(scope, output, { interactive: false });
    const { live, validation } = await startSession(scope, options, { output, defaultFormat: undefined });
    signals.attach(live.session, live.transport);
    const exit = (code: number) => validation?.exitCode(code) ?? code;
    try {
      const outcome = await Promise.race([
        live.connection.request(method, params).then((result) => ({ result })),
        signals.stop.then((code) => ({ code })),
      ]);
      if ('code' in outcome) return outcome.code;
      await output.end();
      await new Promise((resolve) => process.stdout.write(`${toJson(outcome.result, 2)}\n`, resolve));
      return exit(ExitCode.ok);
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      const message = serverMessageText(error, options.debug);
      process.stderr.write(`${toJson({ error: { code: error.rpcCode, message, data: error.data } })}\n`);
      return exit(ExitCode.failure);
    }
  });
}
