// Bundles src/cli.ts into one file for Node: dist/codex-dbg.mjs (the npm bin) and, with --cjs, the
// CommonJS file the standalone binary embeds. esbuild stays external: it is loaded only to transpile a
// .ts plugin on a Node that cannot strip types.
import { build } from 'esbuild';
import { statSync } from 'node:fs';

const cjs = process.argv.includes('--cjs');
const outfile = cjs ? 'dist/codex-dbg.cjs' : 'dist/codex-dbg.mjs';
const started = performance.now();
await build({
  entryPoints: ['src/cli.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: cjs ? 'cjs' : 'esm',
  outfile,
  external: ['esbuild'],
  banner: cjs ? {} : { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
const size = statSync(outfile).size;
console.log(`built ${outfile} (${(size / 1024).toFixed(0)} KiB) in ${Math.round(performance.now() - started)} ms`);
