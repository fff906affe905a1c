// TypeScript plugin modules turned into JavaScript for Node, with sucrase: pure JavaScript, so it goes
// into the npm package and the standalone binary alike, and it compiles enums and parameter properties
// instead of refusing them as Node's own type stripping does. Loaded only when a .ts module is met whose
// output is not cached yet (src/plugins/compile-cache.ts). Plain errors only: this file is built on its own
// (dist/transpile.cjs), and its messages may cross a thread (Node < 22.15).
import { getVersion, transform } from 'sucrase';

export type ModuleFormat = 'module' | 'commonjs';

/** Part of the cache key: another transpiler version may compile the same source differently. */
export const TRANSPILER = `sucrase@${getVersion()}`;

// Sucrase drops a namespace that holds values without a word; say so rather than run a broken plugin.
const VALUE_NAMESPACE = /^[ \t]*(?:export[ \t]+)?(?:namespace|module)[ \t]+[\w$.]+[ \t]*\{/m;

export function transpile(source: string, path: string, format: ModuleFormat): string {
  if (VALUE_NAMESPACE.test(source)) {
    throw new Error(`${path}: a TypeScript namespace with values cannot be compiled here (use a module or an object instead)`);
  }
  try {
    return transform(source, {
      // CommonJS output also turns import/export into require/exports, as tsc does for a .cts file.
      transforms: format === 'commonjs' ? ['typescript', 'imports'] : ['typescript'],
      filePath: path,
      disableESTransforms: true,
      preserveDynamicImport: true,
    }).code;
  } catch (error) {
    throw new Error(`${path} is not valid TypeScript: ${(error as Error).message}`);
  }
}
