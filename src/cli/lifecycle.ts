// One lifecycle for every command (the citty idea): the body sets things up in order, registering a cleanup
// for each as it goes; the cleanups always run, in reverse, also after an error or a signal. An error
// reaches the user as one line with its code (and the server's stderr tail), and becomes the exit code.
import { RpcError, toDbgError, type DbgError } from '../core/errors.ts';
import { rpcErrorText } from '../codex/rpc-errors.ts';
import { denoPermissionError } from './deno-permissions.ts';

interface Cleanup {
  what: string;
  run(): unknown;
}

export class Scope {
  private readonly cleanups: Cleanup[] = [];

  /** Registers `run` to undo something just set up; `what` names it if the cleanup itself fails. */
  defer(what: string, run: () => unknown): void {
    this.cleanups.push({ what, run });
  }

  /** Runs every cleanup, last first; one that fails is reported and the rest still run. */
  async close(): Promise<void> {
    for (let cleanup = this.cleanups.pop(); cleanup; cleanup = this.cleanups.pop()) {
      try {
        await cleanup.run();
      } catch (error) {
        process.stderr.write(`codex-dbg: cleanup failed (${cleanup.what}): ${toDbgError(error).message}\n`);
      }
    }
  }
}

/** Runs a command body in a scope; resolves with its exit code, or the error's. */
export async function runCommand(options: { debug: boolean }, body: (scope: Scope) => Promise<number>): Promise<number> {
  const scope = new Scope();
  try {
    return await body(scope);
  } catch (error) {
    return reportError(error, options.debug);
  } finally {
    await scope.close();
  }
}

/** An error's message as shown: a server's error reply cut to its first line (all of it with --debug). */
export function errorMessage(error: DbgError, debug: boolean): string {
  return error instanceof RpcError ? rpcErrorText(error, debug) : error.message;
}

/** One clear line on stderr (then its details, such as the server's stderr tail); the stack only with --debug. */
export function reportError(reported: unknown, debug: boolean, exitCode?: number): number {
  // Under Deno, a permission refused anywhere (also wrapped in another error) is the line naming the flag.
  const error = denoPermissionError(reported) ?? reported;
  const dbgError = toDbgError(error);
  const lines = [`codex-dbg: error [${dbgError.code}]: ${errorMessage(dbgError, debug)}`, ...dbgError.details];
  if (debug && error instanceof Error && error.stack) lines.push(error.stack);
  if (debug && dbgError.cause instanceof Error && dbgError.cause.stack) lines.push(`caused by: ${dbgError.cause.stack}`);
  process.stderr.write(`${lines.join('\n')}\n`);
  return exitCode ?? dbgError.exitCode;
}
