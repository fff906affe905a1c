#!/usr/bin/env node
// The npm bin: runs the bundle that `npm pack` ships (in a checkout, `npm run build` or `npm ci`, through
// the "dependencies" script, writes it).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/codex-dbg.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('codex-dbg: error [E_INTERNAL]: dist/codex-dbg.mjs is missing; run `npm run build` first\n');
  process.exit(1);
}
await import(bundle.href);
