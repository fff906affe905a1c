// The module.register hooks for Node < 22.15 (built as dist/off-thread-hooks.mjs): the same answers as the
// in-thread hooks of src/plugins/module-hooks.ts, given in Node's hooks thread. Everything is done here:
// the main thread may be blocked waiting for these hooks, so they must never wait for it.
import { API_URL, pluginModule } from './plugin-modules.ts';

let shim = '';

export function initialize(data: { shim: string }): void {
  shim = data.shim;
}

type Next<T> = (first: string, context: object) => Promise<T>;

export async function resolve(specifier: string, context: object, next: Next<object>): Promise<object> {
  return specifier === 'codex-dbg' ? { url: API_URL, shortCircuit: true } : next(specifier, context);
}

export async function load(url: string, context: object, next: Next<object>): Promise<object> {
  if (url === API_URL) return { format: 'module', source: shim, shortCircuit: true };
  // CommonJS TypeScript goes to require, where module-hooks.ts compiles it in the main thread: Node 20
  // would load CommonJS source given here with a require that cannot see the 'codex-dbg' module.
  const own = pluginModule(url, false);
  return own ? { ...own, shortCircuit: true } : next(url, context);
}
