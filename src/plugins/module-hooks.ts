// How plugin modules load, the same in every runtime and folder: every module of a plugin (not only the
// file named by --plugin) that imports or requires 'codex-dbg' gets the running program's own API (inside
// the standalone binary there is no node_modules to find it in), TypeScript is compiled rather than
// stripped (enums work), and a plugin written as a module loads as one in a CommonJS or untyped package
// (src/plugins/plugin-modules.ts). Files keep their own URLs: relative imports, node_modules,
// import.meta.url and stack traces are the user's, and nothing is written beside them.
//   Node >= 22.15 (and the binary): module.registerHooks, in this thread, for import and require.
//   Node < 22.15: module.register with src/plugins/off-thread-hooks.ts (dist/off-thread-hooks.mjs) for
//     import; for require, its resolver is pointed at a module put in require's cache, and TypeScript
//     is compiled by require's extension handlers.
//   Bun: a virtual 'codex-dbg' module (Bun.plugin); Bun compiles TypeScript itself.
//   Deno: deno.json maps 'codex-dbg' to src/api.ts for import, require as on Node < 22.15; Deno compiles
//     TypeScript itself.
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_URL, commonJsFromTypeScript, pluginModule } from './plugin-modules.ts';

const API_KEY = Symbol.for('codex-dbg.api');
/** What require('codex-dbg') resolves to: no file, a module in require's cache. */
const API_FILENAME = join(sep, 'codex-dbg', 'api.virtual.cjs');

let enabled = false;

/** Once per process, before the first plugin module is imported. */
export function enablePluginModules(api: Record<string, unknown>): void {
  (globalThis as Record<symbol, unknown>)[API_KEY] = api;
  if (enabled) return;
  enabled = true;
  const bun = (globalThis as { Bun?: { plugin(plugin: BunPlugin): void } }).Bun;
  if (bun) {
    bun.plugin({ name: 'codex-dbg', setup: (build) => build.module('codex-dbg', () => ({ loader: 'object', exports: api })) });
    return;
  }
  if ('Deno' in globalThis) {
    serveApiToRequire(api);
    return;
  }
  const shim = apiModuleSource(api);
  const { registerHooks, register } = nodeModule as unknown as NodeHooksApi;
  if (typeof registerHooks === 'function') {
    // In this thread, for import and require alike.
    registerHooks({
      resolve: (specifier, context, next) => (specifier === 'codex-dbg' ? { url: API_URL, shortCircuit: true } : next(specifier, context)),
      load: (url, context, next) => {
        if (url === API_URL) return { format: 'module', source: shim, shortCircuit: true };
        // CommonJS met by import is handed to require (which comes back here): CommonJS source given to
        // import gets a require that no hook sees.
        const byRequire = (context as { conditions?: string[] }).conditions?.includes('require') ?? false;
        const own = pluginModule(url, byRequire);
        return own ? { ...own, shortCircuit: true } : next(url, context);
      },
    });
    return;
  }
  serveApiToRequire(api);
  compileTypeScriptOnRequire();
  const offThread = new URL('./off-thread-hooks.mjs', import.meta.url);
  // Built beside the bundle; the source run by the unit tests has none, and its plugins do not import codex-dbg.
  if (existsSync(fileURLToPath(offThread))) register(offThread.href, { data: { shim } });
}

/** The ES module 'codex-dbg' resolves to: the API object's members as named exports. */
function apiModuleSource(api: Record<string, unknown>): string {
  const names = Object.keys(api).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
  return `const api = globalThis[Symbol.for('codex-dbg.api')];\nexport const { ${names.join(', ')} } = api;\nexport default api;\n`;
}

/** require of a .ts, .cts or .mts file (and a CommonJS one met by import, see off-thread-hooks.ts) compiles it. */
function compileTypeScriptOnRequire(): void {
  const extensions = (nodeModule.Module as unknown as { _extensions: Record<string, (module: CompilingModule, filename: string) => void> })._extensions;
  for (const extension of ['.ts', '.cts', '.mts']) {
    extensions[extension] = (module, filename) => module._compile(commonJsFromTypeScript(filename), filename);
  }
}

/** require('codex-dbg') from any CommonJS module gets the API; every other request goes to Node's resolver. */
function serveApiToRequire(api: Record<string, unknown>): void {
  const Module = nodeModule.Module as unknown as {
    new (id: string): { filename: string; loaded: boolean; exports: unknown };
    _cache: Record<string, unknown>;
    _resolveFilename(request: string, ...rest: unknown[]): string;
  };
  const cached = new Module(API_FILENAME);
  cached.filename = API_FILENAME;
  cached.loaded = true;
  cached.exports = api;
  Module._cache[API_FILENAME] = cached;
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'codex-dbg' ? API_FILENAME : resolveFilename.call(this, request, ...rest);
  };
}

type Resolved = { url: string; format?: string; shortCircuit?: boolean };
type Loaded = { format: string; source?: string | Uint8Array; shortCircuit?: boolean };
interface NodeHooksApi {
  registerHooks?: (hooks: {
    resolve(specifier: string, context: object, next: (specifier: string, context: object) => Resolved): Resolved;
    load(url: string, context: object, next: (url: string, context: object) => Loaded): Loaded;
  }) => void;
  register(specifier: string, options: { data: unknown }): void;
}
interface CompilingModule {
  _compile(source: string, filename: string): void;
}
interface BunPlugin {
  name: string;
  setup(build: { module(specifier: string, load: () => { loader: 'object'; exports: Record<string, unknown> }): void }): void;
}
