// `codex-dbg call <method> [json-params]`: initialize, send one client request, print its result as JSON
// on stdout (exit 0) or its error on stderr (exit 1). The params are checked before anything is spawned
// (no JSON: {}, or nothing for a method that takes no params); formatted traffic (--format) goes to stderr
// so stdout holds the result alone. The error's message is cut to its first line unless --debug.
import { ExitCode, RpcError } from '../../core/errors.ts';
import { paramsFor } from '../../codex/params.ts';
import { serverMessageText } from '../../codex/rpc-errors.ts';
import { runCommand } from '../lifecycle.ts';
import type { CommonOptions } from '../options.ts';
import { openOutput, startSession } from '../setup.ts';

export function callCommand(method: string, json: string | undefined, options: CommonOptions): Promise<number> {
  return runCommand(options, async (scope) => {
    const params = paramsFor(`call ${method}`, method, json);
    const output = openOutput(scope, process.stderr);
    const { live, validation } = await startSession(scope, options, { output, defaultFormat: undefined });
    const exit = (code: number) => validation?.exitCode(code) ?? code;
    try {
      const result = await live.connection.request(method, params);
      await output.end();
      await new Promise((resolve) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`, resolve));
      return exit(ExitCode.ok);
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      const message = serverMessageText(error, options.debug);
      process.stderr.write(`${JSON.stringify({ error: { code: error.rpcCode, message, data: error.data } })}\n`);
      return exit(ExitCode.failure);
    }
  });
}
