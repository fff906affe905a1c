// Bundles src/cli.ts into one file for Node: dist/codex-dbg.mjs (the npm bin) and, with --cjs, the
// CommonJS file the standalone binary embeds. esbuild stays external: it is loaded only to transpile a
// .ts plugin on a Node that cannot strip types. The inspector page is built first and embedded as a
// constant (__CODEX_DBG_PAGE__), so the bundle serves it without any file beside it.
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { buildPage } from './build-page.mjs';

const cjs = process.argv.includes('--cjs');
const outfile = cjs ? 'dist/codex-dbg.cjs' : 'dist/codex-dbg.mjs';
const started = performance.now();
const page = await buildPage();
await build({
  entryPoints: ['src/cli.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: cjs ? 'cjs' : 'esm',
  outfile,
  external: ['esbuild'],
  define: { __CODEX_DBG_PAGE__: JSON.stringify(page) },
  banner: cjs ? {} : { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
const size = statSync(outfile).size;
const pageKiB = ((page.js.length + page.css.length) / 1024).toFixed(0);
console.log(`built ${outfile} (${(size / 1024).toFixed(0)} KiB, of which the inspector page ${pageKiB} KiB) in ${Math.round(performance.now() - started)} ms`);
