// `codex-dbg call <method> [json-params]`: initialize, send one client request, print its result as JSON
// on stdout (exit 0) or its error on stderr (exit 1). The params are checked before anything is spawned;
// formatted traffic (--format) goes to stderr so stdout holds the result alone. A result too deep to indent
// is printed compactly; Ctrl-C or SIGTERM stops the server before exiting.
import { ExitCode, RpcError } from '../../core/errors.ts';
import { toJson } from '../../core/json.ts';
import { parseParamsJson } from '../../codex/params.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import { openOutput, startSession } from '../setup.ts';
import { watchSignals } from '../signals.ts';

export function callCommand(method: string, json: string | undefined, options: CommonOptions): Promise<number> {
  return runCommand(options, async (scope) => {
    const params = parseParamsJson(`call ${method}`, json);
    const output = openOutput(scope, process.stderr);
    const signals = watchSignals(scope, output, { interactive: false });
    const { live } = await startSession(scope, options, { output, defaultFormat: undefined });
    signals.attach(live.session, live.transport);
    try {
      const outcome = await Promise.race([
        live.connection.request(method, params).then((result) => ({ result })),
        signals.stop.then((code) => ({ code })),
      ]);
      if ('code' in outcome) return outcome.code;
      await output.end();
      await new Promise((resolve) => process.stdout.write(`${toJson(outcome.result, 2)}\n`, resolve));
      return ExitCode.ok;
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      process.stderr.write(`${toJson({ error: { code: error.rpcCode, message: error.serverMessage, data: error.data } })}\n`);
      return ExitCode.failure;
    }
  });
}
