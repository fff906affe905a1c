// Turns `--plugin` arguments into plugin objects: a built-in name, a file (.ts .mts .cts .js .mjs .cjs), or
// an installed npm package. A file that imports "codex-dbg" gets that import pointed at the running
// program's own API (inside the standalone binary there is no node_modules to find it in), and a .ts file
// is transpiled with esbuild where the runtime cannot strip types itself (Node < 22.18).
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as v from 'valibot';
import { DbgError } from '../core/errors.ts';
import { describeIssues } from '../core/messages.ts';
import { checkHandlerKeys } from './check.ts';
import type { OptionValue, Plugin, PluginFactory } from './contract.ts';
import type { LoadedPlugin } from './host.ts';
import { validateOptions, type PluginSpec } from './options.ts';

export interface LoaderOptions {
  builtins: Record<string, Plugin | PluginFactory>;
  /** Options from --plugins-config, by plugin name (or by the ref as given). */
  config?: Record<string, Record<string, OptionValue>>;
  /** What `import ... from "codex-dbg"` gives a plugin file. */
  api: Record<string, unknown>;
  cwd?: string;
}

const PLUGIN_FILE = /\.(?:[cm]?ts|[cm]?js)$/;
const API_KEY = Symbol.for('codex-dbg.api');

const PluginShape = v.looseObject({
  name: v.pipe(v.string('"name" must be a string'), v.minLength(1, '"name" must not be empty')),
  description: v.optional(v.string()),
  options: v.optional(
    v.record(v.string(), v.looseObject({ type: v.picklist(['string', 'number', 'boolean']), required: v.optional(v.boolean()) })),
  ),
  capabilities: v.optional(v.looseObject({})),
  handlers: v.optional(v.record(v.string(), v.function('each handler must be a function'))),
  handlerTimeoutMs: v.optional(v.pipe(v.number(), v.minValue(0))),
  onMessage: v.optional(v.function()),
  format: v.optional(v.function()),
  setup: v.optional(v.function()),
  dispose: v.optional(v.function()),
});

export async function loadPlugins(specs: PluginSpec[], options: LoaderOptions): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  for (const spec of specs) loaded.push(await loadPlugin(spec, options));
  return loaded;
}

export async function loadPlugin(spec: PluginSpec, options: LoaderOptions): Promise<LoadedPlugin> {
  const { exported, where } = await resolveExport(spec.ref, options);
  const configured = options.config?.[spec.ref] ?? {};
  const raw = { ...configured, ...spec.options };
  let candidate: unknown = exported;
  if (typeof exported === 'function') {
    try {
      candidate = await (exported as PluginFactory)(raw);
    } catch (error) {
      if (error instanceof DbgError) throw error;
      throw new DbgError('E_PLUGIN', `${where}: its factory threw: ${(error as Error).message}`, { cause: error });
    }
  }
  const parsed = v.safeParse(PluginShape, candidate);
  if (!parsed.success) {
    throw new DbgError('E_PLUGIN', `${where} does not export a plugin: ${describeIssues(parsed.issues)}`);
  }
  const plugin = candidate as Plugin;
  checkHandlerKeys(plugin, where);
  const byName = options.config?.[plugin.name] ?? {};
  return { plugin, options: validateOptions(plugin.name, plugin.options, { ...byName, ...raw }) };
}

async function resolveExport(ref: string, options: LoaderOptions): Promise<{ exported: unknown; where: string }> {
  if (Object.hasOwn(options.builtins, ref)) return { exported: options.builtins[ref], where: `built-in plugin "${ref}"` };
  const cwd = options.cwd ?? process.cwd();
  const looksLikeFile = PLUGIN_FILE.test(ref) || ref.startsWith('.') || ref.startsWith('/') || ref.includes('\\');
  if (looksLikeFile) {
    const path = resolve(cwd, ref);
    if (!existsSync(path)) throw new DbgError('E_PLUGIN', `plugin file ${ref} not found (looked at ${path})`);
    return { exported: defaultExport(await importPluginFile(path, options.api), ref), where: `plugin file ${ref}` };
  }
  let resolved: string;
  try {
    resolved = createRequire(join(cwd, 'noop.js')).resolve(ref);
  } catch {
    const names = Object.keys(options.builtins).join(', ');
    throw new DbgError('E_USAGE', `unknown plugin "${ref}": not a built-in (${names}), a file, or an installed package`);
  }
  return { exported: defaultExport(await importPluginFile(resolved, options.api), ref), where: `plugin package ${ref}` };
}

function defaultExport(module: unknown, ref: string): unknown {
  const mod = module as { default?: unknown };
  const value = mod && typeof mod === 'object' && 'default' in mod ? mod.default : undefined;
  if (value === undefined) throw new DbgError('E_PLUGIN', `plugin ${ref} has no default export (export default definePlugin({...}))`);
  // A CommonJS module that itself set exports.default.
  return value && typeof value === 'object' && 'default' in value && !('name' in value) ? (value as { default: unknown }).default : value;
}

export function runtimeStripsTypes(): boolean {
  if ('Deno' in globalThis || process.versions.bun) return true;
  const features = process.features as { typescript?: string | false };
  return Boolean(features.typescript);
}

async function importPluginFile(path: string, api: Record<string, unknown>): Promise<unknown> {
  const source = readFileSync(path, 'utf8');
  const isTypeScript = /\.[cm]?ts$/.test(path);
  const importsApi = /(['"])codex-dbg\1/.test(source);
  const mustTranspile = isTypeScript && !runtimeStripsTypes();
  const url = (p: string) => pathToFileURL(p).href;
  try {
    if (!importsApi && !mustTranspile) return await import(url(path));
    let code = mustTranspile ? await transpile(source, path) : source;
    const shims = importsApi ? writeApiShims(api) : undefined;
    if (shims) {
      code = code
        .replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])codex-dbg\2/g, (_m, head) => `${head}${JSON.stringify(url(shims.esm))}`)
        .replace(/\brequire\s*\(\s*(['"])codex-dbg\1\s*\)/g, () => `require(${JSON.stringify(shims.cjs)})`);
    }
    // Beside the original, so its own relative imports still resolve; removed once imported.
    const extension = mustTranspile ? (path.endsWith('.cts') ? '.cjs' : '.mjs') : extname(path);
    const copy = join(dirname(path), `.${basename(path)}.codex-dbg-${process.pid}-${Date.now()}${extension}`);
    writeFileSync(copy, code);
    try {
      return await import(url(copy));
    } finally {
      rmSync(copy, { force: true });
      if (shims) rmSync(shims.dir, { recursive: true, force: true });
    }
  } catch (error) {
    if (error instanceof DbgError) throw error;
    throw new DbgError('E_PLUGIN', `plugin file ${path} failed to load: ${(error as Error).message}`, { cause: error });
  }
}

/** Two tiny modules that hand out the running program's API from a global, for ESM and for CommonJS. */
function writeApiShims(api: Record<string, unknown>): { dir: string; esm: string; cjs: string } {
  (globalThis as Record<symbol, unknown>)[API_KEY] = api;
  const dir = mkdtempSync(join(tmpdir(), 'codex-dbg-api-'));
  const get = 'globalThis[Symbol.for("codex-dbg.api")]';
  const names = Object.keys(api).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
  const esm = join(dir, 'api.mjs');
  const cjs = join(dir, 'api.cjs');
  writeFileSync(esm, `const api = ${get};\n${names.map((n) => `export const ${n} = api.${n};`).join('\n')}\nexport default api;\n`);
  writeFileSync(cjs, `module.exports = ${get};\n`);
  return { dir, esm, cjs };
}

async function transpile(source: string, path: string): Promise<string> {
  let esbuild: { transform(code: string, options: object): Promise<{ code: string }> };
  try {
    const name = 'esbuild';
    esbuild = await import(name);
  } catch {
    throw new DbgError(
      'E_PLUGIN',
      `plugin file ${path} is TypeScript, and Node ${process.versions.node} cannot strip types: install esbuild (npm i esbuild), use Node >= 22.18, Deno or Bun, or write the plugin as .mjs`,
    );
  }
  const format = /\.cts$/.test(path) ? 'cjs' : 'esm';
  const result = await esbuild.transform(source, { loader: 'ts', format, sourcefile: path, target: 'node20' });
  return result.code;
}
