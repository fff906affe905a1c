#!/usr/bin/env node
// The npm bin: runs the bundle that `npm run build` (and `npm ci`, through "prepare") writes.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/codex-dbg.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('codex-dbg: error [E_INTERNAL]: dist/codex-dbg.mjs is missing; run `npm run build` first\n');
  process.exit(1);
}
await import(bundle.href);
