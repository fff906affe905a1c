// The page's script and stylesheet. The bundle (npm and the standalone binary) carries them as a constant
// that scripts/build.mjs defines at build time; running from the source tree (bun, deno, the tests), they
// are built on first use by the same script, with esbuild and Preact from the dev dependencies.
import { DbgError } from '../core/errors.ts';

export interface PageAssets {
  js: string;
  css: string;
}

declare const __CODEX_DBG_PAGE__: PageAssets | undefined;

let built: Promise<PageAssets> | undefined;

export function pageAssets(): Promise<PageAssets> {
  if (typeof __CODEX_DBG_PAGE__ !== 'undefined') return Promise.resolve(__CODEX_DBG_PAGE__);
  built ??= buildFromSource();
  return built;
}

async function buildFromSource(): Promise<PageAssets> {
  const script = new URL('../../scripts/build-page.mjs', import.meta.url).href;
  try {
    const { buildPage } = (await import(script)) as { buildPage(): Promise<PageAssets> };
    return await buildPage();
  } catch (error) {
    throw new DbgError('E_INTERNAL', `the inspector page is not built into this copy and could not be built from source: ${(error as Error).message}`);
  }
}
