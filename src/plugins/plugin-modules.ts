// What Node runs for a plugin module: TypeScript compiled for its format (also inside node_modules, where
// Node refuses to strip types), and a .js file written as a module loaded as one where Node would take it
// for CommonJS (a "type": "commonjs" or untyped package). Anything else is left to Node. Used by the hooks
// in src/plugins/module-hooks.ts, in this thread or in the hooks thread (src/plugins/off-thread-hooks.ts).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiled } from './compile-cache.ts';
import type { ModuleFormat } from './transpile.ts';

export interface PluginModule {
  format: ModuleFormat;
  source: string;
}

/** The URL 'codex-dbg' resolves to in a plugin module; its source is the API object's members (module-hooks.ts). */
export const API_URL = 'codex-dbg:api';
const TYPESCRIPT = /\.[cm]?ts$/;

/**
 * The format and source Node should use for a module URL, or undefined to let Node load it its own way.
 * `commonJsSource: false` leaves a CommonJS module's source to require (see module-hooks.ts).
 */
export function pluginModule(url: string, commonJsSource = true): PluginModule | { format: 'commonjs'; source?: undefined } | undefined {
  if (!url.startsWith('file:')) return undefined;
  const path = fileURLToPath(url);
  const typescript = TYPESCRIPT.test(path);
  if (!typescript && (extname(path) !== '.js' || path.includes(`${sep}node_modules${sep}`))) return undefined;
  const source = readFileSync(path, 'utf8');
  const format = moduleFormat(path, source);
  if (typescript) return format === 'commonjs' && !commonJsSource ? { format } : { format, source: compiled(source, path, format) };
  return format === 'module' && packageType(path) !== 'module' ? { format, source } : undefined;
}

/** A TypeScript file for require: compiled to CommonJS, whatever syntax it is written in. */
export function commonJsFromTypeScript(path: string): string {
  return compiled(readFileSync(path, 'utf8'), path, 'commonjs');
}

/** .mts .mjs: module; .cts .cjs: CommonJS; .ts .js: module in a "type": "module" package or when written as one. */
export function moduleFormat(path: string, source: string): ModuleFormat {
  if (/\.m[jt]s$/.test(path)) return 'module';
  if (/\.c[jt]s$/.test(path)) return 'commonjs';
  return packageType(path) === 'module' || hasModuleSyntax(source) ? 'module' : 'commonjs';
}

const MODULE_SYNTAX = /^[ \t]*(?:import[ \t]*[\w${*'"]|export[ \t]*[\w${*]|export[ \t]+default\b)|\bimport\.meta\b/m;

function hasModuleSyntax(source: string): boolean {
  return MODULE_SYNTAX.test(source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^[ \t]*\/\/.*$/gm, ''));
}

const packageTypes = new Map<string, string | undefined>();

/** The "type" of the nearest package.json, as Node reads it. */
function packageType(path: string): string | undefined {
  const dir = dirname(path);
  if (packageTypes.has(dir)) return packageTypes.get(dir);
  let type: string | undefined;
  const manifest = join(dir, 'package.json');
  if (existsSync(manifest)) {
    try {
      type = (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type;
    } catch {
      type = undefined;
    }
  } else if (dirname(dir) !== dir) {
    type = packageType(dir);
  }
  packageTypes.set(dir, type);
  return type;
}
