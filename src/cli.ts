#!/usr/bin/env node
// The program's entry: run the command line and exit with its code. Everything else is in src/cli/.
// First, before any module reads the environment: under Deno, a missing permission is one line.
import './cli/deno-permissions.ts';
import { main } from './cli/main.ts';
import { reportError } from './cli/lifecycle.ts';

main(process.argv).then(
  async (code) => {
    process.exitCode = code;
    // Let pending writes finish (a slow reader of a pipe must still get the last lines), then leave even
    // if a stray handle (stdin) is still open.
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  },
  async (error) => {
    const code = reportError(error, true);
    process.exitCode = code;
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  },
);

/** Resolves once what was written to `stream` has been handed on, or after a bound (a reader that never reads). */
function flushed(stream: NodeJS.WriteStream, boundMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, boundMs);
    timer.unref();
    stream.write('', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
