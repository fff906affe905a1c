#!/usr/bin/env node
// The program's entry: run the command line and exit with its code. Everything else is in src/cli/.
// First, before any module reads the environment: under Deno, a missing permission is one line.
import './cli/deno-permissions.ts';
import { main } from './cli/main.ts';
import { reportError } from './cli/lifecycle.ts';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    // Let pending writes finish, then leave even if a stray handle (stdin) is still open.
    setImmediate(() => process.exit(code));
  },
  (error) => {
    process.exitCode = reportError(error, true);
    process.exit(process.exitCode);
  },
);
