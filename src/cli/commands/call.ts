// `codex-dbg call <method> [json-params]`: initialize, send one client request, print its result as JSON
// on stdout (exit 0) or its error on stderr (exit 1). The params are checked before anything is spawned;
// formatted traffic (--format) goes to stderr so stdout holds the result alone.
import { ExitCode, RpcError } from '../../core/errors.ts';
import { parseParamsJson } from '../../codex/params.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import { openOutput, startSession } from '../setup.ts';

export function callCommand(method: string, json: string | undefined, options: CommonOptions): Promise<number> {
  return runCommand(options, async (scope) => {
    const params = parseParamsJson(`call ${method}`, json);
    const output = openOutput(scope, process.stderr);
    const { live } = await startSession(scope, options, { output, defaultFormat: undefined });
    try {
      const result = await live.connection.request(method, params);
      await output.end();
      await new Promise((resolve) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`, resolve));
      return ExitCode.ok;
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      process.stderr.write(`${JSON.stringify({ error: { code: error.rpcCode, message: error.serverMessage, data: error.data } })}\n`);
      return ExitCode.failure;
    }
  });
}
