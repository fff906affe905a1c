// The plugin API's type declarations for the npm package: one self-contained file, dist/api.d.ts (and the
// same as dist/api.d.cts for require), with exactly what src/api.ts exports and the types those refer to.
// Run by `npm pack` (the "prepack" script, after the JavaScript build); it type-checks, so it takes some
// seconds. The package test (test/e2e/package.test.ts) compiles plugins against the result, as ESM and as
// CommonJS.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { generateDtsBundle } from 'dts-bundle-generator';

const started = performance.now();
const [types] = generateDtsBundle([{ filePath: 'src/api.ts', libraries: { inlinedLibraries: ['valibot'] }, output: { exportReferencedTypes: false, noBanner: true } }], {
  preferredConfigPath: 'tsconfig.json',
});
if (/^import |\bimport\(/m.test(types)) throw new Error('dist/api.d.ts would import another package; the API must be self-contained');
mkdirSync('dist', { recursive: true });
writeFileSync('dist/api.d.ts', `// The plugin API of codex-dbg (src/api.ts), built by scripts/build-types.mjs.\n${types}`);
copyFileSync('dist/api.d.ts', 'dist/api.d.cts');
console.log(`built dist/api.d.ts, dist/api.d.cts (${(types.length / 1024).toFixed(0)} KiB) in ${Math.round(performance.now() - started)} ms`);
