// `codex-dbg call <method> [json-params]`: initialize, send one client request, print its result as JSON
// on stdout (exit 0) or its error on stderr (exit 1). The params are checked before anything is spawned.
import type { Client } from '../connect.ts';
import { DbgError, ExitCode, RpcError } from '../../core/errors.ts';
import type { CommonOptions } from '../options.ts';
import { prepare, startClient } from '../lifecycle.ts';
import { shutdown } from '../shutdown.ts';

export function parseParams(method: string, json: string | undefined): unknown {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new DbgError('E_USAGE', `call ${method}: params are not valid JSON: ${(error as Error).message}`);
  }
}

export async function callCommand(method: string, json: string | undefined, options: CommonOptions): Promise<number> {
  const params = parseParams(method, json);
  const prepared = await prepare(options, undefined, undefined, process.stderr);
  let client: Client | undefined;
  try {
    client = await startClient(options, prepared);
    try {
      const result = await client.connection.request(method, params);
      await prepared.output.end();
      await new Promise((resolve) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`, resolve));
      return ExitCode.ok;
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      process.stderr.write(`${JSON.stringify({ error: { code: error.rpcCode, message: error.serverMessage, data: error.data } })}\n`);
      return ExitCode.failure;
    }
  } finally {
    await shutdown(prepared, client);
  }
}
