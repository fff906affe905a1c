// Under Deno, a permission codex-dbg lacks is one line naming the flag to add, never a stack trace.
// Every command reads the environment (at import already), files (codex, plugins) and runs codex, so those
// three are checked first, before any other module is evaluated: src/cli.ts imports this file first.
// Writing (--record) and the network (--scripted-model, demo: 127.0.0.1 only) are needed only where they
// are used; Deno's refusal there becomes the same kind of line (denoPermissionError, in reportError of
// src/cli/lifecycle.ts, and here for a refusal thrown where nothing catches it).
import { DbgError } from '../core/errors.ts';

/** The whole set, as in deno.json's tasks. */
export const DENO_PERMISSIONS = '--allow-env --allow-read --allow-write --allow-run --allow-net=127.0.0.1';
const REQUIRED = ['env', 'read', 'run'] as const;
const FLAG: Record<string, string> = {
  env: '--allow-env',
  read: '--allow-read',
  write: '--allow-write',
  run: '--allow-run',
  net: '--allow-net=127.0.0.1',
};

interface DenoPermissions {
  permissions: { querySync(descriptor: { name: string }): { state: string } };
  stderr: { writeSync(bytes: Uint8Array): number };
  exit(code: number): never;
}

const deno = (globalThis as { Deno?: DenoPermissions }).Deno;

if (deno) {
  const missing = REQUIRED.filter((name) => deno.permissions.querySync({ name }).state !== 'granted');
  if (missing.length > 0) {
    // Deno's own stderr and exit: node:process may itself need the permissions that are missing.
    const flags = missing.map((name) => FLAG[name]).join(' ');
    deno.stderr.writeSync(new TextEncoder().encode(`codex-dbg: error [E_USAGE]: ${line(`${missing.join(', ')} access`, flags)}\n`));
    deno.exit(2);
  }
  // A refusal thrown where nothing can catch it (Deno's node:net throws from a callback when listening).
  const refused = (event: { error?: unknown; reason?: unknown; preventDefault(): void }) => {
    const problem = denoPermissionError(event.error ?? event.reason);
    if (!problem) return;
    event.preventDefault();
    deno.stderr.writeSync(new TextEncoder().encode(`codex-dbg: error [E_USAGE]: ${problem.message}\n`));
    deno.exit(2);
  };
  const events = globalThis as unknown as { addEventListener(type: string, listener: typeof refused): void };
  events.addEventListener('error', refused);
  events.addEventListener('unhandledrejection', refused);
}

function line(refused: string, flags: string): string {
  return `Deno did not grant ${refused}: run deno with ${flags} (all that codex-dbg uses: ${DENO_PERMISSIONS}, as in "deno task start")`;
}

/** Deno's refusal (a NotCapable error, also inside another error) as one line naming the flag; else undefined. */
export function denoPermissionError(error: unknown): DbgError | undefined {
  if (!deno) return undefined;
  for (let inner = error; inner instanceof Error; inner = inner.cause) {
    // 'Requires write access to "/tmp/x.jsonl", run again with the --allow-write flag'
    const match = /Requires (\w+) access to (.+?), run again with the --allow-/.exec(inner.message);
    if (match) return new DbgError('E_USAGE', line(`${match[1]} access to ${match[2]}`, FLAG[match[1]] ?? `--allow-${match[1]}`), { cause: error });
  }
  return undefined;
}
