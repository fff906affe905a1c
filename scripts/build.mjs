// Builds the npm package's JavaScript from src/ with esbuild. Every dependency is bundled, so the package
// has none at run time.
//   dist/codex-dbg.mjs        the program (bin/codex-dbg.js runs it)
//   dist/off-thread-hooks.mjs the plugin module hooks for Node < 22.15 (module.register)
//   dist/transpile.cjs        the TypeScript transpiler for plugins (sucrase), loaded only when a .ts plugin
//                             module is compiled and its output is not cached yet
//   dist/api.mjs, dist/api.cjs   what a script gets from `import … from 'codex-dbg'` or require (types:
//                             scripts/build-types.mjs); a plugin run by codex-dbg gets the program's own copy
// With --cjs: dist/codex-dbg.cjs, the one CommonJS file the standalone binary embeds (transpiler inside).
// The inspector page (scripts/build-page.mjs) is built first and embedded in the program as a constant
// (__CODEX_DBG_PAGE__), so it is served without any file beside it.
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildPage } from './build-page.mjs';

const common = { bundle: true, platform: 'node', target: 'node20', legalComments: 'none', logLevel: 'warning' };
// ESM output has no `require`; the bundled CommonJS packages and the transpiler's loading need one.
const esmRequire = { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" };

const transpiler = { entryPoints: ['src/plugins/transpile.ts'], outfile: 'dist/transpile.cjs', format: 'cjs', minify: true };

/**
 * require('./transpile.ts') (src/plugins/compile-cache.ts) gets the built dist/transpile.cjs: beside the
 * ESM bundle, so a run without a .ts plugin never reads it; inside the binary's one file, minified, so it
 * costs little to parse.
 */
const transpilerFile = (external) => ({
  name: 'transpiler-file',
  setup(b) {
    b.onResolve({ filter: /^\.\/transpile\.ts$/ }, (args) => {
      if (args.kind !== 'require-call') return undefined;
      return external ? { path: './transpile.cjs', external: true } : { path: resolve(transpiler.outfile) };
    });
  },
});

const started = performance.now();
const page = await buildPage();
const pageConstant = { define: { __CODEX_DBG_PAGE__: JSON.stringify(page) } };

const outputs = process.argv.includes('--cjs')
  ? [
      {
        entryPoints: ['src/cli.ts'],
        outfile: 'dist/codex-dbg.cjs',
        format: 'cjs',
        ...pageConstant,
        plugins: [transpilerFile(false)],
        // import.meta is empty in CommonJS; the code that reads it takes another path there.
        logOverride: { 'empty-import-meta': 'silent' },
      },
    ]
  : [
      { entryPoints: ['src/cli.ts'], outfile: 'dist/codex-dbg.mjs', format: 'esm', banner: esmRequire, ...pageConstant, plugins: [transpilerFile(true)] },
      { entryPoints: ['src/plugins/off-thread-hooks.ts'], outfile: 'dist/off-thread-hooks.mjs', format: 'esm', banner: esmRequire, plugins: [transpilerFile(true)] },
      { entryPoints: ['src/api.ts'], outfile: 'dist/api.mjs', format: 'esm' },
      { entryPoints: ['src/api.ts'], outfile: 'dist/api.cjs', format: 'cjs' },
    ];

await build({ ...common, ...transpiler });
await Promise.all(outputs.map((options) => build({ ...common, ...options })));
const sizes = [transpiler, ...outputs].map(({ outfile }) => `${outfile} (${(statSync(outfile).size / 1024).toFixed(0)} KiB)`);
const pageKiB = ((page.js.length + page.css.length) / 1024).toFixed(0);
console.log(`built ${sizes.join(', ')} (the inspector page: ${pageKiB} KiB of it) in ${Math.round(performance.now() - started)} ms`);
